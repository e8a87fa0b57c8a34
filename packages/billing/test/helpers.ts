import {
  type Authenticator,
  type BotPlugin,
  createEngine,
  createLogger,
  type HttpAuth,
  type PluginInput,
  silentLogger,
  Tokens,
  VirtualClock,
} from '@smmbot/core';
import { buildServer } from '@smmbot/host';
import { createMemoryStorage, memoryStorage } from '@smmbot/storage-memory';
import { billing, BillingToken, HealthMonitorToken, type PlanInput } from '../src/index.js';

export const PLANS: PlanInput[] = [
  {
    id: 'free',
    name: 'Free',
    price: 0,
    currency: 'usd',
    interval: 'month',
    modules: ['support'],
    mediums: ['webchat'],
    limits: { messages_per_month: 100, phones: 0, staff: 1, ai_requests: 0 },
  },
  {
    id: 'pro',
    name: 'Pro',
    price: 2500,
    currency: 'usd',
    interval: 'month',
    modules: ['support', 'ai', 'marketing', 'send_api', 'tickets'],
    mediums: ['whatsapp', 'telegram', 'webchat'],
    limits: { messages_per_month: null, phones: 2, staff: 5, ai_requests: 1000 },
  },
];

/**
 * The host test's approach: an Authenticator that believes a header. `owner:<workspace>` and
 * `staff:<workspace>` are workspace sessions; `master` is the master admin (master routes only).
 */
export const headerAuthenticator: Authenticator = {
  async authenticate(req, kind) {
    const who = req.headers['x-test-user'];
    if (typeof who !== 'string') return undefined;
    if (who === 'master') {
      return kind === 'master'
        ? ({ tenantId: '', userId: 'm', role: 'owner', master: true } satisfies HttpAuth)
        : undefined;
    }
    const [role, tenantId] = who.split(':');
    if (!tenantId || (role !== 'owner' && role !== 'staff')) return undefined;
    return { tenantId, userId: `${role}-${tenantId}`, role } satisfies HttpAuth;
  },
};

export const authPlugin = (): BotPlugin => ({
  name: 'test-auth',
  register: (c) => c.register(Tokens.Authenticator, { useValue: headerAuthenticator }),
});

export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: {
      write: (s: string) => {
        raw.push(s);
        lines.push(JSON.parse(s));
      },
    },
  });
  return { lines, raw, logger };
}

/** The plugin's raw options. */
export type Options = NonNullable<Parameters<typeof billing>[0]>;

export interface Setup {
  options?: Options;
  clock?: VirtualClock;
  /** Plugins before billing (channels, panels). */
  before?: PluginInput[];
  /** Plugins after billing. */
  after?: PluginInput[];
  tenants?: string[];
  /** Storage that outlives one engine (restarts); default: fresh memory storage. */
  storage?: BotPlugin;
}

/** Memory storage shared by several engines, for restarts. */
export function sharedStorage(clock: VirtualClock): BotPlugin {
  const backend = createMemoryStorage(clock);
  return {
    name: 'shared-storage',
    register: (c) => {
      c.register(Tokens.Store, { useValue: backend.records });
      c.register(Tokens.Kv, { useValue: backend.kv });
    },
  };
}

/** An engine serving workspaces `acme` and `globex` with billing, mounted on the host's real server. */
export async function start(setup: Setup = {}) {
  const clock = setup.clock ?? new VirtualClock(Date.UTC(2026, 0, 10, 12));
  const logs = captureLogs();
  const engine = createEngine({
    clock,
    logger: logs.logger,
    tenants: setup.tenants ?? ['acme', 'globex'],
    plugins: [
      setup.storage ?? memoryStorage(),
      authPlugin(),
      ...(setup.before ?? []),
      billing({ plans: PLANS, ...setup.options }),
      ...(setup.after ?? []),
    ],
  });
  await engine.start();
  const server = buildServer(engine, silentLogger());
  const call = async (user: string | undefined, method: string, url: string, payload?: unknown) => {
    const res = await server.inject({
      method: method as 'GET',
      url,
      headers: user ? { 'x-test-user': user } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    const text = res.body;
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  };
  const as = (user?: string) => ({
    get: (url: string) => call(user, 'GET', url),
    post: (url: string, body: unknown = {}) => call(user, 'POST', url, body),
    patch: (url: string, body: unknown) => call(user, 'PATCH', url, body),
    put: (url: string, body: unknown) => call(user, 'PUT', url, body),
    delete: (url: string) => call(user, 'DELETE', url),
  });
  return {
    engine,
    clock,
    logs,
    server,
    as,
    billing: engine.container.resolve(BillingToken),
    health: engine.container.resolve(HealthMonitorToken),
    stop: async () => {
      await server.close();
      await engine.stop();
    },
  };
}
