import http from 'node:http';
import { type BotPlugin, createEngine, type Engine, type HttpAuth, silentLogger, Tokens } from '@smmbot/core';
import { dashboard, InboxToken } from '@smmbot/dashboard';
import { memoryStorage } from '@smmbot/storage-memory';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server.js';

/**
 * A route any plugin could add: a server-sent event stream that never ends by itself (no time limit,
 * no shutdown hook of its own). `cleanedUp` says whether the host let the stream's source go.
 */
function endlessStream(): BotPlugin & { cleanedUp: () => boolean } {
  let cleaned = false;
  return {
    name: 'test:endless-stream',
    cleanedUp: () => cleaned,
    apply({ container }) {
      container.resolve(Tokens.Http).add({
        method: 'GET',
        path: '/events',
        plugin: 'test:endless-stream',
        handler() {
          let sent = 0;
          const body: AsyncIterableIterator<string> = {
            next: () =>
              sent++ === 0
                ? Promise.resolve({ value: 'event: hello\ndata: {}\n\n', done: false })
                : new Promise(() => {}),
            return: () => {
              cleaned = true;
              return Promise.resolve({ value: undefined, done: true });
            },
            [Symbol.asyncIterator]: () => body,
          };
          return { headers: { 'content-type': 'text/event-stream; charset=utf-8' }, body };
        },
      });
    },
  };
}

/** The session is named by a header (the workspaces plugin is tested on its own). */
const headerAuth: BotPlugin = {
  name: 'test:auth',
  register: (c) =>
    c.register(Tokens.Authenticator, {
      useValue: {
        authenticate: async (req) =>
          typeof req.headers['x-tenant'] === 'string'
            ? ({ tenantId: req.headers['x-tenant'], userId: 'u1', role: 'owner' } as HttpAuth)
            : undefined,
      },
    }),
};

interface OpenStream {
  /** Everything received. */
  text(): string;
  /** Resolves once the response ends: `complete` when it ended cleanly (the last chunk arrived). */
  ended: Promise<{ complete: boolean; error?: string }>;
}

/** Opens an event stream with node:http and a keep-alive agent, as a browser's EventSource does. */
function openStream(url: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const agent = new http.Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent });
    req.on('error', reject);
    req.on('response', (res) => {
      let raw = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
      });
      const ended = new Promise<{ complete: boolean; error?: string }>((done) => {
        res.on('error', (err) => done({ complete: false, error: err.message }));
        res.on('close', () => done({ complete: res.complete }));
      });
      resolve({ text: () => raw, ended });
    });
  });
}

const urlOf = (app: FastifyInstance) => {
  const addr = app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
};

/** `close()` with its duration in ms. */
async function timedClose(app: FastifyInstance): Promise<number> {
  const started = performance.now();
  await app.close();
  return performance.now() - started;
}

describe('open event streams do not hold the server’s shutdown', () => {
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });

  it('ends a plugin’s endless stream cleanly as soon as close() starts', async () => {
    const plugin = endlessStream();
    engine = createEngine({ logger: silentLogger(), plugins: [memoryStorage(), plugin] });
    await engine.start();
    const app = buildServer(engine, silentLogger());
    await app.listen({ host: '127.0.0.1', port: 0 });

    const stream = await openStream(`${urlOf(app)}/events`);
    await expect.poll(() => stream.text()).toContain('event: hello');
    const ms = await timedClose(app);

    expect(ms).toBeLessThan(500);
    expect(await stream.ended).toEqual({ complete: true });
    expect(stream.text()).toBe('event: hello\ndata: {}\n\n');
    // The stream's source was let go: a route's unsubscribe runs.
    expect(plugin.cleanedUp()).toBe(true);
  });

  it('ends the dashboard’s inbox stream (SIGTERM with an open inbox) and drops its listener', async () => {
    engine = createEngine({
      logger: silentLogger(),
      tenants: ['t1'],
      plugins: [memoryStorage(), dashboard(), headerAuth],
    });
    await engine.start();
    const app = buildServer(engine, silentLogger());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const inbox = engine.container.resolve(InboxToken);

    const stream = await openStream(`${urlOf(app)}/api/v1/inbox/stream`, { 'x-tenant': 't1' });
    await expect.poll(() => stream.text()).toContain(': connected');
    expect(inbox.listenerCount('t1')).toBe(1);
    // What `smmbot start` does on SIGTERM: the server first, then the engine.
    const ms = await timedClose(app);

    expect(ms).toBeLessThan(500);
    expect(await stream.ended).toEqual({ complete: true });
    expect(inbox.listenerCount('t1')).toBe(0);
  });

  it('still serves ordinary requests and closes at once with none open', async () => {
    engine = createEngine({ logger: silentLogger(), plugins: [memoryStorage(), endlessStream()] });
    await engine.start();
    const app = buildServer(engine, silentLogger());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${urlOf(app)}/healthz`);
    expect(await res.json()).toEqual({ ok: true, status: 'running' });
    expect(await timedClose(app)).toBeLessThan(500);
  });
});
