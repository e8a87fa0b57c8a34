import { type BotPlugin, createEngine, type HttpRoute, silentLogger, Tokens } from '@smmbot/core';
import { createMemoryStorage } from '@smmbot/storage-memory';
import { SystemClock } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { whatsappCloud } from '../src/index.js';
import { textMessage, PHONE_NUMBER_ID } from './events.js';
import { startFakeGraph } from './fake-graph.js';
import { ACCESS_TOKEN, APP_SECRET, signedPost, VERIFY_TOKEN } from './helpers.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** Memory storage whose inbox writes can be made to fail. */
function flakyStore() {
  const backend = createMemoryStorage(new SystemClock());
  const state = { failInbox: false };
  const plugin: BotPlugin = {
    name: 'flaky-store',
    register: (c) => {
      c.register(Tokens.Kv, { useValue: backend.kv });
      c.register(Tokens.Store, {
        useValue: {
          close: () => backend.records.close(),
          collection: (spec: { name: string }) => {
            const col = backend.records.collection(spec as never);
            if (spec.name !== 'engine_inbox') return col;
            return Object.assign(Object.create(col), {
              upsert: (t: string, r: never) =>
                state.failInbox ? Promise.reject(new Error('disk full')) : col.upsert(t, r),
            });
          },
        },
      });
    },
  };
  return { plugin, state, backend };
}

describe('webhooks are stored before they are acknowledged', () => {
  it('acks 200 only after the message is in the inbox, and 503 when it cannot be stored', async () => {
    const graph = await startFakeGraph();
    const store = flakyStore();
    const answer: BotPlugin = {
      name: 'answer',
      apply: ({ hooks }) => hooks.command.for('order').tap('a', () => ({ replies: [{ text: 'ok' }] })),
    };
    const engine = createEngine({
      logger: silentLogger(),
      plugins: [
        store.plugin,
        whatsappCloud({
          phoneNumberId: PHONE_NUMBER_ID,
          accessToken: ACCESS_TOKEN,
          appSecret: APP_SECRET,
          verifyToken: VERIFY_TOKEN,
          graphBaseUrl: graph.baseUrl,
        }),
        answer,
      ],
    });
    await engine.start();
    stop = async () => {
      await engine.stop();
      await graph.close();
    };
    const route = engine.http.all().find((r) => r.method === 'POST') as HttpRoute;

    store.state.failInbox = true;
    const refused = await route.handler(signedPost(textMessage({ id: 'wamid.A', text: 'order 1' })));
    expect(refused.status).toBe(503);

    store.state.failInbox = false;
    const ok = await route.handler(signedPost(textMessage({ id: 'wamid.B', text: 'order 2' })));
    expect(ok.status).toBe(200);
    await engine.stop();
    expect(graph.requests).toHaveLength(1);
  });
});
