import { type Alert, BalancerToken } from '@smmbot/balancer';
import { can, type HttpRoute, type Permission, Tokens } from '@smmbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, type Client, type FullHost, readStream, signUp, startFullHost } from './full-host.js';

/** What B owns that A's session might try to reach: every kind of id the routes address. */
interface Ids {
  serial: number;
  provider: string;
  group: string;
  customer: string;
  message: string;
  invoice: string;
  alert: string;
  staff: string;
  channel: string;
}

interface Probe {
  url: string;
  body?: unknown;
  /** What A's owner gets: 404 for B's ids; A's own answer for routes that name no id. */
  status: number;
  /** A server-sent event stream: read briefly while B's customers talk. */
  stream?: true;
}

const NEW_PHONE = '+8801799000099';
const p = (status: number, url: string, body?: unknown): Probe => ({ url, status, body });
const enc = encodeURIComponent;

/**
 * EVERY `/api/v1` route with session auth, called by workspace A with workspace B's ids: `status` is
 * what A's owner gets (404 for B's ids; A's own answer where the route names no id). A route that is
 * not here fails the first test: add it to the isolation table.
 */
const TABLE: Record<string, (b: Ids) => Probe> = {
  'GET /api/v1/auth/me': () => p(200, '/api/v1/auth/me'),
  'GET /api/v1/admin-numbers': () => p(200, '/api/v1/admin-numbers'),
  'POST /api/v1/admin-numbers/send-code': () => p(200, '/api/v1/admin-numbers/send-code', { phone: NEW_PHONE }),
  'POST /api/v1/admin-numbers/verify': () =>
    p(400, '/api/v1/admin-numbers/verify', { phone: NEW_PHONE, code: '000000', role: 'staff' }),
  'DELETE /api/v1/admin-numbers/:id': (b) => p(404, `/api/v1/admin-numbers/${b.staff}`),
  'GET /api/v1/billing/plans': () => p(200, '/api/v1/billing/plans'),
  'GET /api/v1/billing/subscription': () => p(200, '/api/v1/billing/subscription'),
  'POST /api/v1/billing/checkout': () => p(200, '/api/v1/billing/checkout', { plan_id: 'pro' }),
  'POST /api/v1/billing/change-plan': () => p(200, '/api/v1/billing/change-plan', { plan_id: 'free' }),
  'GET /api/v1/billing/portal': () => p(200, '/api/v1/billing/portal'),
  'GET /api/v1/billing/usage': () => p(200, '/api/v1/billing/usage'),
  'GET /api/v1/billing/invoices': () => p(200, '/api/v1/billing/invoices'),
  'GET /api/v1/billing/invoices/:id': (b) => p(404, `/api/v1/billing/invoices/${b.invoice}`),
  'POST /api/v1/billing/payment-reference': (b) =>
    p(404, '/api/v1/billing/payment-reference', { invoice_id: b.invoice, reference: 'TXN-FROM-A-0001' }),
  'GET /api/v1/config': () => p(200, '/api/v1/config'),
  'PATCH /api/v1/config': () => p(200, '/api/v1/config', { key: 'chat_mode', value: 'custom' }),
  'GET /api/v1/config/ticket-webhook-info': () => p(200, '/api/v1/config/ticket-webhook-info'),
  'POST /api/v1/config/regenerate-webhook-key': () => p(200, '/api/v1/config/regenerate-webhook-key'),
  'POST /api/v1/config/validate-panel': () => p(200, '/api/v1/config/validate-panel'),
  'GET /api/v1/logs': () => p(200, '/api/v1/logs?limit=200'),
  'PATCH /api/v1/logs/:id/support-status': (b) =>
    p(404, `/api/v1/logs/${b.serial}/support-status`, { status: 'resolved' }),
  'POST /api/v1/logs/bulk-status': (b) => p(200, '/api/v1/logs/bulk-status', { ids: [b.serial], status: 'ignored' }),
  'GET /api/v1/providers': () => p(200, '/api/v1/providers'),
  'POST /api/v1/providers': () =>
    p(200, '/api/v1/providers', { name: 'Provider of A', url: 'https://a.example/api/v2', api_key: 'key-of-a-1234' }),
  'PATCH /api/v1/providers/:id': (b) => p(404, `/api/v1/providers/${b.provider}`, { name: 'mine' }),
  'DELETE /api/v1/providers/:id': (b) => p(404, `/api/v1/providers/${b.provider}`),
  'POST /api/v1/providers/:id/sync': (b) => p(404, `/api/v1/providers/${b.provider}/sync`),
  'GET /api/v1/providers/services': (b) => p(404, `/api/v1/providers/services?provider_id=${b.provider}`),
  'GET /api/v1/groups': () => p(200, '/api/v1/groups'),
  'PATCH /api/v1/groups/:id': (b) => p(404, `/api/v1/groups/${enc(b.group)}`, { support_enabled: false }),
  'DELETE /api/v1/groups/:id': (b) => p(404, `/api/v1/groups/${enc(b.group)}`),
  'POST /api/v1/groups/sync': () => p(200, '/api/v1/groups/sync'),
  'GET /api/v1/templates': () => p(200, '/api/v1/templates'),
  // Template keys are the same in every workspace: A edits its own copy; B's override stays.
  'PATCH /api/v1/templates/:key': () => p(200, '/api/v1/templates/welcome_message', { value: 'Welcome to A' }),
  'POST /api/v1/templates/:key/reset': () => p(200, '/api/v1/templates/welcome_message/reset'),
  'GET /api/v1/customers': () => p(200, '/api/v1/customers?verified=all'),
  'POST /api/v1/customers/:id/verify': (b) => p(404, `/api/v1/customers/${enc(b.customer)}/verify`, { username: 'x' }),
  'POST /api/v1/customers/:id/block': (b) => p(404, `/api/v1/customers/${enc(b.customer)}/block`),
  'POST /api/v1/customers/:id/unblock': (b) => p(404, `/api/v1/customers/${enc(b.customer)}/unblock`),
  'DELETE /api/v1/customers/:id': (b) => p(404, `/api/v1/customers/${enc(b.customer)}`),
  'GET /api/v1/marketing/messages': () => p(200, '/api/v1/marketing/messages'),
  'POST /api/v1/marketing/messages': () => p(200, '/api/v1/marketing/messages', { text: 'A sale' }),
  'PATCH /api/v1/marketing/messages/:id': (b) => p(404, `/api/v1/marketing/messages/${b.message}`, { enabled: false }),
  'DELETE /api/v1/marketing/messages/:id': (b) => p(404, `/api/v1/marketing/messages/${b.message}`),
  'POST /api/v1/marketing/messages/reorder': (b) => p(400, '/api/v1/marketing/messages/reorder', { ids: [b.message] }),
  'GET /api/v1/balancer/snapshot': () => p(200, '/api/v1/balancer/snapshot'),
  'GET /api/v1/balancer/phones': () => p(200, '/api/v1/balancer/phones'),
  'GET /api/v1/balancer/alerts': () => p(200, '/api/v1/balancer/alerts'),
  'POST /api/v1/balancer/alerts/:id/resolve': (b) => p(404, `/api/v1/balancer/alerts/${b.alert}/resolve`),
  'GET /api/v1/channels': () => p(200, '/api/v1/channels'),
  'GET /api/v1/channels/:name/login': (b) => p(404, `/api/v1/channels/${b.channel}/login`),
  // Connecting for real would open a WhatsApp socket: an invalid body proves the route is A's own (400).
  'POST /api/v1/channels': () => p(400, '/api/v1/channels', { kind: 'telegram', token: 'not-a-token' }),
  'DELETE /api/v1/channels/:name': (b) => p(404, `/api/v1/channels/${enc(b.channel)}`),
  // @smmbot/dashboard's chat inbox.
  'GET /api/v1/inbox': () => p(200, '/api/v1/inbox?limit=200'),
  'GET /api/v1/inbox/stream': () => ({ ...p(200, '/api/v1/inbox/stream'), stream: true }),
  'POST /api/v1/inbox/reply': (b) =>
    p(404, '/api/v1/inbox/reply', {
      channel: b.channel,
      chat_id: 'c1',
      text: 'hello from A',
      client_id: 'isolation-probe-a',
    }),
};

const B_PHONE = '+8801711000202';
const B_STAFF = '+8801711000203';
/** Strings only B has: none may appear in an answer to A. */
const MARKERS = {
  workspace: 'Globex Marker Works',
  chat: 'order text of globex 7731',
  group: 'group chat of globex',
  username: 'user-of-globex',
  provider: 'Provider of globex',
  promo: '*Sale* at globex',
  template: 'Welcome to globex!',
  alert: 'phone of globex may be banned',
  ownerPhone: B_PHONE.slice(1),
  staffPhone: B_STAFF.slice(1),
};

describe('tenant isolation over the real host: workspace A never reaches workspace B', () => {
  let host: FullHost;
  let a: Client;
  let staffA: Client;
  let b: Client;
  let tenantA: string;
  let tenantB: string;
  let ids: Ids;
  const sessionRoutes = (): HttpRoute[] =>
    host.engine.http.all().filter((r) => r.path.startsWith('/api/v1/') && r.auth?.kind === 'session');
  const key = (r: HttpRoute) => `${r.method} ${r.path}`;
  const sayA = (text: string) => a.call('POST', `/w/${tenantA}/chat/messages`, { chatId: 'c1', senderId: 'u1', text });
  const sayB = (text: string, extra: Record<string, unknown> = {}) =>
    b.call('POST', `/w/${tenantB}/chat/messages`, { chatId: 'c1', senderId: 'u1', text, ...extra });

  /** Everything B's owner can list (no stream, no ids), before and after A's attempts. */
  async function stateOfB() {
    const out: Record<string, unknown> = {};
    for (const r of sessionRoutes().filter((r) => r.method === 'GET' && !r.path.includes(':'))) {
      const probe = TABLE[key(r)]?.(ids);
      if (!probe || probe.stream || probe.status !== 200) continue;
      const res = await b.call('GET', probe.url);
      expect(res.status, `B ${probe.url}: ${res.text}`).toBe(200);
      // Minus the time a snapshot was taken.
      out[probe.url] = JSON.parse(
        JSON.stringify(res.body, (k, v) => (k === 'at' && typeof v === 'string' ? undefined : v)),
      );
    }
    return out;
  }

  /** Calls one probe; a stream is read for a moment while B's customer (then A's) writes. */
  async function send(who: Client, method: string, probe: Probe) {
    if (!probe.stream) return who.call(method, probe.url, probe.body);
    const res = await readStream(host, who, probe.url, async () => {
      await sayB(`${MARKERS.chat} (live)`);
      await sayA('live from acme');
    });
    // The stream is live (A's own turn arrived), so B's absence means something.
    if (res.status === 200) expect(res.text).toContain('live from acme');
    return res;
  }

  beforeAll(async () => {
    host = await startFullHost();
    ({ owner: a, tenant: tenantA } = await signUp(host, '+8801711000101', 'Acme Support'));
    ({ owner: b, tenant: tenantB } = await signUp(host, B_PHONE, MARKERS.workspace));
    ({ staff: staffA } = await addStaff(host, a, '+8801711000102', 'staff'));
    const { id: staff } = await addStaff(host, b, B_STAFF, 'staff_admin');

    // B's customers talk to B's web chat: an identity, a group and log entries. Serials count per
    // workspace: B's highest must not exist in A (which logs 1 entry here and 1 per stream probe).
    await sayA('hi from acme');
    for (const text of ['hi', MARKERS.chat, 'refill 1001', 'balance', 'help', 'my username']) {
      expect((await sayB(text)).status).toBe(200);
    }
    expect((await sayB(MARKERS.group, { chatId: 'g1', group: true })).status).toBe(200);
    const logs = (await b.call('GET', '/api/v1/logs?limit=200')).body.items as { serial: number }[];
    const customers = await b.call('GET', '/api/v1/customers?verified=all');
    const customer = (customers.body.items as { id: string; address: string }[]).find((c) => c.address === 'u1')!.id;
    expect(
      (await b.call('POST', `/api/v1/customers/${encodeURIComponent(customer)}/verify`, { username: MARKERS.username }))
        .status,
    ).toBe(200);
    const provider = await b.call('POST', '/api/v1/providers', {
      name: MARKERS.provider,
      url: 'https://globex.example/api/v2',
      api_key: 'key-of-globex-123456',
    });
    const message = await b.call('POST', '/api/v1/marketing/messages', { text: MARKERS.promo });
    expect((await b.call('PATCH', '/api/v1/templates/welcome_message', { value: MARKERS.template })).status).toBe(200);
    const checkout = await b.call('POST', '/api/v1/billing/checkout', { plan_id: 'pro' });
    expect(checkout.body, checkout.text).toMatchObject({ kind: 'invoice' });
    // Alerts are raised by the balancer when a phone fails (B has no phone): written where it keeps them.
    host.engine.container.resolve(BalancerToken);
    const alerts = host.engine.container.resolve(Tokens.Store).collection<Alert>({ name: 'balancer_alerts' });
    const alert = await alerts.insert(tenantB, {
      type: 'banned',
      severity: 'critical',
      status: 'active',
      phone: 'phone-b',
      details: MARKERS.alert,
      createdAt: host.engine.clock.now(),
    });
    const groups = (await b.call('GET', '/api/v1/groups')).body.items as { id: string }[];
    const channels = (await b.call('GET', '/api/v1/channels')).body.items as { name: string }[];
    ids = {
      serial: Math.max(...logs.map((l) => l.serial)),
      provider: provider.body.id,
      group: groups[0]!.id,
      customer,
      message: message.body.id,
      invoice: checkout.body.invoice.id,
      alert: alert.id,
      staff,
      channel: channels[0]!.name,
    };
    for (const [name, id] of Object.entries(ids)) expect(id, name).toBeTruthy();
    expect(ids.serial).toBeGreaterThan(3);
  }, 120_000);
  afterAll(() => host?.stop());

  it('lists every /api/v1 session route in the isolation table', () => {
    const missing = sessionRoutes()
      .map(key)
      .filter((k) => !TABLE[k]);
    expect(missing, 'add it to the isolation table').toEqual([]);
  });

  /**
   * Calls every session route as `who` and checks each answer with `check`; no answer may carry B's
   * markers, and B's state is the same after. Streams go first: B's customer talks while they are read.
   */
  async function sweep(
    who: Client,
    check: (route: HttpRoute, probe: Probe, res: { status: number; text: string }) => void,
  ) {
    const probes = sessionRoutes().map((route) => ({ route, probe: TABLE[key(route)]!(ids) }));
    const ordered = [...probes.filter((p) => p.probe.stream), ...probes.filter((p) => !p.probe.stream)];
    let before: unknown;
    for (const { route, probe } of ordered) {
      before ??= probe.stream ? undefined : await stateOfB();
      const res = await send(who, route.method, probe);
      check(route, probe, res);
      for (const marker of Object.values(MARKERS)) expect(res.text, `${key(route)} leaks B`).not.toContain(marker);
    }
    expect(await stateOfB()).toEqual(before);
  }

  it("answers A's owner with B's ids as not found, leaks none of B's data and changes nothing of B's", async () => {
    const seen = JSON.stringify(await stateOfB());
    for (const marker of Object.values(MARKERS)) expect(seen, 'B really has it').toContain(marker);
    await sweep(a, (route, probe, res) => {
      expect(res.status, `${key(route)}: ${res.text}`).toBe(probe.status);
      if (probe.status === 404) expect(res.text, key(route)).toContain('E_NOT_FOUND');
    });
  });

  it('refuses A staff (403) wherever the permission table excludes staff, and leaks nothing elsewhere', async () => {
    await sweep(staffA, (route, _probe, res) => {
      const permission = route.auth?.kind === 'session' ? (route.auth.permission as Permission | undefined) : undefined;
      if (!permission || can('staff', permission)) expect(res.status, `${key(route)}: ${res.text}`).not.toBe(403);
      else expect(res.status, `${key(route)} is not for staff (${permission})`).toBe(403);
    });
  });

  it('refuses workspace sessions on every master route', async () => {
    for (const route of host.engine.http.all().filter((r) => r.auth?.kind === 'master')) {
      const url = route.path.replace(/:(\w+)/g, tenantB);
      const res = await a.call(route.method, url, route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      expect([401, 403], `${key(route)}: ${res.status}`).toContain(res.status);
    }
  });
});
