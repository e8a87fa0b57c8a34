import { Tokens } from '@smmbot/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { A, type RestApp, restApp } from './helpers.js';

const owner = `${A}:owner`;
const admin = `${A}:staff_admin`;
const KEY = 'provider-api-key-0123456789';

describe('providers: CRUD, sync and service search', () => {
  let app: RestApp;
  beforeEach(async () => {
    app = await restApp();
  });
  afterEach(() => app.stop());

  const add = (name: string, extra: Record<string, unknown> = {}) =>
    app.call(admin, 'POST', '/api/v1/providers', { name, url: `https://${name}/api/v2`, api_key: KEY, ...extra });

  it('adds, lists, changes and deletes providers, never returning the key', async () => {
    const created = await add('smmcost.com', { aliases: ['smmcost'], sync_interval_sec: 600 });
    expect(created.statusCode).toBe(200);
    const p = created.json();
    expect(p).toMatchObject({ name: 'smmcost.com', aliases: ['smmcost'], sync_interval_sec: 600, is_active: true });
    expect(p).not.toHaveProperty('api_key');
    expect(created.body).not.toContain(KEY);
    const list = await app.call(admin, 'GET', '/api/v1/providers');
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([p.id]);
    expect(list.body).not.toContain(KEY);
    expect(list.body).not.toContain('v1.'); // not even sealed

    const patched = await app.call(admin, 'PATCH', `/api/v1/providers/${p.id}`, {
      is_active: false,
      escalation_group: { channel: 'wa-a', chat_id: 'g1' },
      api_key: 'a-new-key-123',
    });
    expect(patched.json()).toMatchObject({ is_active: false, escalation_group: { channel: 'wa-a', chat_id: 'g1' } });
    expect(patched.body).not.toContain('a-new-key-123');
    const unmapped = await app.call(admin, 'PATCH', `/api/v1/providers/${p.id}`, { escalation_group: null });
    expect(unmapped.json().escalation_group).toBeNull();

    expect((await app.call(admin, 'DELETE', `/api/v1/providers/${p.id}`)).json()).toEqual({ ok: true });
    expect((await app.call(admin, 'DELETE', `/api/v1/providers/${p.id}`)).statusCode).toBe(404);
    expect((await app.call(admin, 'GET', '/api/v1/providers')).json().items).toEqual([]);
  });

  it('refuses bad input (400) and a duplicate name (409)', async () => {
    expect((await app.call(admin, 'POST', '/api/v1/providers', { name: 'x', url: 'ftp://x' })).statusCode).toBe(400);
    const short = await add('fast.io', { sync_interval_sec: 5 });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.issues.join()).toMatch(/sync_interval_sec/);
    await add('fast.io');
    const dup = await add('FAST.IO');
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('E_CONFLICT');
    expect((await app.call(admin, 'PATCH', '/api/v1/providers/nope', { name: 'y' })).statusCode).toBe(404);
  });

  it('syncs the catalog and balance, then finds services by name fragment or id', async () => {
    const a = (await add('alpha.com')).json();
    const b = (await add('beta.com')).json();
    const sync = await app.call(admin, 'POST', `/api/v1/providers/${a.id}/sync`);
    expect(sync.json()).toMatchObject({
      synced: true,
      skipped: null,
      summary: { baseline: true, added: 3, balance: 12.5, currency: 'USD' },
    });
    await app.call(admin, 'POST', `/api/v1/providers/${b.id}/sync`);
    const listed = (await app.call(admin, 'GET', '/api/v1/providers')).json().items;
    expect(listed.find((p: { id: string }) => p.id === a.id)).toMatchObject({ balance: 12.5, service_count: 3 });

    const all = (await app.call(admin, 'GET', '/api/v1/providers/services?limit=4&sort=-rate')).json();
    expect(all.total).toBe(6);
    expect(all.items).toHaveLength(4);
    expect(all.items[0]).toMatchObject({ rate: 4.5, service_id: '3' });
    const byName = (await app.call(admin, 'GET', `/api/v1/providers/services?q=beta.com&provider_id=${b.id}`)).json();
    expect(byName.total).toBe(3);
    expect(byName.items[0]).toMatchObject({ provider_id: b.id, provider_name: 'beta.com', is_new: false });
    const byId = (await app.call(admin, 'GET', `/api/v1/providers/services?q=2&provider_id=${a.id}`)).json();
    expect(byId.items[0]).toMatchObject({ service_id: '2', provider_name: 'alpha.com' });
    const paged = (await app.call(admin, 'GET', '/api/v1/providers/services?limit=4&offset=4')).json();
    expect(paged.items).toHaveLength(2);
    expect((await app.call(admin, 'GET', '/api/v1/providers/services?sort=price')).statusCode).toBe(400);
    expect((await app.call(admin, 'GET', '/api/v1/providers/services?provider_id=unknown')).statusCode).toBe(404);
  });

  it('reports a sync that another worker holds as skipped', async () => {
    const p = (await add('held.com')).json();
    const lock = await app.engine.container.resolve(Tokens.Kv).acquireLock(A, `provider_sync_lock:${p.id}`, 60_000);
    const res = await app.call(owner, 'POST', `/api/v1/providers/${p.id}/sync`);
    expect(res.json()).toEqual({ synced: false, skipped: 'locked', summary: null });
    await lock?.release();
    expect((await app.call(owner, 'POST', '/api/v1/providers/unknown/sync')).statusCode).toBe(404);
  });

  it('lets staff admins in and staff out (Providers, Service Search)', async () => {
    expect((await app.call(`${A}:staff`, 'GET', '/api/v1/providers')).statusCode).toBe(403);
    expect((await app.call(`${A}:staff`, 'GET', '/api/v1/providers/services')).statusCode).toBe(403);
    expect((await app.call(admin, 'GET', '/api/v1/providers/services')).statusCode).toBe(200);
  });
});
