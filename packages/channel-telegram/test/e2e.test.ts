import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEngine, type Engine, type HttpRoute, silentLogger, Tokens, VirtualClock } from '@smmbot/core';
import { perfectPanel } from '@smmbot/panel-perfectpanel';
import { createPanelSim } from '@smmbot/panel-sim';
import { memoryStorage } from '@smmbot/storage-memory';
import { IDENTITIES, type IdentityRecord, identityId, support } from '@smmbot/support';
import TelegramServerModule from 'telegram-test-api';

// telegram-test-api is CommonJS with an `exports.default` class: under NodeNext typing the default
// import is the module object, at run time it may be either. Take the class in both cases.
type TelegramServerClass = (typeof TelegramServerModule)['default'];
const TelegramServer: TelegramServerClass =
  (TelegramServerModule as unknown as { default?: TelegramServerClass }).default ??
  (TelegramServerModule as unknown as TelegramServerClass);
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TelegramChannel, TelegramChannel as TelegramChannelClass, telegram } from '../src/index.js';

const TOKEN = '777:E2E-TOKEN';
const USER_ID = 4242;

/** A free loopback port: the emulator cannot listen on 0 (it turns 0 into 9000). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

/** Serves one framework-free route on node:http, the way the host mounts it (JSON body + raw body). */
function serve(route: HttpRoute): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (req.method !== route.method || url.pathname !== route.path) {
          res.writeHead(404).end();
          return;
        }
        let body: unknown;
        try {
          body = rawBody ? JSON.parse(rawBody) : undefined;
        } catch {
          body = rawBody;
        }
        const out = await route.handler({
          method: req.method,
          path: url.pathname,
          params: {},
          query: {},
          headers: req.headers,
          body,
          rawBody,
        });
        res.writeHead(out.status ?? 200, { 'content-type': 'application/json', ...out.headers });
        res.end(JSON.stringify(out.body ?? {}));
      })();
    });
  });
}

describe('e2e: telegraf against telegram-test-api, webhook mode', () => {
  let server: InstanceType<typeof TelegramServer>;
  let engine: Engine;
  let sim: ReturnType<typeof createPanelSim>;
  let hook: Server;

  beforeAll(async () => {
    server = new TelegramServer({ host: '127.0.0.1', port: await freePort() });
    await server.start();
    const clock = new VirtualClock(Date.UTC(2026, 10, 1, 12, 0, 0));
    sim = createPanelSim({ clock, seed: 1 });
    await sim.start();
    engine = createEngine({
      clock,
      logger: silentLogger(),
      botConfig: () => ({ verification_enabled: false }),
      plugins: [
        memoryStorage(),
        // No secretToken: the emulator does not send the header (research §5.2 trap 4).
        telegram({ token: TOKEN, mode: 'webhook', apiRoot: server.config.apiURL, webhookPath: '/tg-hook' }),
        perfectPanel({
          url: sim.url,
          adminKey: sim.adminKey,
          servicesApiKey: sim.apiKey,
          timeoutMs: 5_000,
          ratePerSecond: 100,
        }),
        support({}),
      ],
    });
    await engine.start();
    const now = clock.now();
    const address = String(USER_ID);
    await engine.container
      .resolve(Tokens.Store)
      .collection<IdentityRecord>(IDENTITIES)
      .upsert('default', {
        id: identityId('telegram', address),
        channel: 'telegram',
        address,
        aliases: [],
        panelUser: 'demo',
        status: 'active',
        verifiedAt: now,
        verifiedBy: 'admin',
        lastActiveAt: now,
        createdAt: now,
      });
    const route = engine.container
      .resolve(Tokens.Http)
      .all()
      .find((r) => r.path === '/tg-hook')!;
    hook = serve(route);
    await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', ok));
    const channel = engine.channels.get('telegram') as TelegramChannel;
    await channel.bot.telegram.setWebhook(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/tg-hook`);
  });

  afterAll(async () => {
    await engine?.stop();
    await sim?.stop();
    await new Promise<void>((ok) => (hook ? hook.close(() => ok()) : ok()));
    await server?.stop();
  });

  it('answers "order 1001" with the real order status', async () => {
    const client = server.getClient(TOKEN, { userId: USER_ID, chatId: USER_ID, firstName: 'Masha', timeout: 8000 });
    await client.sendMessage(client.makeMessage('order 1001'));
    const { result } = await client.getUpdates();
    expect(result).toHaveLength(1);
    const reply = result[0]!.message as { chat_id: unknown; text: string; parse_mode?: string };
    expect(String(reply.chat_id)).toBe(String(USER_ID));
    expect(reply.parse_mode).toBe('HTML');
    expect(reply.text).toContain('1001');
    expect(reply.text).not.toMatch(/could not find|not available|went wrong/i);
    // The support plugin's order card, in Telegram HTML, with the sim's data for order 1001.
    expect(reply.text).toContain('<b>Order #1001</b>');
    expect(reply.text).toMatch(/Status: \w+/);
    const order = sim.state.getOrder(1001)!;
    const service = sim.state.services.find((s) => s.id === order.serviceId)!;
    expect(reply.text).toContain(service.name);
  });

  it('ignores a group message from another bot and answers nothing', async () => {
    const client = server.getClient(TOKEN, { userId: 999, chatId: -100777, type: 'group', chatTitle: 'G' });
    await client.sendMessage(client.makeMessage('order 1001', { from: { is_bot: true } }));
    await new Promise((ok) => setTimeout(ok, 300));
    const history = server.getUpdatesHistory(TOKEN) as { message: { chat_id?: unknown } }[];
    expect(history.filter((u) => String(u.message.chat_id) === '-100777')).toEqual([]);
  });
});

describe('e2e: polling mode', () => {
  it('launches in start(), receives, replies and stops in stop()', async () => {
    const server = new TelegramServer({ host: '127.0.0.1', port: await freePort() });
    await server.start();
    const channel = new TelegramChannelClass({
      name: 'telegram',
      tenantId: 'default',
      token: TOKEN,
      mode: 'polling',
      apiRoot: server.config.apiURL,
      clock: new VirtualClock(0),
    });
    channel.connect(async (m) => {
      await channel.send({
        tenantId: 'default',
        channel: 'telegram',
        chatId: m.chat.id,
        text: `echo *${m.text}*`,
        priority: 'support',
      });
      return {} as never;
    });
    try {
      await channel.start();
      const client = server.getClient(TOKEN, { userId: 5, chatId: 5, timeout: 5000 });
      await client.sendMessage(client.makeMessage('hi'));
      const { result } = await client.getUpdates();
      expect((result[0]!.message as { text: string }).text).toBe('echo <b>hi</b>');
    } finally {
      await channel.stop();
      await server.stop();
    }
  });
});
