import { can, type HttpRoute, PERMISSIONS } from '@smmbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { A, type RestApp, restApp } from './helpers.js';

/** A URL for the route with harmless values for its path parameters. */
export function sampleUrl(route: HttpRoute): string {
  const values: Record<string, string> = { id: '1', key: 'welcome_message', name: 'web-a' };
  return route.path.replace(/:(\w+)/g, (_m, p: string) => values[p] ?? 'x');
}

describe('every REST route: schemas, session auth, permissions', () => {
  let app: RestApp;
  beforeAll(async () => {
    app = await restApp();
  });
  afterAll(() => app.stop());

  it('registers the whole API under /api/v1', () => {
    const names = app
      .routes()
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(names).toHaveLength(39);
    for (const expected of [
      'GET /api/v1/config',
      'PATCH /api/v1/config',
      'GET /api/v1/config/ticket-webhook-info',
      'POST /api/v1/config/regenerate-webhook-key',
      'POST /api/v1/config/validate-panel',
      'GET /api/v1/logs',
      'PATCH /api/v1/logs/:id/support-status',
      'POST /api/v1/logs/bulk-status',
      'GET /api/v1/providers',
      'POST /api/v1/providers',
      'PATCH /api/v1/providers/:id',
      'DELETE /api/v1/providers/:id',
      'POST /api/v1/providers/:id/sync',
      'GET /api/v1/providers/services',
      'GET /api/v1/groups',
      'PATCH /api/v1/groups/:id',
      'DELETE /api/v1/groups/:id',
      'POST /api/v1/groups/sync',
      'GET /api/v1/templates',
      'PATCH /api/v1/templates/:key',
      'POST /api/v1/templates/:key/reset',
      'POST /api/v1/channels',
      'DELETE /api/v1/channels/:name',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('declares a 200 response schema, a summary, a tag and session auth with a permission on each route', () => {
    for (const route of app.routes()) {
      const where = `${route.method} ${route.path}`;
      expect(route.auth, where).toMatchObject({ kind: 'session' });
      const permission = route.auth?.kind === 'session' ? route.auth.permission : undefined;
      expect(permission && permission in PERMISSIONS, where).toBe(true);
      expect(route.schema?.response?.[200], where).toBeDefined();
      expect(route.schema?.summary?.length, where).toBeGreaterThan(10);
      expect(route.schema?.tags?.length, where).toBe(1);
      expect(route.path.startsWith('/api/v1/'), where).toBe(true);
      // Path parameters are validated, so each one is in the params schema.
      const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      if (names.length) {
        const shape = (route.schema?.params as z.ZodObject | undefined)?.shape ?? {};
        expect(Object.keys(shape).sort(), where).toEqual(names.sort());
      }
    }
  });

  it('has schemas the OpenAPI generator can turn into JSON Schema', () => {
    for (const route of app.routes()) {
      const s = route.schema!;
      for (const part of [s.params, s.query, s.body]) {
        if (part) expect(() => z.toJSONSchema(part, { io: 'input', unrepresentable: 'any' })).not.toThrow();
      }
      const out = z.toJSONSchema(s.response![200]!, { io: 'output', unrepresentable: 'any' }) as { type?: string };
      expect(out.type, `${route.method} ${route.path}`).toBe('object');
    }
  });

  it('answers 401 without a session, on every route', async () => {
    for (const route of app.routes()) {
      const res = await app.call(undefined, route.method, sampleUrl(route), route.schema?.body ? {} : undefined);
      expect(res.statusCode, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it('answers 403 to every role the permission table forbids (customers everywhere, staff outside Message Logs)', async () => {
    let staffForbidden = 0;
    for (const route of app.routes()) {
      const where = `${route.method} ${route.path}`;
      const permission = route.auth?.kind === 'session' ? route.auth.permission! : 'dashboard.settings';
      const body = route.schema?.body ? {} : undefined;
      const customer = await app.call(`${A}:customer`, route.method, sampleUrl(route), body);
      expect(customer.statusCode, where).toBe(403);
      expect(customer.json().error.code).toBe('E_FORBIDDEN');
      const staff = await app.call(`${A}:staff`, route.method, sampleUrl(route), body);
      if (can('staff', permission)) {
        expect(staff.statusCode, where).not.toBe(403);
      } else {
        staffForbidden++;
        expect(staff.statusCode, where).toBe(403);
      }
    }
    expect(staffForbidden).toBeGreaterThan(30);
    // Spec "Roles & Access": staff see Message Logs only; staff admins the rest but billing and staff.
    expect((await app.call(`${A}:staff`, 'GET', '/api/v1/templates')).statusCode).toBe(403);
    expect((await app.call(`${A}:staff`, 'GET', '/api/v1/logs')).statusCode).toBe(200);
    expect((await app.call(`${A}:staff_admin`, 'GET', '/api/v1/templates')).statusCode).toBe(200);
  });

  it('answers 400 with the failing paths for unknown body fields and query parameters, on every route that takes them', async () => {
    let checked = 0;
    for (const route of app.routes()) {
      const where = `${route.method} ${route.path}`;
      if (route.schema?.body) {
        const res = await app.call(`${A}:owner`, route.method, sampleUrl(route), { bogus: 1 });
        expect(res.statusCode, where).toBe(400);
        expect(res.json().error.code, where).toBe('E_VALIDATION');
        expect(res.json().error.issues.join('\n'), where).toMatch(/body/);
        checked++;
      }
      if (route.schema?.query) {
        const res = await app.call(`${A}:owner`, route.method, `${sampleUrl(route)}?bogus=1`);
        expect(res.statusCode, where).toBe(400);
        expect(res.json().error.issues.join('\n'), where).toMatch(/bogus/);
        checked++;
      }
    }
    expect(checked).toBe(17);
  });

  it('refuses a session without a workspace (the master admin is not a workspace user)', async () => {
    const res = await app.call(':owner', 'GET', '/api/v1/config');
    expect(res.statusCode).toBe(403);
  });
});
