import { PanelError } from '@smmbot/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { A, B, type RestApp, restApp } from './helpers.js';

const admin = `${A}:staff_admin`;
const cid = (sender: string) => encodeURIComponent(`wa-a:${sender}`);

describe('customers', () => {
  let app: RestApp;
  beforeEach(async () => {
    app = await restApp();
    await app.say(A, 'c1', 'hi');
    await app.say(A, 'c2', 'hi');
    await app.say(B, 'c9', 'hi');
  });
  afterEach(() => app.stop());

  it('lists verified customers by default, all or unverified on request', async () => {
    expect((await app.call(admin, 'GET', '/api/v1/customers')).json()).toMatchObject({ items: [], total: 0 });
    const all = (await app.call(admin, 'GET', '/api/v1/customers?verified=all')).json();
    expect(all.total).toBe(2);
    expect(all.items[0]).toMatchObject({ channel: 'wa-a', verified: false, panel_user: null, status: 'active' });
    expect((await app.call(admin, 'GET', '/api/v1/customers?verified=maybe')).statusCode).toBe(400);
  });

  it('verifies by hand against the panel (no OTP), then finds them by username', async () => {
    const missing = await app.call(admin, 'POST', `/api/v1/customers/${cid('c1')}/verify`, { username: 'ghost' });
    expect(missing.statusCode).toBe(422);
    const res = await app.call(admin, 'POST', `/api/v1/customers/${cid('c1')}/verify`, { username: '@Demo' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      checked_on_panel: true,
      item: { id: 'wa-a:c1', panel_user: 'demo', verified: true, verified_by: 'admin' },
    });
    const found = (await app.call(admin, 'GET', '/api/v1/customers?q=dem')).json();
    expect(found.items.map((c: { id: string }) => c.id)).toEqual(['wa-a:c1']);
    expect(
      (await app.call(admin, 'POST', `/api/v1/customers/${cid('zz')}/verify`, { username: 'demo' })).statusCode,
    ).toBe(404);
    Object.assign(app.panels[A]!, { findUser: () => Promise.reject(new PanelError('unavailable', 'panel down')) });
    const down = await app.call(admin, 'POST', `/api/v1/customers/${cid('c2')}/verify`, { username: 'alice' });
    expect(down.statusCode).toBe(502);
  });

  it('blocks (the bot refuses them from the next message), unblocks, and deletes the verification', async () => {
    await app.call(admin, 'POST', `/api/v1/customers/${cid('c1')}/verify`, { username: 'demo' });
    const blocked = await app.call(admin, 'POST', `/api/v1/customers/${cid('c1')}/block`);
    expect(blocked.json()).toMatchObject({ item: { status: 'blocked' }, affected: 1 });
    await app.say(A, 'c1', 'balance');
    await vi.waitFor(() => expect(app.chats[A]!.sent.at(-1)?.text).toMatch(/blocked/));
    const logs = (await app.call(admin, 'GET', '/api/v1/logs?action=blocked')).json();
    expect(logs.total).toBe(1);
    expect((await app.call(admin, 'GET', '/api/v1/customers?status=blocked')).json().total).toBe(1);
    const unblocked = await app.call(admin, 'POST', `/api/v1/customers/${cid('c1')}/unblock`);
    expect(unblocked.json().item.status).toBe('active');
    const deleted = await app.call(admin, 'DELETE', `/api/v1/customers/${cid('c1')}`);
    expect(deleted.json()).toMatchObject({ item: { verified: false, panel_user: null, status: 'active' } });
    expect((await app.call(admin, 'GET', '/api/v1/customers')).json().total).toBe(0);
    expect((await app.call(admin, 'DELETE', `/api/v1/customers/${cid('zz')}`)).statusCode).toBe(404);
    expect((await app.call(`${A}:staff`, 'GET', '/api/v1/customers')).statusCode).toBe(403);
  });
});

describe('marketing messages', () => {
  let app: RestApp;
  beforeEach(async () => {
    app = await restApp();
  });
  afterEach(() => app.stop());

  const add = (text: string, enabled?: boolean) =>
    app.call(admin, 'POST', '/api/v1/marketing/messages', enabled === undefined ? { text } : { text, enabled });

  it('adds, edits, disables, reorders and deletes messages (formatting kept)', async () => {
    const one = (await add('*Big sale*\n_today only_')).json();
    const two = (await add('~old~ `new` prices', false)).json();
    expect(one).toMatchObject({ text: '*Big sale*\n_today only_', enabled: true, position: 1 });
    expect(two).toMatchObject({ enabled: false, position: 2 });
    const patched = await app.call(admin, 'PATCH', `/api/v1/marketing/messages/${two.id}`, {
      enabled: true,
      text: 'New text',
    });
    expect(patched.json()).toMatchObject({ enabled: true, text: 'New text' });
    const reordered = await app.call(admin, 'POST', '/api/v1/marketing/messages/reorder', { ids: [two.id, one.id] });
    expect(reordered.json().items.map((m: { id: string }) => m.id)).toEqual([two.id, one.id]);
    const list = (await app.call(admin, 'GET', '/api/v1/marketing/messages')).json();
    expect(list).toMatchObject({ marketing_enabled: false, interval_hours: 4, next_broadcast_at: null });
    expect(list.items.map((m: { position: number }) => m.position)).toEqual([1, 2]);
    expect((await app.call(admin, 'DELETE', `/api/v1/marketing/messages/${one.id}`)).json()).toEqual({ ok: true });
    expect((await app.call(admin, 'DELETE', `/api/v1/marketing/messages/${one.id}`)).statusCode).toBe(404);
    expect((await app.call(`${B}:owner`, 'GET', '/api/v1/marketing/messages')).json().items).toEqual([]);
  });

  it('shows when the next broadcast is due once marketing is on', async () => {
    await add('Promo');
    await app.call(`${A}:owner`, 'PATCH', '/api/v1/config', { key: 'marketing_enabled', value: true });
    const list = (await app.call(admin, 'GET', '/api/v1/marketing/messages')).json();
    expect(Date.parse(list.next_broadcast_at)).toBeGreaterThan(Date.now() + 3 * 3_600_000);
  });

  it('refuses empty text, an empty patch, an incomplete reorder and unknown ids', async () => {
    const one = (await add('Promo')).json();
    await add('Other');
    expect((await add('   ')).statusCode).toBe(400);
    expect((await app.call(admin, 'PATCH', `/api/v1/marketing/messages/${one.id}`, {})).statusCode).toBe(400);
    const partial = await app.call(admin, 'POST', '/api/v1/marketing/messages/reorder', { ids: [one.id] });
    expect(partial.statusCode).toBe(400);
    expect(partial.json().error.message).toMatch(/exactly once/);
    expect((await app.call(admin, 'PATCH', '/api/v1/marketing/messages/nope', { enabled: false })).statusCode).toBe(
      404,
    );
    expect((await app.call(`${A}:staff`, 'GET', '/api/v1/marketing/messages')).statusCode).toBe(403);
  });
});
