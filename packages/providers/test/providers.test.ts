import { PanelError, SecretBox } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderNameTakenError, ProviderNotFoundError } from '../src/index.js';
import { ALPHA, BACKENDS, BETA, OTHER, setup, TENANT } from './helpers.js';

describe.each(BACKENDS)('providers on %s storage', (_name, makeStorage) => {
  let ctx: ReturnType<typeof setup>;
  afterEach(() => ctx?.close());

  it('adds a provider with defaults and stores its key sealed, never in plain text', async () => {
    ctx = setup(makeStorage);
    const info = await ctx.providers.add(TENANT, { ...ALPHA, aliases: ['alpha.example'] });
    expect(info).toMatchObject({
      name: ALPHA.name,
      url: ALPHA.url,
      aliases: ['alpha.example'],
      syncIntervalSec: 3600,
      isActive: true,
      baselineDone: false,
      serviceCount: 0,
      createdAt: ctx.clock.now(),
      updatedAt: ctx.clock.now(),
    });
    expect(info).not.toHaveProperty('keySealed');
    expect(info).not.toHaveProperty('key');
    const raw = await ctx.providers.collections.providers.get(TENANT, info.id);
    expect(SecretBox.isSealed(raw!.keySealed)).toBe(true);
    expect(JSON.stringify(raw)).not.toContain(ALPHA.key);
    expect(ctx.secrets.open(raw!.keySealed)).toBe(ALPHA.key);
  });

  it('never writes the key to the logs, even when a panel error echoes it', async () => {
    ctx = setup(makeStorage);
    const info = await ctx.providers.add(TENANT, ALPHA);
    await ctx.providers.sync(TENANT, info.id);
    expect(ctx.fakes.connections[0]).toMatchObject({ tenant: TENANT, id: info.id, key: ALPHA.key });
    const panel = ctx.fakes.panel(ALPHA.name);
    panel.failBalance = new Error(`balance refused for key=${ALPHA.key}`);
    await ctx.providers.sync(TENANT, info.id);
    panel.failServices = new PanelError('unauthorized', `bad key ${ALPHA.key}`);
    const error = (await ctx.providers.sync(TENANT, info.id).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(ALPHA.key);
    expect((await ctx.providers.get(TENANT, info.id))?.lastSyncError).not.toContain(ALPHA.key);
    await ctx.providers.update(TENANT, info.id, { key: 'rotated-key-9999' });
    expect(ctx.logs.lines.length).toBeGreaterThan(3);
    const all = ctx.logs.lines.join('\n');
    expect(all).not.toContain(ALPHA.key);
    expect(all).not.toContain('rotated-key-9999');
  });

  it('validates input and keeps names unique per tenant (case-insensitive)', async () => {
    ctx = setup(makeStorage);
    await expect(ctx.providers.add(TENANT, { ...ALPHA, url: 'not a url' })).rejects.toMatchObject({
      code: 'E_CONFIG_INVALID',
    });
    await expect(ctx.providers.add(TENANT, { ...ALPHA, key: '  ' })).rejects.toThrow(/key/);
    await expect(ctx.providers.add(TENANT, { ...ALPHA, syncIntervalSec: 5 })).rejects.toThrow(/syncIntervalSec/);
    await ctx.providers.add(TENANT, ALPHA);
    await expect(ctx.providers.add(TENANT, { ...BETA, name: 'alpha smm' })).rejects.toBeInstanceOf(
      ProviderNameTakenError,
    );
    await expect(ctx.providers.add(OTHER, ALPHA)).resolves.toMatchObject({ name: ALPHA.name });
  });

  it('updates fields, re-seals a new key and unmaps the escalation group', async () => {
    ctx = setup(makeStorage);
    const info = await ctx.providers.add(TENANT, { ...ALPHA, escalationGroup: { channel: 'wa', chatId: 'g-1' } });
    const beta = await ctx.providers.add(TENANT, BETA);
    await ctx.clock.advance(1000);
    const before = (await ctx.providers.collections.providers.get(TENANT, info.id))!.keySealed;
    const updated = await ctx.providers.update(TENANT, info.id, {
      syncIntervalSec: 900,
      isActive: false,
      key: 'new-key-1234',
      escalationGroup: null,
    });
    expect(updated).toMatchObject({ syncIntervalSec: 900, isActive: false, updatedAt: ctx.clock.now() });
    expect(updated.escalationGroup).toBeUndefined();
    const after = (await ctx.providers.collections.providers.get(TENANT, info.id))!.keySealed;
    expect(after).not.toBe(before);
    expect(ctx.secrets.open(after)).toBe('new-key-1234');
    await expect(ctx.providers.update(TENANT, info.id, { name: BETA.name.toUpperCase() })).rejects.toBeInstanceOf(
      ProviderNameTakenError,
    );
    await expect(ctx.providers.update(TENANT, beta.id, { name: 'Beta Renamed' })).resolves.toMatchObject({
      name: 'Beta Renamed',
    });
    await expect(ctx.providers.update(TENANT, 'nope', { isActive: true })).rejects.toBeInstanceOf(
      ProviderNotFoundError,
    );
    expect((await ctx.providers.list(TENANT, { activeOnly: true })).map((p) => p.name)).toEqual(['Beta Renamed']);
  });

  it('upserts declared providers by name', async () => {
    ctx = setup(makeStorage);
    const first = await ctx.providers.upsertByName(TENANT, ALPHA);
    expect(first.created).toBe(true);
    const second = await ctx.providers.upsertByName(TENANT, { ...ALPHA, name: 'ALPHA SMM', syncIntervalSec: 120 });
    expect(second).toMatchObject({ created: false, provider: { id: first.provider.id, syncIntervalSec: 120 } });
    expect(await ctx.providers.list(TENANT)).toHaveLength(1);
  });

  it('removes a provider with its services', async () => {
    ctx = setup(makeStorage);
    const alpha = await ctx.providers.add(TENANT, ALPHA);
    const beta = await ctx.providers.add(TENANT, BETA);
    await ctx.providers.sync(TENANT, alpha.id);
    await ctx.providers.sync(TENANT, beta.id);
    expect((await ctx.providers.searchServices(TENANT)).total).toBe(10);
    expect(await ctx.providers.remove(TENANT, alpha.id)).toBe(true);
    expect(await ctx.providers.get(TENANT, alpha.id)).toBeUndefined();
    expect(await ctx.providers.collections.services.count(TENANT, { providerId: alpha.id })).toBe(0);
    expect((await ctx.providers.searchServices(TENANT)).total).toBe(5);
    expect(await ctx.providers.remove(TENANT, alpha.id)).toBe(false);
  });

  it('finds a provider by name, alias or URL host', async () => {
    ctx = setup(makeStorage);
    const alpha = await ctx.providers.add(TENANT, { ...ALPHA, aliases: ['ALF'] });
    expect((await ctx.providers.findByAlias(TENANT, 'alf'))?.id).toBe(alpha.id);
    expect((await ctx.providers.findByAlias(TENANT, 'alpha.example'))?.id).toBe(alpha.id);
    expect((await ctx.providers.findByAlias(TENANT, 'alpha smm'))?.id).toBe(alpha.id);
    expect(await ctx.providers.findByAlias(TENANT, 'gamma')).toBeUndefined();
    expect(await ctx.providers.findByAlias(OTHER, 'alf')).toBeUndefined();
  });

  it("isolates tenants: another tenant can neither see nor sync nor change a tenant's providers", async () => {
    ctx = setup(makeStorage);
    const alpha = await ctx.providers.add(TENANT, ALPHA);
    await ctx.providers.sync(TENANT, alpha.id);
    expect(await ctx.providers.get(OTHER, alpha.id)).toBeUndefined();
    expect(await ctx.providers.list(OTHER)).toEqual([]);
    expect(await ctx.providers.searchServices(OTHER, { q: 'Instagram' })).toEqual({ items: [], total: 0 });
    expect(await ctx.providers.searchServices(OTHER, { providerId: alpha.id })).toEqual({ items: [], total: 0 });
    await expect(ctx.providers.sync(OTHER, alpha.id)).rejects.toBeInstanceOf(ProviderNotFoundError);
    await expect(ctx.providers.update(OTHER, alpha.id, { isActive: false })).rejects.toBeInstanceOf(
      ProviderNotFoundError,
    );
    expect(await ctx.providers.remove(OTHER, alpha.id)).toBe(false);
    expect(await ctx.providers.clearNew(OTHER, alpha.id)).toBe(0);
    expect(ctx.fakes.connections).toHaveLength(1);
    expect(await ctx.providers.get(TENANT, alpha.id)).toMatchObject({ isActive: true, serviceCount: 5 });
  });
});
