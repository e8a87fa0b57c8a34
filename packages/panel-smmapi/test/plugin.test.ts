import { createServer, type Server } from 'node:http';
import { type BotPlugin, createEngine, createLogger, ResilientPanel, Tokens } from '@smmbot/core';
import memoryStorage from '@smmbot/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import smmApi, { PLUGIN_NAME, SmmApiPanel } from '../src/index.js';

const KEY = 'sk-live-abcdef123456';
let server: Server;
let url: string;
let seen: Record<string, string>[];

beforeEach(async () => {
  seen = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const p = Object.fromEntries(new URLSearchParams(body));
      seen.push(p);
      const answer =
        p.key !== KEY
          ? { error: 'Invalid API key' }
          : p.action === 'refill'
            ? { refill: '42' }
            : p.action === 'status'
              ? { status: 'Completed', charge: '1.5' }
              : { balance: '3.5', currency: 'USD' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** As the host loads a tenant's panel: a copy of the plugin with `tenant` set and a name of its own. */
const forTenant = (plugins: BotPlugin[], tenant: string) =>
  plugins.map((p) => ({ ...p, name: `${p.name}@${tenant}`, tenant }));

describe('smmApi plugin', () => {
  it('validates options, taking a key written as a number without echoing it', () => {
    const [plugin] = smmApi({ url, key: 12345678987 as unknown as string });
    expect(plugin?.name).toBe(PLUGIN_NAME);
    expect(() => smmApi({ url, key: '  ' })).toThrow(/key: expected the API key/);
    expect(() => smmApi({ url } as never)).toThrow(/key/);
    expect(() => smmApi({ url: 'panel.com', key: KEY })).toThrow(/url/);
    expect(() => smmApi({ url, key: KEY, actions: ['balance'] })).toThrow(/status/);
    expect(() => smmApi({ url, key: KEY, apiVersion: 'v3' as 'v2' })).toThrow(/apiVersion/);
  });

  it('registers a ResilientPanel over SmmApiPanel in the tenant container, with the engine clock, logger and kv', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (l: string) => void lines.push(l) } });
    const engine = createEngine({ logger, plugins: [memoryStorage(), forTenant(smmApi({ url, key: KEY }), 't1')] });
    await engine.start();
    try {
      const panel = engine.forTenant('t1').resolve(Tokens.Panel);
      expect(panel).toBeInstanceOf(ResilientPanel);
      expect((panel as ResilientPanel).inner).toBeInstanceOf(SmmApiPanel);
      expect(engine.forTenant('t1').resolve(Tokens.Panel)).toBe(panel);
      expect(engine.container.isRegistered(Tokens.Panel, false)).toBe(false);
      expect(panel.capabilities.has('orders.refill')).toBe(true);

      expect(await panel.getOrders(['1'])).toMatchObject([{ id: '1', status: 'completed', charge: 1.5 }]);
      // The same idempotency key acts once: the record lives in the engine's kv, under tenant t1.
      const first = await panel.refill!(['1'], { idempotencyKey: 'k1' });
      const again = await panel.refill!(['1'], { idempotencyKey: 'k1' });
      expect(again).toEqual(first);
      expect(seen.filter((p) => p.action === 'refill')).toHaveLength(1);
      const kv = engine.container.resolve(Tokens.Kv);
      expect(await kv.get('t1', 'panel-idem:refill:k1')).toMatchObject({ state: 'done' });
      expect(await kv.get('default', 'panel-idem:refill:k1')).toBeUndefined();
    } finally {
      await engine.stop();
    }
  });

  it('takes the tenant from its options when used without the host, else "default"', async () => {
    const [withTenant] = smmApi({ url, key: KEY, tenant: 'shop2' });
    expect(withTenant).toMatchObject({ name: `${PLUGIN_NAME}@shop2`, tenant: 'shop2' });
    const engine = createEngine({ plugins: [memoryStorage(), smmApi({ url, key: KEY }), withTenant] });
    await engine.start();
    try {
      await engine.container.resolve(Tokens.Panel).refill!(['1'], { idempotencyKey: 'a' });
      await engine.forTenant('shop2').resolve(Tokens.Panel).refill!(['1'], { idempotencyKey: 'b' });
      const kv = engine.container.resolve(Tokens.Kv);
      expect(await kv.get('default', 'panel-idem:refill:a')).toBeDefined();
      expect(await kv.get('shop2', 'panel-idem:refill:b')).toBeDefined();
    } finally {
      await engine.stop();
    }
  });

  it('never logs the key, even when the panel refuses it', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: { write: (l: string) => void lines.push(l) } });
    const engine = createEngine({ logger, plugins: [memoryStorage(), smmApi({ url, key: 'sk-wrong-987654321' })] });
    await engine.start();
    try {
      const panel = engine.container.resolve(Tokens.Panel);
      await expect(panel.ping!()).rejects.toMatchObject({ kind: 'unauthorized' });
      await panel.getOrders(['1']).catch((e: unknown) => logger.error({ err: e }, 'look-up failed'));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain('sk-wrong-987654321');
    } finally {
      await engine.stop();
    }
  });
});
