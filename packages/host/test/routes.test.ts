import { createEngine, type HttpAuth, silentLogger, Tokens } from '@smmbot/core';
import { memoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildServer } from '../src/server.js';

/** A plugin with schema'd, permissioned routes, and an authenticator reading a test header. */
function app() {
  const engine = createEngine({
    logger: silentLogger(),
    plugins: [
      memoryStorage(),
      {
        name: 'test-routes',
        register(c) {
          c.register(Tokens.Authenticator, {
            useValue: {
              async authenticate(req, kind) {
                const who = req.headers['x-test-user'];
                if (who === 'owner') return { tenantId: 'default', userId: 'u1', role: 'owner' } satisfies HttpAuth;
                if (who === 'staff') return { tenantId: 'default', userId: 'u2', role: 'staff' } satisfies HttpAuth;
                if (who === 'master' && kind === 'master')
                  return { tenantId: '', userId: 'm', role: 'owner', master: true } satisfies HttpAuth;
                return undefined;
              },
            },
          });
        },
        apply({ container }) {
          const http = container.resolve(Tokens.Http);
          http.add({
            method: 'PATCH',
            path: '/api/v1/things/:id',
            plugin: 'test-routes',
            auth: { kind: 'session', permission: 'dashboard.settings' },
            schema: {
              params: z.object({ id: z.string().regex(/^\d+$/) }),
              query: z.object({ dry: z.enum(['yes', 'no']).default('no') }),
              body: z.strictObject({ name: z.string().min(1), count: z.number().int().max(10) }),
              response: { 200: z.object({ id: z.string(), name: z.string(), by: z.string() }) },
              summary: 'Rename a thing',
              tags: ['things'],
            },
            handler: (req) => {
              const body = req.body as { name: string };
              return { body: { id: req.params.id, name: body.name, by: req.auth?.userId, dry: req.query.dry } };
            },
          });
          http.add({
            method: 'GET',
            path: '/api/v1/master/ping',
            plugin: 'test-routes',
            auth: { kind: 'master' },
            handler: () => ({ body: { pong: true } }),
          });
        },
      },
    ],
  });
  return engine;
}

describe('host routes: schemas, sessions, permissions, OpenAPI', () => {
  it('validates params, query and body with the route schema before the handler (400, one JSON shape)', async () => {
    const engine = app();
    await engine.start();
    const server = buildServer(engine, silentLogger());
    const patch = (url: string, payload: unknown, user = 'owner') =>
      server.inject({ method: 'PATCH', url, payload: payload as object, headers: { 'x-test-user': user } });
    const ok = await patch('/api/v1/things/42', { name: 'A', count: 3 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ id: '42', name: 'A', by: 'u1', dry: 'no' });
    const badParam = await patch('/api/v1/things/abc', { name: 'A', count: 3 });
    expect(badParam.statusCode).toBe(400);
    expect(badParam.json().error.code).toBe('E_VALIDATION');
    const badBody = await patch('/api/v1/things/1', { name: '', count: 30, extra: 1 });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error.issues.join('\n')).toMatch(/body\.name/);
    expect(badBody.json().error.issues.join('\n')).toMatch(/body\.count/);
    const badQuery = await patch('/api/v1/things/1?dry=maybe', { name: 'A', count: 1 });
    expect(badQuery.statusCode).toBe(400);
    await engine.stop();
  });

  it('checks the session and the permission table: 401 without, 403 for a role that may not', async () => {
    const engine = app();
    await engine.start();
    const server = buildServer(engine, silentLogger());
    const body = { name: 'A', count: 1 };
    expect((await server.inject({ method: 'PATCH', url: '/api/v1/things/1', payload: body })).statusCode).toBe(401);
    const staff = await server.inject({
      method: 'PATCH',
      url: '/api/v1/things/1',
      payload: body,
      headers: { 'x-test-user': 'staff' },
    });
    expect(staff.statusCode).toBe(403);
    expect(staff.json().error.code).toBe('E_FORBIDDEN');
    const ownerOnMaster = await server.inject({
      method: 'GET',
      url: '/api/v1/master/ping',
      headers: { 'x-test-user': 'owner' },
    });
    expect(ownerOnMaster.statusCode).toBe(403);
    const master = await server.inject({
      method: 'GET',
      url: '/api/v1/master/ping',
      headers: { 'x-test-user': 'master' },
    });
    expect(master.json()).toEqual({ pong: true });
    await engine.stop();
  });

  it('serves an OpenAPI 3.1 document generated from the same schemas', async () => {
    const engine = app();
    await engine.start();
    const server = buildServer(engine, silentLogger());
    const doc = (await server.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const op = doc.paths['/api/v1/things/{id}'].patch;
    expect(op.summary).toBe('Rename a thing');
    expect(op['x-permission']).toBe('dashboard.settings');
    expect(op.security).toEqual([{ session: [] }]);
    expect(op.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'id', in: 'path', required: true }),
        expect.objectContaining({ name: 'dry', in: 'query', required: false }),
      ]),
    );
    expect(op.requestBody.content['application/json'].schema.required).toEqual(['name', 'count']);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403']);
    expect(doc.paths['/api/v1/master/ping'].get.security).toEqual([{ master: [] }]);
    await engine.stop();
  });
});
