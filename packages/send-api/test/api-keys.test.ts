import { createHash } from 'node:crypto';
import { ConfigError, VirtualClock } from '@smmbot/core';
import { MemoryRecordStore } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { ApiKeyService, ApiKeyServiceToken, sendApi } from '../src/index.js';
import { ACME_KEY, PhoneChannel, startApi } from './helpers.js';

function service(configured: Record<string, string | string[]> = {}) {
  const store = new MemoryRecordStore();
  const keys = new ApiKeyService({ store, clock: new VirtualClock(), configured, tenants: ['acme', 'globex'] });
  return { store, keys };
}

describe('ApiKeyService', () => {
  it('returns the plaintext once and stores only its SHA-256', async () => {
    const { store, keys } = service();
    const created = await keys.create('acme', { label: 'ERP' });
    expect(created.key).toMatch(/^smk_[\w-]{43}$/);
    const rows = (await store.collection({ name: 'send_api_keys' }).find('acme')).items;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(created.key);
    expect(rows[0]).toMatchObject({ hash: createHash('sha256').update(created.key).digest('hex') });
    const listed = await keys.list('acme');
    expect(listed).toEqual([
      {
        id: created.id,
        tenantId: 'acme',
        prefix: created.key.slice(0, 10),
        label: 'ERP',
        createdAt: created.createdAt,
      },
    ]);
  });

  it('authenticates created keys to their own tenant only, until revoked', async () => {
    const { keys } = service();
    const a = await keys.create('acme');
    const g = await keys.create('globex');
    expect(await keys.authenticate(a.key)).toBe('acme');
    expect(await keys.authenticate(g.key)).toBe('globex');
    expect(await keys.revoke('globex', a.id)).toBe(false);
    expect(await keys.authenticate(a.key)).toBe('acme');
    expect(await keys.revoke('acme', a.id)).toBe(true);
    expect(await keys.authenticate(a.key)).toBeUndefined();
    expect(await keys.authenticate(`${g.key.slice(0, -1)}x`)).toBeUndefined();
  });

  it('authenticates configured keys, several per tenant', async () => {
    const { keys } = service({
      acme: ['acme-old-key-000000000', 'acme-new-key-000000000'],
      globex: 'globex-key-00000000000',
    });
    expect(await keys.authenticate('acme-old-key-000000000')).toBe('acme');
    expect(await keys.authenticate('acme-new-key-000000000')).toBe('acme');
    expect(await keys.authenticate('globex-key-00000000000')).toBe('globex');
    expect(await keys.authenticate('acme-new-key-00000000')).toBeUndefined();
    expect(await keys.authenticate(undefined)).toBeUndefined();
  });

  it('refuses one key configured for two tenants', () => {
    expect(() =>
      service({ acme: 'shared-key-000000000000', globex: ['x-key-0000000000000000', 'shared-key-000000000000'] }),
    ).toThrow(/same API key is configured for tenants "acme" and "globex"/);
  });

  it('refuses to create a key for a tenant the engine does not serve', async () => {
    await expect(service().keys.create('initech')).rejects.toThrow(/not served/);
  });
});

describe('the plugin’s key options', () => {
  it('rejects a short key at start, naming the path but not the key', () => {
    let error: unknown;
    try {
      sendApi({ keys: { acme: 'short-secret' } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/keys\.acme: API keys must be at least 16 characters/);
    expect(String((error as Error).message)).not.toContain('short-secret');
  });

  it('serves runtime keys created through the registered service', async () => {
    const phone = new PhoneChannel('wa-1', 'globex');
    phone.registered.add('79001234567');
    const { engine, call } = await startApi({ channels: [phone] });
    const created = await engine.container.resolve(ApiKeyServiceToken).create('globex');
    const body = { number: '79001234567', text: 'hi' };
    const ok = await call({ method: 'POST', path: '/api/v1/send-message', key: created.key, body });
    expect(ok.status).toBe(202);
    await engine.container.resolve(ApiKeyServiceToken).revoke('globex', created.id);
    const revoked = await call({ method: 'POST', path: '/api/v1/send-message', key: created.key, body });
    expect(revoked.status).toBe(401);
    // The configured key keeps working next to runtime keys.
    expect((await call({ method: 'GET', path: '/api/v1/messages/x', key: ACME_KEY })).status).toBe(404);
  });
});
