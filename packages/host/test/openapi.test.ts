import { compileErrors, validate } from '@readme/openapi-parser';
import type { HttpRoute } from '@smmbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullHost, startFullHost } from './full-host.js';

/** `/api/v1` routes that are public on purpose: signing in (and out) and the signed Stripe webhook. */
const PUBLIC_API = new Set([
  'POST /api/v1/auth/phone/send',
  'POST /api/v1/auth/phone/verify',
  'POST /api/v1/auth/login/phone',
  'POST /api/v1/auth/phone/forgot-password/send',
  'POST /api/v1/auth/phone/forgot-password/reset',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/master/auth/login',
  'POST /api/v1/master/auth/logout',
  'POST /api/v1/billing/stripe/webhook',
]);

/**
 * POST/PUT/PATCH routes whose handler reads no body (actions named by the path, or cookies only).
 * Every other write must declare its body, so the document has a requestBody schema for it.
 */
const NO_BODY = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/master/auth/logout',
  'POST /api/v1/config/regenerate-webhook-key',
  'POST /api/v1/config/validate-panel',
  'POST /api/v1/providers/:id/sync',
  'POST /api/v1/groups/sync',
  'POST /api/v1/templates/:key/reset',
  'POST /api/v1/customers/:id/block',
  'POST /api/v1/customers/:id/unblock',
  'POST /api/v1/balancer/alerts/:id/resolve',
  'POST /api/v1/alerts/:id/resolve',
  'POST /api/v1/master/billing/payment-references/:id/approve',
]);

type Operation = {
  summary?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> };
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

const key = (r: Pick<HttpRoute, 'method' | 'path'>) => `${r.method} ${r.path}`;
const openApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

describe('GET /api/v1/openapi.json on the full host (billing and Stripe included)', () => {
  let host: FullHost;
  let doc: Doc;
  let routes: readonly HttpRoute[];
  const op = (r: HttpRoute) => doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];

  beforeAll(async () => {
    host = await startFullHost({ stripe: true });
    const res = await fetch(`${host.base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
    routes = host.engine.http.all();
  }, 60_000);
  afterAll(() => host?.stop());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc).toMatchObject({ openapi: expect.stringMatching(/^3\.1\./), info: { title: expect.any(String) } });
    // The validator dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('describes every mounted route (method and path), and nothing else', () => {
    expect(routes.map(key)).toEqual(expect.arrayContaining(['GET /api/v1/billing/plans', 'GET /api/v1/logs']));
    expect(routes.filter((r) => !op(r)).map(key)).toEqual([]);
    const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const mounted = new Set(routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`));
    expect(described.filter((d) => !mounted.has(d))).toEqual([]);
  });

  it('gives every /api/v1 route a summary, and its auth unless it is public on purpose', () => {
    const api = routes.filter((r) => r.path.startsWith('/api/v1/'));
    const fallback = (r: HttpRoute) => `${r.method} ${r.path}`;
    expect(api.filter((r) => !op(r)?.summary || op(r)?.summary === fallback(r)).map(key)).toEqual([]);
    const unsecured = api.filter((r) => !PUBLIC_API.has(key(r)) && !op(r)?.security?.length);
    expect(unsecured.map(key), 'declare auth, or list the route as public on purpose').toEqual([]);
    // Public on purpose means really public (the list does not hide an authenticated route).
    const listed = api.filter((r) => PUBLIC_API.has(key(r)));
    expect(listed.filter((r) => r.auth?.kind !== 'public').map(key)).toEqual([]);
    for (const r of api.filter((r) => op(r)?.security?.length)) {
      for (const requirement of op(r)!.security!) {
        for (const scheme of Object.keys(requirement))
          expect(doc.components.securitySchemes, key(r)).toHaveProperty([scheme]);
      }
    }
  });

  it('gives every route that takes a body a requestBody schema', () => {
    const writes = routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && !NO_BODY.has(key(r)));
    const missing = writes.filter((r) => !op(r)?.requestBody?.content?.['application/json']?.schema);
    expect(missing.map(key), 'declare schema.body on the route (or list it in NO_BODY if it reads none)').toEqual([]);
    // A route listed as bodiless must not declare one either (the list stays true).
    const listed = routes.filter((r) => NO_BODY.has(key(r)));
    expect(listed.filter((r) => r.schema?.body).map(key)).toEqual([]);
  });
});
