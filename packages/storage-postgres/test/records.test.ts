import type { StoredRecord } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { adminPool, openStorage, type TestStorage, url } from './helpers.js';

interface Item extends StoredRecord {
  title?: string;
  n?: number;
  note?: string;
  extra?: string;
}

const opened: TestStorage[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.cleanup();
});
const open = async () => {
  const s = await openStorage();
  opened.push(s);
  return s;
};

describe.skipIf(!url)('postgres records and kv beyond the conformance suite', () => {
  it('tenant wall: same ids in two tenants stay apart for every call, records and kv alike', async () => {
    const { storage } = await open();
    const items = storage.records.collection<Item>({ name: 'items', indexes: ['n'] });
    await items.upsertMany('acme', [
      { id: 'a', title: 'acme a', n: 1 },
      { id: 'b', title: 'acme b', n: 2 },
    ]);
    await items.upsertMany('globex', [{ id: 'a', title: 'globex a', n: 1 }]);
    expect((await items.get('globex', 'a'))?.title).toBe('globex a');
    expect(await items.count('globex')).toBe(1);
    expect(await items.find('globex', { where: { tenantId: 'acme' } as never })).toEqual({ items: [], total: 0 });
    expect(await items.update('globex', 'b', { title: 'hacked' })).toBeUndefined();
    expect(await items.delete('globex', 'b')).toBe(false);
    expect((await items.get('acme', 'b'))?.title).toBe('acme b');
    await storage.kv.set('acme', 'k', 1);
    expect(await storage.kv.get('globex', 'k')).toBeUndefined();
    await expect(items.get('', 'a')).rejects.toMatchObject({ code: 'E_STORAGE' });
    await expect(storage.kv.get('', 'k')).rejects.toMatchObject({ code: 'E_STORAGE' });
  });

  it('every statement is parameterised: quotes and SQL in values and keys are just data', async () => {
    const { storage } = await open();
    const items = storage.records.collection<Item>({ name: 'items', search: ['title'] });
    const evil = `'); DROP TABLE kv; -- "x" \\ %_`;
    const rec = await items.insert(evil, { id: evil, title: evil, note: evil });
    expect(await items.get(evil, evil)).toEqual(rec);
    expect(await items.count(evil, { title: evil, note: { in: [evil] } })).toBe(1);
    expect(await items.count(evil, { title: { contains: '"x" \\ %_' } })).toBe(1);
    expect(await items.count(evil, { title: { contains: 'x%' } })).toBe(0);
    await storage.kv.set(evil, evil, evil);
    expect(await storage.kv.get(evil, evil)).toBe(evil);
    expect(() => storage.records.collection({ name: 'x"; DROP' })).toThrow(/invalid collection name/);
    expect(() => storage.records.collection({ name: 'ok', indexes: ["a') --"] })).toThrow(/invalid field name/);
  });

  it('upsertMany: thousands of rows in one transaction, the last of a repeated id wins, all or nothing', async () => {
    const { storage, schema } = await open();
    const items = storage.records.collection<Item>({ name: 'bulk', indexes: ['n'] });
    const rows = Array.from({ length: 4500 }, (_, i) => ({ id: `r${i}`, n: i }));
    expect(await items.upsertMany('t', [...rows, { id: 'r7', n: -7 }])).toBe(4501);
    expect(await items.count('t')).toBe(4500);
    expect((await items.get('t', 'r7'))?.n).toBe(-7);
    // The database rejects the last row (NUL is not allowed in jsonb text): the first batches roll back too.
    const failing = [
      ...Array.from({ length: 4500 }, (_, i) => ({ id: `new${i}`, n: i })),
      { id: 'bad', title: 'a\u0000b' },
    ];
    await expect(items.upsertMany('t', failing)).rejects.toMatchObject({ code: 'E_STORAGE' });
    expect(await items.count('t')).toBe(4500);
    const stored = await adminPool().query(`SELECT count(*)::int AS n FROM "${schema}".c_bulk`);
    expect(stored.rows[0].n).toBe(4500);
  });

  it('update merges in one statement and removes keys patched to undefined', async () => {
    const { storage } = await open();
    const items = storage.records.collection<Item>({ name: 'items' });
    await items.insert('t', { id: 'x', title: 'a', note: 'keep', extra: 'drop' });
    const out = await items.update('t', 'x', { title: 'b', extra: undefined });
    expect(out).toEqual({ id: 'x', tenantId: 't', title: 'b', note: 'keep' });
    expect(await items.get('t', 'x')).toEqual(out);
  });

  it('a value the database cannot hold is an E_STORAGE error, not a crash', async () => {
    const { storage } = await open();
    await expect(storage.kv.set('t', 'k', 'nul \u0000 inside')).rejects.toMatchObject({ code: 'E_STORAGE' });
    await expect(storage.kv.set('t', 'k', undefined)).rejects.toMatchObject({ code: 'E_STORAGE' });
    await expect(storage.kv.increment('t', 'k', Number.NaN)).rejects.toMatchObject({ code: 'E_STORAGE' });
    await storage.kv.set('t', 'text', 'abc');
    await expect(storage.kv.increment('t', 'text')).rejects.toThrow(/not a number/);
    expect(await storage.kv.get('t', 'text')).toBe('abc');
  });

  it('increment uses JavaScript number arithmetic; fractional TTLs and clock times are kept exactly', async () => {
    const { storage, clock } = await open();
    expect(await storage.kv.increment('t', 'f', 0.1)).toBe(0.1);
    expect(await storage.kv.increment('t', 'f', 0.2)).toBe(0.1 + 0.2);
    await storage.kv.set('t', 'half', 1, 1.5);
    await clock.advance(1);
    expect(await storage.kv.get('t', 'half')).toBe(1);
    await clock.advance(0.5);
    expect(await storage.kv.get('t', 'half')).toBeUndefined();
  });

  it('expired values, members and locks are deleted by the periodic sweep', async () => {
    const { storage, clock, schema } = await open();
    await storage.kv.set('t', 'v', 1, 1000);
    await storage.kv.setAdd('t', 's', 'm', 1000);
    await storage.kv.acquireLock('t', 'l', 1000);
    await clock.advance(61_000);
    await storage.kv.set('t', 'trigger', 1);
    const left = await adminPool().query(
      `SELECT (SELECT count(*) FROM "${schema}".kv)::int AS kv, (SELECT count(*) FROM "${schema}".kv_sets)::int AS sets,
              (SELECT count(*) FROM "${schema}".kv_locks)::int AS locks`,
    );
    expect(left.rows[0]).toEqual({ kv: 1, sets: 0, locks: 0 });
  });

  it('sorts strings by code point and mixed null/missing as equals (ties by id), like the other backends', async () => {
    const { storage } = await open();
    const items = storage.records.collection<Item & { s?: string | null }>({ name: 'items', indexes: ['s'] });
    await items.upsertMany('t', [
      { id: '1', s: 'b' },
      { id: '2', s: 'B' },
      { id: '3', s: null },
      { id: '4' },
      { id: '5', s: 'é' },
      { id: '0', s: null },
    ]);
    const asc = await items.find('t', { sort: [{ field: 's' }] });
    expect(asc.items.map((r) => r.id)).toEqual(['0', '3', '4', '2', '1', '5']);
    const desc = await items.find('t', { sort: [{ field: 's', direction: 'desc' }] });
    expect(desc.items.map((r) => r.id)).toEqual(['5', '1', '2', '0', '3', '4']);
  });
});
