import http from 'node:http';
import {
  basicCommands,
  type BotPlugin,
  createEngine,
  DirectOutbox,
  type Engine,
  type HttpAuth,
  type OutboundMessage,
  type Outbox,
  type Role,
  type SendReceipt,
  silentLogger,
  Tokens,
} from '@smmbot/core';
import { webchat } from '@smmbot/channel-webchat';
import { buildServer } from '@smmbot/host';
import { memoryStorage } from '@smmbot/storage-memory';
import type { FastifyInstance } from 'fastify';
import { dashboard } from '../src/index.js';

/**
 * A stand-in for the workspaces plugin's Authenticator (that package is tested on its own): the test
 * names the caller with headers, so each check here is about the dashboard's routes only.
 */
export const headerAuth: BotPlugin = {
  name: 'test:auth',
  register: (c) =>
    c.register(Tokens.Authenticator, {
      useValue: {
        authenticate: async (req, kind) => {
          const tenant = req.headers['x-tenant'];
          if (kind !== 'session' || typeof tenant !== 'string') return undefined;
          const role = (req.headers['x-role'] ?? 'owner') as Role;
          const userId = typeof req.headers['x-user'] === 'string' ? req.headers['x-user'] : 'u1';
          return { tenantId: tenant, userId, role } as HttpAuth;
        },
      },
    }),
};

export const as = (tenant: string, role: Role = 'owner') => ({ 'x-tenant': tenant, 'x-role': role });

/** The engine's outbox with a record of what it was handed, a delay (to overlap requests) and failures on demand. */
export class RecordingOutbox implements Outbox {
  readonly sent: OutboundMessage[] = [];
  /** Thrown by the next send, once. */
  failNext?: unknown;
  private direct?: DirectOutbox;
  engine?: Engine;

  async send(message: OutboundMessage): Promise<SendReceipt> {
    await new Promise((r) => setTimeout(r, 20));
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    this.sent.push(message);
    this.direct ??= new DirectOutbox(this.engine!.channels, this.engine!.clock);
    return this.direct.send(message);
  }

  async drain(): Promise<void> {}
}

export interface InboxHost {
  engine: Engine;
  app: FastifyInstance;
  base: string;
  outbox: RecordingOutbox;
  stop(): Promise<void>;
}

/** Two workspaces, each with its own web chat (`webchat` is t1's, `two` is t2's), the dashboard, over real HTTP. */
export async function startInboxHost(): Promise<InboxHost> {
  const outbox = new RecordingOutbox();
  const engine = createEngine({
    logger: silentLogger(),
    tenants: ['t1', 't2'],
    plugins: [
      memoryStorage(),
      basicCommands(),
      webchat({ tenant: 't1' }),
      webchat({ name: 'two', tenant: 't2', path: '/webchat2' }),
      dashboard(),
      headerAuth,
      { name: 'test:outbox', register: (c) => c.register(Tokens.Outbox, { useValue: outbox }) },
    ],
  });
  outbox.engine = engine;
  await engine.start();
  const app = buildServer(engine, silentLogger());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    engine,
    app,
    base,
    outbox,
    async stop() {
      await app.close();
      await engine.stop();
    },
  };
}

/** A customer writes in a web chat (`/webchat` is t1's, `/webchat2` t2's). */
export const say = (base: string, path: string, chatId: string, text: string) =>
  fetch(`${base}${path}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chatId, senderId: `${chatId}-user`, text }),
  });

/**
 * An event stream read with node:http, not fetch: closing it destroys the socket, as a browser does when
 * the page goes away (undici keeps a cancelled body's socket open a while, which holds up server.close).
 */
export interface Stream {
  status: number;
  type: string;
  /** The next `count` `turn` events (or fewer, once the time runs out). */
  turns(count: number, ms?: number): Promise<Record<string, unknown>[]>;
  /** Everything received so far. */
  text(): string;
  ended: Promise<void>;
  close(): void;
}

export function openStream(base: string, tenant: string, role: Role = 'owner'): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/v1/inbox/stream`, { headers: as(tenant, role) });
    req.on('error', reject);
    req.on('response', (res) => {
      let raw = '';
      let parsed = 0;
      const events: Record<string, unknown>[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        const blocks = raw.split('\n\n');
        for (const block of blocks.slice(parsed, -1)) {
          if (!block.includes('event: turn')) continue;
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          events.push(JSON.parse(data));
        }
        parsed = Math.max(parsed, blocks.length - 1);
      });
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({
        status: res.statusCode ?? 0,
        type: String(res.headers['content-type']),
        text: () => raw,
        ended,
        close: () => req.destroy(),
        async turns(count, ms = 5000) {
          const deadline = Date.now() + ms;
          while (events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
          return events.splice(0, count);
        },
      });
    });
  });
}
