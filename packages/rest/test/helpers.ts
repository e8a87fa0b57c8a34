import { balancer } from '@smmbot/balancer';
import {
  type BotPlugin,
  type Channel,
  type ChannelCapabilities,
  createEngine,
  type Engine,
  formatIssues,
  guardRequest,
  type HttpAuth,
  httpError,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  type LinkStatus,
  type Logger,
  type OutboundMessage,
  type PanelCapability,
  type PanelUser,
  type Role,
  SecretBox,
  type SendReceipt,
  silentLogger,
  SmmbotError,
  Tokens,
} from '@smmbot/core';
import { FakeChannel, FakePanel, FakePhone } from '@smmbot/core/testing';
import { type ProviderConnector, providers } from '@smmbot/providers';
import { memoryStorage } from '@smmbot/storage-memory';
import { support } from '@smmbot/support';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { PLUGIN_NAME, type RuntimeChannelOptions, rest } from '../src/index.js';

export const A = 'acme';
export const B = 'globex';
export const SECRET = 'rest-test-secret-key-that-is-long-enough';

/** Every 200 answer is checked against the route's response schema: a drift fails the request (500). */
function mountRoute(app: FastifyInstance, engine: Engine, route: HttpRoute): void {
  app.route({
    method: route.method,
    url: route.path,
    handler: async (req: FastifyRequest, reply) => {
      const request: HttpRequest = {
        method: req.method,
        path: req.url.split('?')[0] ?? req.url,
        params: req.params as Record<string, string>,
        query: req.query as HttpRequest['query'],
        headers: req.headers,
        body: req.body,
        rawBody: (req as unknown as { rawBody?: string }).rawBody,
        ip: req.ip,
      };
      const send = (res: HttpResponse) => {
        void reply.code(res.status ?? 200).headers(res.headers ?? {});
        return res.body ?? '';
      };
      const refused = await guardRequest(engine.container, route, request);
      if (refused) return send(refused);
      const s = route.schema;
      try {
        const res = await route.handler(request);
        const schema = s?.response?.[200];
        if ((res.status ?? 200) === 200 && schema) {
          const parsed = schema.safeParse(JSON.parse(JSON.stringify(res.body)));
          if (!parsed.success) {
            throw new Error(
              `${route.method} ${route.path}: answer does not match its response schema:\n${formatIssues(parsed.error).join('\n')}`,
            );
          }
        }
        return send(res);
      } catch (err) {
        if (err instanceof SmmbotError && err.code === 'E_UNAVAILABLE') {
          return send(httpError(503, err.code, 'the bot is shutting down or starting; try again shortly'));
        }
        throw err;
      }
    },
  });
}

export function buildServer(engine: Engine): FastifyInstance {
  const app = Fastify({ logger: false });
  // As the host does: webhook signatures are computed over the exact bytes.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    (req as unknown as { rawBody: string }).rawBody = text;
    try {
      done(null, text.trim() ? JSON.parse(text) : undefined);
    } catch (err) {
      done(Object.assign(err as Error, { statusCode: 400, code: 'E_BAD_JSON' }), undefined);
    }
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    void reply.code(status).send({ error: { code: err.code ?? 'E_INTERNAL', message: err.message } });
  });
  for (const route of engine.http.all()) mountRoute(app, engine, route);
  return app;
}

/** Reads `x-test-user: <tenant>:<role>` (the host test's approach): the session says who and which workspace. */
function testAuthenticator(): BotPlugin {
  return {
    name: 'test-authenticator',
    register(c) {
      c.register(Tokens.Authenticator, {
        useValue: {
          async authenticate(req: HttpRequest): Promise<HttpAuth | undefined> {
            const raw = req.headers['x-test-user'];
            if (typeof raw !== 'string') return undefined;
            const [tenantId, role] = raw.split(':') as [string, Role];
            return { tenantId, role, userId: `${tenantId}-${role}` };
          },
        },
      });
    },
  };
}

/** A WhatsApp-Web-like channel (what the dashboard reads of Baileys): `login`, `link()`, and `listGroups()`. */
export class LoginChannel implements Channel {
  readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: true,
    formatting: 'whatsapp',
    maxTextLength: 4096,
  };
  login: { status: string; qr?: string; pairingCode?: string } = { status: 'qr', qr: '' };
  groups: { id: string; title?: string }[] = [];

  constructor(
    readonly name: string,
    readonly tenantId: string,
  ) {
    this.login = { status: 'qr', qr: `2@QR-${tenantId}` };
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    return { message, sentAt: 0 };
  }

  link(): LinkStatus {
    return { state: 'connecting' };
  }

  async listGroups() {
    return this.groups;
  }

  plugin(): BotPlugin {
    return { name: `login-channel:${this.name}`, register: (c) => c.resolve(Tokens.Channels).add(this) };
  }
}

/** A panel that can look users up (manual verification checks the username). */
export class UserPanel extends FakePanel {
  override readonly capabilities: ReadonlySet<PanelCapability> = new Set<PanelCapability>(['orders.get', 'users.get']);
  readonly users = new Set<string>(['demo', 'alice']);

  async findUser(username: string): Promise<PanelUser | undefined> {
    return this.users.has(username) ? ({ username } as PanelUser) : undefined;
  }

  tenantPlugin(tenant: string): BotPlugin {
    return { name: `panel:${tenant}`, tenant, register: (c) => c.register(Tokens.Panel, { useValue: this }) };
  }
}

/** Provider panels in process: a catalog of three services per provider. */
const connect: ProviderConnector = (provider) => {
  const panel = new FakePanel();
  return Object.assign(panel, {
    capabilities: new Set<PanelCapability>(['orders.get', 'services', 'balance']),
    services: async () =>
      [1, 2, 3].map((i) => ({
        id: String(i),
        name: `${provider.name} Instagram Followers #${i} [Refill 30D]`,
        rate: i * 1.5,
        min: 10,
        max: 10_000,
      })),
    balance: async () => ({ amount: 12.5, currency: 'USD' }),
  });
};

/**
 * Two workspaces on one engine, each with a chat channel, a WhatsApp-Web-like channel, an anti-ban
 * phone and its own panel; support, providers, balancer and the REST API; a header authenticator.
 */
export async function restApp(
  extra: {
    /** Reuse a storage plugin (the same stores) across engines: a restart. */
    storage?: BotPlugin[];
    runtimeChannels?: RuntimeChannelOptions;
    /** Capture what the engine and plugins log (default: silent). */
    logger?: Logger;
  } = {},
) {
  const engine: Engine = createEngine({
    logger: extra.logger ?? silentLogger(),
    tenants: [A, B],
    botConfig: () => ({ verification_enabled: false }),
  });
  const chats: Record<string, FakeChannel> = { [A]: new FakeChannel('wa-a', A), [B]: new FakeChannel('wa-b', B) };
  const logins: Record<string, LoginChannel> = { [A]: new LoginChannel('web-a', A), [B]: new LoginChannel('web-b', B) };
  const panels: Record<string, UserPanel> = { [A]: new UserPanel(), [B]: new UserPanel() };
  const phones: Record<string, FakePhone> = {
    [A]: new FakePhone('phone-a', A, engine.clock),
    [B]: new FakePhone('phone-b', B, engine.clock),
  };
  engine.use(
    extra.storage ?? memoryStorage(),
    { name: 'test-secrets', register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox(SECRET) }) },
    testAuthenticator(),
    ...[A, B].flatMap((t) => [
      chats[t]!.plugin(),
      logins[t]!.plugin(),
      phones[t]!.plugin(),
      panels[t]!.tenantPlugin(t),
    ]),
    support({
      admins: [
        { tenant: A, channel: 'wa-a', address: 'owner-a', role: 'owner' },
        { tenant: B, channel: 'wa-b', address: 'owner-b', role: 'owner' },
      ],
    }),
    providers({ syncOnBoot: false, connect }),
    // No human pacing in tests: replies on anti-ban channels go out at once.
    balancer({
      rules: {
        delayMinMs: 0,
        delayMaxMs: 0,
        replies: { delayMinMs: 0, delayMaxMs: 0 },
        typing: { perSqrtCharMs: 0, capMs: 0, extraMinMs: 0, extraMaxMs: 0 },
      },
    }),
    rest({
      containerFor: (tenant) => engine.forTenant(tenant),
      ...(extra.runtimeChannels ? { runtimeChannels: extra.runtimeChannels } : {}),
    }),
  );
  await engine.start();
  const server = buildServer(engine);

  let n = 0;
  /** A message from `sender` to tenant's chat channel (a group when `group` is given). */
  async function say(tenant: string, sender: string, text: string, group?: string) {
    const channel = chats[tenant]!;
    await engine.handle(
      channel.message(text, {
        id: `m${++n}`,
        sender: { id: sender },
        chat: group ? { id: group, kind: 'group', title: `Group ${group}` } : { id: sender, kind: 'private' },
      }),
    );
  }

  /** Calls the API as `<tenant>:<role>`. */
  function call(user: string | undefined, method: string, url: string, payload?: unknown) {
    return server.inject({
      method: method as 'GET',
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers: user ? { 'x-test-user': user } : {},
    });
  }

  return {
    engine,
    server,
    chats,
    logins,
    panels,
    phones,
    say,
    call,
    routes: () => engine.http.all().filter((r) => r.plugin === PLUGIN_NAME),
    async stop() {
      await server.close();
      await engine.stop();
    },
  };
}

export type RestApp = Awaited<ReturnType<typeof restApp>>;
