import { billing, type PlanInput } from '@smmbot/billing';
import { createEngine, type HttpAuth, silentLogger, Tokens } from '@smmbot/core';
import { memoryStorage } from '@smmbot/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/index.js';

const PLANS: PlanInput[] = [
  { id: 'free', name: 'Free', price: 0, currency: 'usd', interval: 'month', mediums: ['webchat'] },
  { id: 'pro', name: 'Pro', price: 2500, currency: 'usd', interval: 'month', mediums: ['webchat', 'whatsapp'] },
];

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** The billing plugin alone on the host's real server: the OpenAPI document is the host's to build. */
async function start() {
  const engine = createEngine({
    logger: silentLogger(),
    tenants: ['acme'],
    plugins: [
      memoryStorage(),
      {
        name: 'test-auth',
        register: (c) =>
          c.register(Tokens.Authenticator, {
            useValue: { authenticate: async () => ({ tenantId: 'acme', userId: 'o', role: 'owner' }) as HttpAuth },
          }),
      },
      billing({ plans: PLANS }),
    ],
  });
  await engine.start();
  const server = buildServer(engine, silentLogger());
  stop = async () => {
    await server.close();
    await engine.stop();
  };
  return server;
}

describe('billing in the host’s OpenAPI document', () => {
  it('documents every billing route, with its security', async () => {
    const server = await start();
    const doc = (await server.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const ops = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)
      .filter(([path]) => path.includes('/billing'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => ({ path, m, op })));
    expect(ops.length).toBe(20);
    for (const { op } of ops) {
      expect(op.summary).toBeTruthy();
      expect(op.responses).toHaveProperty('200');
    }
    const checkout = doc.paths['/api/v1/billing/checkout'].post;
    expect(checkout['x-permission']).toBe('dashboard.billing');
    expect(checkout.requestBody.content['application/json'].schema.required).toEqual(['plan_id']);
    expect(doc.paths['/api/v1/master/billing/plans'].post.security).toEqual([{ master: [] }]);
  });
});
