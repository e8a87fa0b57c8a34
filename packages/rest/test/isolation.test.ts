import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, B, type RestApp, restApp } from './helpers.js';
import { marker, readAll, type Seeded, seed } from './seed.js';

interface Probe {
  url: string;
  payload?: unknown;
  /** 404 unless said otherwise: the other workspace's id is simply not found. */
  status?: number;
}

/**
 * Every route with a path parameter, called by workspace A with workspace B's id. A new route with a
 * parameter fails the first test until it is listed here.
 */
const TABLE: Record<string, (b: Seeded) => Probe> = {
  'PATCH /api/v1/logs/:id/support-status': (b) => ({
    url: `/api/v1/logs/${Math.max(...b.serials)}/support-status`,
    payload: { status: 'resolved' },
  }),
  'PATCH /api/v1/providers/:id': (b) => ({ url: `/api/v1/providers/${b.provider}`, payload: { name: 'taken over' } }),
  'DELETE /api/v1/providers/:id': (b) => ({ url: `/api/v1/providers/${b.provider}` }),
  'POST /api/v1/providers/:id/sync': (b) => ({ url: `/api/v1/providers/${b.provider}/sync` }),
  'PATCH /api/v1/groups/:id': (b) => ({
    url: `/api/v1/groups/${encodeURIComponent(b.group)}`,
    payload: { support_enabled: false, marketing_enabled: true, silent_mode: true },
  }),
  'DELETE /api/v1/groups/:id': (b) => ({ url: `/api/v1/groups/${encodeURIComponent(b.group)}` }),
  // Template keys are the same for every workspace: A edits its own copy (200), B's stays as it was.
  'PATCH /api/v1/templates/:key': () => ({
    url: '/api/v1/templates/welcome_message',
    payload: { value: 'A text' },
    status: 200,
  }),
  'POST /api/v1/templates/:key/reset': () => ({ url: '/api/v1/templates/welcome_message/reset', status: 200 }),
  'POST /api/v1/customers/:id/verify': (b) => ({
    url: `/api/v1/customers/${encodeURIComponent(b.customer)}/verify`,
    payload: { username: 'demo' },
  }),
  'POST /api/v1/customers/:id/block': (b) => ({ url: `/api/v1/customers/${encodeURIComponent(b.customer)}/block` }),
  'POST /api/v1/customers/:id/unblock': (b) => ({
    url: `/api/v1/customers/${encodeURIComponent(b.customer)}/unblock`,
  }),
  'DELETE /api/v1/customers/:id': (b) => ({ url: `/api/v1/customers/${encodeURIComponent(b.customer)}` }),
  'PATCH /api/v1/marketing/messages/:id': (b) => ({
    url: `/api/v1/marketing/messages/${b.message}`,
    payload: { text: 'taken over', enabled: false },
  }),
  'DELETE /api/v1/marketing/messages/:id': (b) => ({ url: `/api/v1/marketing/messages/${b.message}` }),
  'POST /api/v1/balancer/alerts/:id/resolve': (b) => ({ url: `/api/v1/balancer/alerts/${b.alert}/resolve` }),
  'GET /api/v1/channels/:name/login': (b) => ({ url: `/api/v1/channels/${b.channel}/login` }),
  'DELETE /api/v1/channels/:name': (b) => ({ url: `/api/v1/channels/${b.channel}` }),
};

describe('tenant isolation: workspace A never reaches workspace B', () => {
  let app: RestApp;
  let b: Seeded;
  beforeAll(async () => {
    app = await restApp();
    await seed(app, A, 1);
    // B has more log lines than A: its highest serial does not exist in A.
    b = await seed(app, B, 6);
  });
  afterAll(() => app.stop());

  it('lists every route with a path parameter in the isolation table (and nothing else)', () => {
    const withParams = app
      .routes()
      .filter((r) => r.path.includes(':'))
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(withParams).toEqual(Object.keys(TABLE).sort());
  });

  it("answers A's session with B's ids as not found, leaks none of B's data and changes nothing of B's", async () => {
    const before = await readAll(app, B, b.channel);
    // B really has one of everything (so "unchanged" means something).
    const json = JSON.stringify(before);
    for (const secret of Object.values(marker(B))) expect(json).toContain(secret);
    expect(before['/api/v1/groups']).toMatchObject({ total: 1, items: [{ id: b.group }] });
    expect(before['/api/v1/providers/services?limit=100']).toMatchObject({ total: 3 });
    expect(before['/api/v1/balancer/alerts']).toMatchObject({ items: [{ id: b.alert, status: 'active' }] });
    const secrets = Object.values(marker(B));
    for (const route of app.routes().filter((r) => r.path.includes(':'))) {
      const key = `${route.method} ${route.path}`;
      const probe = TABLE[key]!(b);
      const res = await app.call(`${A}:owner`, route.method, probe.url, probe.payload);
      expect(res.statusCode, `${key}: ${res.body}`).toBe(probe.status ?? 404);
      if ((probe.status ?? 404) === 404) expect(res.json().error.code, key).toBe('E_NOT_FOUND');
      for (const secret of secrets) expect(res.body, key).not.toContain(secret);
    }
    expect(await readAll(app, B, b.channel)).toEqual(before);
  });

  it('keeps ids in bodies and filters inside the workspace too', async () => {
    const before = await readAll(app, B, b.channel);
    const bulk = await app.call(`${A}:owner`, 'POST', '/api/v1/logs/bulk-status', {
      ids: [Math.max(...b.serials)],
      status: 'ignored',
    });
    expect(bulk.json()).toMatchObject({ updated: [], not_found: [Math.max(...b.serials)] });
    const reorder = await app.call(`${A}:owner`, 'POST', '/api/v1/marketing/messages/reorder', { ids: [b.message] });
    expect(reorder.statusCode).toBe(400);
    const search = await app.call(`${A}:owner`, 'GET', `/api/v1/providers/services?provider_id=${b.provider}`);
    expect(search.statusCode).toBe(404);
    expect(await readAll(app, B, b.channel)).toEqual(before);
  });

  it("lists only the session's own workspace everywhere", async () => {
    const mine = await readAll(app, A, 'web-a');
    const text = JSON.stringify(mine);
    for (const secret of Object.values(marker(B))) expect(text).not.toContain(secret);
    expect(text).toContain(marker(A).provider);
    const channels = (await app.call(`${A}:owner`, 'GET', '/api/v1/channels'))
      .json()
      .items.map((c: { name: string }) => c.name);
    expect(channels).not.toContain('wa-b');
    expect(channels).toEqual(expect.arrayContaining(['wa-a', 'web-a', 'phone-a']));
    const snapshot = (await app.call(`${A}:owner`, 'GET', '/api/v1/balancer/snapshot')).json();
    expect(snapshot.phones.map((p: { channel: string }) => p.channel)).toEqual(['phone-a']);
  });
});
