import { afterEach, describe, expect, it } from 'vitest';
import { hostConfigSchema, silentLogger } from '@smmbot/core';
import { Host } from '../src/index.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let host: Host | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

async function startHost() {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'smmbot-host-'));
  const config = hostConfigSchema.parse({ storage: { driver: 'memory' }, http: { port: 0 } });
  host = new Host({ config, cwd, logger: silentLogger() });
  await host.start();
  return host.server!;
}

describe('host HTTP', () => {
  it('answers a web chat message with the bot reply', async () => {
    const app = await startHost();
    const res = await app.inject({
      method: 'POST',
      url: '/webchat/messages',
      payload: { chatId: 'c1', senderId: 'u1', text: 'help' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('answered');
    expect(body.replies[0].text).toMatch(/order <id>/);
    const poll = await app.inject({ method: 'GET', url: '/webchat/messages?chatId=c1' });
    expect(poll.json().messages.map((m: { from: string }) => m.from)).toEqual(['user', 'bot']);
  });

  it('rejects malformed JSON and missing fields with one JSON error shape', async () => {
    const app = await startHost();
    const bad = await app.inject({
      method: 'POST',
      url: '/webchat/messages',
      headers: { 'content-type': 'application/json' },
      payload: '{"chatId":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('E_BAD_JSON');
    const missing = await app.inject({ method: 'POST', url: '/webchat/messages', payload: { chatId: 'c1', text: 5 } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.issues.join('\n')).toMatch(/body\.senderId: .*expected string/);
    expect(missing.json().error.issues.join('\n')).toMatch(/body\.text: .*found 5/);
    const none = await app.inject({ method: 'GET', url: '/nope' });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({ error: { code: 'E_NOT_FOUND', message: 'no route GET /nope' } });
  });

  it('serves the chat page and a health check, and redirects / to the chat', async () => {
    const app = await startHost();
    const page = await app.inject({ method: 'GET', url: '/webchat' });
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('smmbot web chat');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true, status: 'running' });
    expect((await app.inject({ method: 'GET', url: '/' })).headers.location).toBe('/webchat');
  });

  it('answers 503 after shutdown began instead of losing the message silently', async () => {
    const app = await startHost();
    await host!.engine!.stop();
    const res = await app.inject({
      method: 'POST',
      url: '/webchat/messages',
      payload: { chatId: 'c', senderId: 'u', text: 'help' },
    });
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toMatch(/at .*\.js/);
  });
});

describe('plugins bound to a tenant', () => {
  it('hands the entry tenant to a channel plugin that has a tenant option', async () => {
    const { loadPlugin } = await import('../src/index.js');
    const [plugin] = await loadPlugin(
      { use: '@smmbot/channel-webchat', tenant: 'shop2', options: { name: 'chat2', path: '/chat2' } },
      process.cwd(),
    );
    expect(plugin).toMatchObject({ tenant: 'shop2', name: '@smmbot/channel-webchat:chat2@shop2' });
    const { createEngine } = await import('@smmbot/core');
    const { memoryStorage } = await import('@smmbot/storage-memory');
    const engine = createEngine({ logger: silentLogger(), plugins: [memoryStorage(), plugin!] });
    await engine.start();
    expect(engine.channels.get('chat2')?.tenantId).toBe('shop2');
    await engine.stop();
  });
});

describe('config plugin entries resolve every bundled plugin', () => {
  it.each([
    '@smmbot/channel-telegram',
    '@smmbot/channel-whatsapp-cloud',
    '@smmbot/channel-greenapi',
    '@smmbot/channel-baileys',
    '@smmbot/ai-openai',
    '@smmbot/panel-perfectpanel',
    '@smmbot/panel-smmapi',
    '@smmbot/providers',
    '@smmbot/support',
  ])('%s can be named in a config file', async (use) => {
    const { loadPlugin } = await import('../src/index.js');
    // Empty options: plugins with required options refuse them, but the module must load and be a plugin.
    const outcome = await loadPlugin({ use, options: {} }, process.cwd()).then(
      (plugins) => plugins,
      (err: Error) => err,
    );
    if (outcome instanceof Error) expect(outcome.message).toMatch(/invalid options for plugin/);
    else expect(outcome.length).toBeGreaterThan(0);
  });
});
