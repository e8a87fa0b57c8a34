import { PanelError } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type NewServicesEvent, ProviderSyncError, type SyncSummary } from '../src/index.js';
import { ALPHA, BACKENDS, catalog, service, setup, TENANT } from './helpers.js';

describe.each(BACKENDS)('sync on %s storage', (_name, makeStorage) => {
  let ctx: ReturnType<typeof setup>;
  afterEach(() => ctx?.close());

  async function withProvider(services = catalog(5)) {
    ctx = setup(makeStorage);
    const provider = await ctx.providers.add(TENANT, ALPHA);
    const panel = ctx.fakes.panel(ALPHA.name);
    panel.catalog = services;
    const events: NewServicesEvent[] = [];
    ctx.providers.hooks.newServices.tapPromise('test', async (e) => void events.push(e));
    return { provider, panel, events };
  }

  it('treats the first sync as the baseline: nothing new, no notification, no hook call', async () => {
    const { provider, events } = await withProvider();
    const summary = (await ctx.providers.sync(TENANT, provider.id)) as SyncSummary;
    expect(summary).toMatchObject({ baseline: true, added: 5, changed: 0, removed: 0, unchanged: 0, isNew: [] });
    expect(summary).toMatchObject({ balance: 42.5, currency: 'USD' });
    const { items, total } = await ctx.providers.searchServices(TENANT, { limit: 100 });
    expect(total).toBe(5);
    expect(items.every((s) => s.isNew === false && s.rules === null)).toBe(true);
    expect(items[0]).toMatchObject({ id: `${provider.id}:1`, providerId: provider.id, serviceId: '1' });
    expect(await ctx.providers.collections.notifications.count(TENANT)).toBe(0);
    expect(events).toHaveLength(0);
    const stored = await ctx.providers.get(TENANT, provider.id);
    expect(stored).toMatchObject({ baselineDone: true, serviceCount: 5, balance: 42.5, currency: 'USD' });
    expect(stored?.lastSyncAt).toBe(ctx.clock.now());
  });

  it('counts added, changed, removed and unchanged exactly and tags only the added as new', async () => {
    const { provider, panel, events } = await withProvider();
    await ctx.providers.sync(TENANT, provider.id);
    const firstSeen = ctx.clock.now();
    await ctx.clock.advance(60_000);
    const next = catalog(5).filter((s) => s.id !== '2'); // 2 vanished
    next[0] = { ...next[0]!, rate: 2.25 }; // 1 changed
    next[1] = { ...next[1]!, name: 'Instagram Followers #3 [Refill 60D]' }; // 3 changed
    next.push(service(6), service(7)); // 6 and 7 new
    panel.catalog = next;

    const summary = (await ctx.providers.sync(TENANT, provider.id)) as SyncSummary;
    expect(summary).toMatchObject({ baseline: false, added: 2, changed: 2, removed: 1, unchanged: 2 });
    expect(summary.isNew).toEqual(['6', '7']);

    const all = await ctx.providers.searchServices(TENANT, { includeRemoved: true, limit: 100 });
    const byId = new Map(all.items.map((s) => [s.serviceId, s]));
    expect([...byId.values()].filter((s) => s.isNew).map((s) => s.serviceId)).toEqual(['6', '7']);
    expect(byId.get('1')).toMatchObject({
      rate: 2.25,
      isNew: false,
      firstSeenAt: firstSeen,
      updatedAt: ctx.clock.now(),
    });
    expect(byId.get('2')).toMatchObject({ removedAt: ctx.clock.now() });
    expect(byId.get('4')?.updatedAt).toBe(firstSeen); // unchanged: not rewritten
    expect(byId.get('6')).toMatchObject({ firstSeenAt: ctx.clock.now(), isNew: true });
    expect((await ctx.providers.get(TENANT, provider.id))?.serviceCount).toBe(6);

    const notes = await ctx.providers.collections.notifications.find(TENANT);
    expect(notes.total).toBe(1);
    expect(notes.items[0]).toMatchObject({
      kind: 'new_services',
      audience: 'admin',
      providerId: provider.id,
      serviceIds: ['6', '7'],
      count: 2,
      status: 'pending',
      createdAt: ctx.clock.now(),
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ tenant: TENANT, notificationId: notes.items[0]!.id });
    expect(events[0]!.provider).not.toHaveProperty('keySealed');
    expect(events[0]!.services.map((s) => s.serviceId)).toEqual(['6', '7']);

    // A third identical sync changes nothing and notifies nobody.
    const again = (await ctx.providers.sync(TENANT, provider.id)) as SyncSummary;
    expect(again).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 6, isNew: [] });
    expect(events).toHaveLength(1);
    expect(await ctx.providers.collections.notifications.count(TENANT)).toBe(1);
  });

  it('brings a removed service back as a change, keeping its first-seen time', async () => {
    const { provider, panel } = await withProvider();
    await ctx.providers.sync(TENANT, provider.id);
    panel.catalog = catalog(4);
    expect(await ctx.providers.sync(TENANT, provider.id)).toMatchObject({ removed: 1 });
    expect((await ctx.providers.searchServices(TENANT, { q: '5' })).total).toBe(0);
    panel.catalog = catalog(5);
    expect(await ctx.providers.sync(TENANT, provider.id)).toMatchObject({ added: 0, changed: 1, removed: 0 });
    const back = await ctx.providers.collections.services.get(TENANT, `${provider.id}:5`);
    expect(back?.removedAt).toBeUndefined();
    expect(back?.isNew).toBe(false);
  });

  it('clearNew acknowledges new services', async () => {
    const { provider, panel } = await withProvider();
    await ctx.providers.sync(TENANT, provider.id);
    panel.catalog = catalog(8);
    await ctx.providers.sync(TENANT, provider.id);
    expect((await ctx.providers.searchServices(TENANT, { onlyNew: true })).total).toBe(3);
    expect(await ctx.providers.clearNew(TENANT, provider.id)).toBe(3);
    expect((await ctx.providers.searchServices(TENANT, { onlyNew: true })).total).toBe(0);
    expect(await ctx.providers.clearNew(TENANT)).toBe(0);
  });

  it('still succeeds when the balance call fails, keeping the last known balance', async () => {
    const { provider, panel } = await withProvider();
    await ctx.providers.sync(TENANT, provider.id);
    panel.failBalance = new PanelError('unavailable', 'balance endpoint down');
    panel.catalog = catalog(6);
    const summary = (await ctx.providers.sync(TENANT, provider.id)) as SyncSummary;
    expect(summary).toMatchObject({ added: 1, isNew: ['6'] });
    expect(summary.balance).toBeUndefined();
    expect(await ctx.providers.get(TENANT, provider.id)).toMatchObject({ balance: 42.5, serviceCount: 6 });
    expect(ctx.logs.lines.some((l) => l.includes('provider balance failed'))).toBe(true);
  });

  it('records lastSyncError and throws a typed error when the services call fails', async () => {
    const { provider, panel } = await withProvider();
    await ctx.providers.sync(TENANT, provider.id);
    panel.failServices = new PanelError('unauthorized', 'Invalid API key');
    const error = await ctx.providers.sync(TENANT, provider.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderSyncError);
    expect(error).toMatchObject({ code: 'E_UNAUTHORIZED', stage: 'services', providerId: provider.id });
    const stored = await ctx.providers.get(TENANT, provider.id);
    expect(stored?.lastSyncError).toMatch(/Invalid API key/);
    expect(stored?.serviceCount).toBe(5); // the catalog is untouched
    panel.failServices = undefined;
    await ctx.providers.sync(TENANT, provider.id);
    expect((await ctx.providers.get(TENANT, provider.id))?.lastSyncError).toBeUndefined();
  });

  it('fails with an unsupported error when the client cannot list services', async () => {
    ctx = setup(makeStorage);
    const provider = await ctx.providers.add(TENANT, ALPHA);
    const panel = ctx.fakes.panel(ALPHA.name);
    Object.defineProperty(panel, 'services', { value: undefined });
    await expect(ctx.providers.sync(TENANT, provider.id)).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
  });

  it('lets only one of two concurrent syncs of a provider run', async () => {
    const { provider, panel } = await withProvider();
    let open!: () => void;
    panel.gate = new Promise<void>((r) => (open = r));
    const first = ctx.providers.sync(TENANT, provider.id);
    await ctx.clock.advance(0);
    expect(panel.calls.services).toBe(1);
    expect(await ctx.providers.sync(TENANT, provider.id)).toEqual({ skipped: 'locked' });
    await expect(ctx.providers.remove(TENANT, provider.id)).rejects.toMatchObject({ code: 'E_IN_PROGRESS' });
    open();
    expect(await first).toMatchObject({ added: 5 });
    expect(panel.calls.services).toBe(1);
    panel.gate = undefined;
    expect(await ctx.providers.sync(TENANT, provider.id)).toMatchObject({ unchanged: 5 }); // lock released
    expect(panel.calls.close).toBe(2);
  });

  it('holds the sync lock as a lease: renewed while the sync lives, free 30 s after its holder died', async () => {
    const { provider, panel } = await withProvider();
    let open!: () => void;
    panel.gate = new Promise<void>((r) => (open = r));
    const live = ctx.providers.sync(TENANT, provider.id);
    await ctx.clock.advance(0);
    await ctx.clock.advance(60_000); // past two leases: the live holder renewed it
    expect(await ctx.providers.sync(TENANT, provider.id)).toEqual({ skipped: 'locked' });
    open();
    await live;

    // A holder killed mid-sync never renews (here: its renewals are refused, as if its process were gone).
    const kv = ctx.storage.kv;
    const acquire = kv.acquireLock.bind(kv);
    kv.acquireLock = async (...args) => {
      const lock = await acquire(...args);
      return lock && { ...lock, key: lock.key, token: lock.token, extend: async () => false, release: lock.release };
    };
    panel.gate = new Promise<void>(() => {});
    void ctx.providers.sync(TENANT, provider.id);
    await ctx.clock.advance(0);
    kv.acquireLock = acquire;
    panel.gate = undefined;
    expect(await ctx.providers.sync(TENANT, provider.id)).toEqual({ skipped: 'locked' });
    await ctx.clock.advance(30_000);
    expect(await ctx.providers.sync(TENANT, provider.id)).toMatchObject({ unchanged: 5 });
  });

  it('releases the lock after a failed sync', async () => {
    const { provider, panel } = await withProvider();
    panel.failServices = new Error('socket hang up');
    await expect(ctx.providers.sync(TENANT, provider.id)).rejects.toMatchObject({ code: 'E_UNAVAILABLE' });
    panel.failServices = undefined;
    expect(await ctx.providers.sync(TENANT, provider.id)).toMatchObject({ added: 5 });
  });

  it('writes a large catalog in chunks and diffs it again cheaply', async () => {
    const { provider, panel } = await withProvider(catalog(1_234));
    expect(await ctx.providers.sync(TENANT, provider.id)).toMatchObject({ added: 1_234 });
    panel.catalog = catalog(1_240);
    expect(await ctx.providers.sync(TENANT, provider.id)).toMatchObject({ added: 6, unchanged: 1_234 });
    expect((await ctx.providers.searchServices(TENANT, { onlyNew: true })).total).toBe(6);
  });
});
