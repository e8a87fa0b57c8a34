import { createEngine, type HttpAuth, silentLogger, Tokens } from '@smmbot/core';
import { FakePanel } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { rest } from '../src/index.js';
import { buildServer } from './helpers.js';

/** The REST plugin alone: what is not installed is a 501 naming the plugin, not a crash. */
describe('REST API on a host without support, providers or balancer', () => {
  it('answers 501 for areas whose plugin is missing, and uses a root panel without containerFor', async () => {
    const panel = new FakePanel();
    const engine = createEngine({
      logger: silentLogger(),
      plugins: [
        rest(),
        memoryStorage(),
        panel.plugin(),
        {
          name: 'auth',
          register: (c) =>
            c.register(Tokens.Authenticator, {
              useValue: { authenticate: async () => ({ tenantId: 'default', userId: 'u', role: 'owner' }) as HttpAuth },
            }),
        },
      ],
    });
    await engine.start();
    const server = buildServer(engine);
    const get = (url: string, method: 'GET' | 'POST' = 'GET') => server.inject({ method, url });
    for (const url of ['/api/v1/providers', '/api/v1/logs', '/api/v1/templates', '/api/v1/balancer/snapshot']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(501);
      expect(res.json().error.code).toBe('E_NOT_INSTALLED');
    }
    expect((await get('/api/v1/config')).statusCode).toBe(200);
    expect((await get('/api/v1/channels')).json()).toEqual({ items: [] });
    const check = (await get('/api/v1/config/validate-panel', 'POST')).json();
    expect(check).toMatchObject({ configured: true, panel: 'fake-panel', reachable: true, key_valid: true });
    expect(() => rest({ containerFor: 'nope' as never })).toThrow(/containerFor/);
    await server.close();
    await engine.stop();
  });
});
