import { SecretBox, VirtualClock } from '@smmbot/core';
import { MemoryKeyValueStore } from '@smmbot/storage-memory';
import { BufferJSON, proto } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { useKvAuthState } from '../src/index.js';
import { SECRET } from './helpers.js';

/** Wraps a kv to see exactly what reaches storage. */
function spyKv() {
  const kv = new MemoryKeyValueStore(new VirtualClock());
  const writes: { tenant: string; key: string; value: unknown }[] = [];
  const set = kv.set.bind(kv);
  kv.set = async (tenant, key, value, ttl) => {
    writes.push({ tenant, key, value });
    return set(tenant, key, value, ttl);
  };
  return { kv, writes };
}

const secrets = new SecretBox(SECRET);

describe('auth state in the KeyValueStore', () => {
  it('round-trips creds (Buffers included) across instances', async () => {
    const { kv } = spyKv();
    const a = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    a.state.creds.registered = true;
    a.state.creds.me = { id: '79990000000:1@s.whatsapp.net', name: 'Shop' };
    await a.saveCreds();
    const b = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    expect(b.state.creds.registered).toBe(true);
    expect(b.state.creds.me?.id).toBe('79990000000:1@s.whatsapp.net');
    expect(Buffer.isBuffer(b.state.creds.noiseKey.private)).toBe(true);
    expect(Buffer.from(b.state.creds.noiseKey.private).equals(Buffer.from(a.state.creds.noiseKey.private))).toBe(true);
    expect(b.state.creds.signedIdentityKey.public).toEqual(a.state.creds.signedIdentityKey.public);
  });

  it('round-trips signal keys of every type, deletes with null, and rebuilds app-state-sync-key protos', async () => {
    const { kv } = spyKv();
    const a = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    const session = new Uint8Array([1, 2, 3, 250]);
    await a.state.keys.set({
      'pre-key': {
        '1': { public: Buffer.from([9, 9]), private: Buffer.from([8, 8]) },
        '2': { public: Buffer.from([1]), private: Buffer.from([2]) },
      },
      session: { 'a.0': session },
      'app-state-sync-key': { AAA: { keyData: new Uint8Array([5, 6]), timestamp: 7 } },
      'lid-mapping': { '79001234567': '1234567890@lid' },
    });
    const b = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    const pre = await b.state.keys.get('pre-key', ['1', '2', '3']);
    expect(Object.keys(pre).sort()).toEqual(['1', '2']);
    expect(Buffer.from(pre['1']!.public)).toEqual(Buffer.from([9, 9]));
    const s = await b.state.keys.get('session', ['a.0']);
    expect(Buffer.from(s['a.0']!)).toEqual(Buffer.from(session));
    const app = await b.state.keys.get('app-state-sync-key', ['AAA']);
    expect(app.AAA).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(app.AAA!.keyData!)).toEqual(Buffer.from([5, 6]));
    expect((await b.state.keys.get('lid-mapping', ['79001234567']))['79001234567']).toBe('1234567890@lid');
    await b.state.keys.set({ 'pre-key': { '1': null } });
    const c = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    expect(Object.keys(await c.state.keys.get('pre-key', ['1', '2']))).toEqual(['2']);
  });

  it('stores only sealed values: no plaintext creds or keys', async () => {
    const { kv, writes } = spyKv();
    const a = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    a.state.creds.me = { id: '79990000000:1@s.whatsapp.net', name: 'PlainShopName' };
    await a.saveCreds();
    await a.state.keys.set({ session: { 'x.0': new Uint8Array([1]) }, 'lid-mapping': { '7900': 'SECRETLID@lid' } });
    expect(writes.length).toBeGreaterThanOrEqual(3);
    const noise = JSON.stringify(a.state.creds.noiseKey.private, BufferJSON.replacer);
    for (const w of writes) {
      expect(typeof w.value).toBe('string');
      expect(SecretBox.isSealed(w.value as string)).toBe(true);
      expect(w.value as string).not.toContain('PlainShopName');
      expect(w.value as string).not.toContain('SECRETLID');
      expect(w.value as string).not.toContain(noise.slice(20, 40));
    }
    // A different key cannot open them.
    const other = new SecretBox('another-secret-that-is-at-least-32-chars!');
    await expect(useKvAuthState({ kv, tenant: 't1', secrets: other, namespace: 'baileys:wa' })).rejects.toThrow();
  });

  it('batches key writes made within one tick and lets reads see the batch', async () => {
    const { kv, writes } = spyKv();
    const a = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    const p1 = a.state.keys.set({ session: { s1: new Uint8Array([1]) } });
    const p2 = a.state.keys.set({ session: { s2: new Uint8Array([2]) } });
    const p3 = a.state.keys.set({ session: { s1: new Uint8Array([3]) } });
    expect(writes).toHaveLength(0);
    const seen = await a.state.keys.get('session', ['s1', 's2']);
    expect(Buffer.from(seen.s1!)).toEqual(Buffer.from([3]));
    await Promise.all([p1, p2, p3]);
    expect(a.batches).toBe(1);
    expect(writes).toHaveLength(2);
    await a.state.keys.set({ session: { s3: new Uint8Array([4]) } });
    expect(a.batches).toBe(2);
  });

  it('keeps tenants apart', async () => {
    const { kv } = spyKv();
    const t1 = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    t1.state.creds.registered = true;
    await t1.saveCreds();
    await t1.state.keys.set({ session: { s: new Uint8Array([1]) } });
    const t2 = await useKvAuthState({ kv, tenant: 't2', secrets, namespace: 'baileys:wa' });
    expect(t2.state.creds.registered).toBe(false);
    expect(await t2.state.keys.get('session', ['s'])).toEqual({});
    expect(Buffer.from(t2.state.creds.noiseKey.private).equals(Buffer.from(t1.state.creds.noiseKey.private))).toBe(
      false,
    );
  });

  it('clear() forgets the login: fresh creds, old keys unreachable', async () => {
    const { kv } = spyKv();
    const a = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    a.state.creds.registered = true;
    await a.saveCreds();
    await a.state.keys.set({ session: { s: new Uint8Array([1]) } });
    await a.clear();
    expect(a.state.creds.registered).toBe(false);
    const b = await useKvAuthState({ kv, tenant: 't1', secrets, namespace: 'baileys:wa' });
    expect(b.state.creds.registered).toBe(false);
    expect(await b.state.keys.get('session', ['s'])).toEqual({});
  });
});
