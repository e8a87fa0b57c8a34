import type { Alert } from '@smmbot/balancer';
import { type RecordFields, Tokens } from '@smmbot/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { A, B, type RestApp, restApp } from './helpers.js';

const admin = `${A}:staff_admin`;

describe('balancer: snapshot, phone limits, alerts', () => {
  let app: RestApp;
  beforeEach(async () => {
    app = await restApp();
  });
  afterEach(() => app.stop());

  const raise = async (tenant: string, details: string) => {
    const alerts = app.engine.container.resolve(Tokens.Store).collection<Alert>({ name: 'balancer_alerts' });
    const alert: RecordFields<Alert> = {
      type: 'consecutive_failures',
      severity: 'warning',
      status: 'active',
      phone: 'phone-a',
      details,
      createdAt: Date.now(),
    };
    return (await alerts.insert(tenant, alert)).id;
  };

  it("shows the workspace's phones with today's sends against their warm-up cap", async () => {
    const snap = (await app.call(admin, 'GET', '/api/v1/balancer/snapshot')).json();
    expect(snap).toMatchObject({ next_phone: 'phone-a', queue: { queued: 0, pending: 0, sending: 0 }, alerts: [] });
    expect(snap.phones).toEqual([
      expect.objectContaining({
        channel: 'phone-a',
        state: 'connected',
        age_days: 0,
        daily_cap: 20,
        remaining_today: 20,
      }),
    ]);
    const phones = (await app.call(admin, 'GET', '/api/v1/balancer/phones')).json();
    expect(phones.items.map((p: { channel: string }) => p.channel)).toEqual(['phone-a']);
    app.phones[A]!.setLink({ state: 'banned', reason: 'account banned' });
    const after = (await app.call(admin, 'GET', '/api/v1/balancer/phones')).json();
    expect(after.items[0].state).toBe('banned');
  });

  it('lists alerts by status and resolves one (again: a no-op; unknown: 404)', async () => {
    const id = await raise(A, '5 sends in a row failed');
    await raise(B, 'not yours');
    const active = (await app.call(admin, 'GET', '/api/v1/balancer/alerts?status=active')).json();
    expect(active.items).toEqual([
      expect.objectContaining({ id, status: 'active', details: '5 sends in a row failed' }),
    ]);
    expect((await app.call(admin, 'GET', '/api/v1/balancer/snapshot')).json().alerts).toHaveLength(1);
    const res = await app.call(admin, 'POST', `/api/v1/balancer/alerts/${id}/resolve`);
    expect(res.json()).toEqual({ resolved: true, already: false });
    expect((await app.call(admin, 'POST', `/api/v1/balancer/alerts/${id}/resolve`)).json()).toEqual({
      resolved: true,
      already: true,
    });
    expect((await app.call(admin, 'POST', '/api/v1/balancer/alerts/nope/resolve')).statusCode).toBe(404);
    const resolved = (await app.call(admin, 'GET', '/api/v1/balancer/alerts?status=resolved')).json();
    expect(resolved.items[0]).toMatchObject({ id, status: 'resolved' });
    expect(resolved.items[0].resolved_at).not.toBeNull();
    expect((await app.call(admin, 'GET', '/api/v1/balancer/alerts?status=open')).statusCode).toBe(400);
    expect((await app.call(`${A}:staff`, 'GET', '/api/v1/balancer/snapshot')).statusCode).toBe(403);
  });
});

describe('channels: state and the WhatsApp login', () => {
  let app: RestApp;
  beforeEach(async () => {
    app = await restApp();
  });
  afterEach(() => app.stop());

  it("lists the workspace's channels with kind, link state and capabilities", async () => {
    const items = (await app.call(admin, 'GET', '/api/v1/channels')).json().items;
    const byName = Object.fromEntries(items.map((c: { name: string }) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['phone-a', 'ticket:acme', 'wa-a', 'web-a']);
    expect(byName['web-a']).toMatchObject({
      kind: 'whatsapp-web',
      login_available: true,
      link: { state: 'connecting' },
    });
    expect(byName['wa-a']).toMatchObject({ kind: 'other', link: null, login_available: false });
    expect(byName['phone-a']).toMatchObject({ link: { state: 'connected' }, capabilities: { anti_ban: true } });
    expect(byName['ticket:acme']).toMatchObject({ kind: 'panel-tickets' });
  });

  it('gives the owner the QR string while the channel waits for a scan, then the pairing code', async () => {
    const owner = `${A}:owner`;
    const res = await app.call(owner, 'GET', '/api/v1/channels/web-a/login');
    expect(res.json()).toMatchObject({ name: 'web-a', status: 'qr', qr: `2@QR-${A}`, pairing_code: null });
    app.logins[A]!.login = { status: 'connecting', pairingCode: 'ABCD-EFGH' };
    const pairing = (await app.call(owner, 'GET', '/api/v1/channels/web-a/login')).json();
    expect(pairing).toMatchObject({ status: 'connecting', qr: null, pairing_code: 'ABCD-EFGH' });
    const none = await app.call(owner, 'GET', '/api/v1/channels/wa-a/login');
    expect(none.statusCode).toBe(409);
    expect((await app.call(owner, 'GET', '/api/v1/channels/web-b/login')).statusCode).toBe(404);
    expect((await app.call(`${B}:owner`, 'GET', '/api/v1/channels/web-b/login')).json().qr).toBe(`2@QR-${B}`);
    // Logging a number in is connecting it: the owner's (`dashboard.channels`), not a staff admin's.
    const refused = await app.call(admin, 'GET', '/api/v1/channels/web-a/login');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('2@QR');
  });
});
