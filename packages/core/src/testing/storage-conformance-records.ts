import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../storage.js';
import type { FixtureRef } from './storage-conformance.js';

interface Note extends StoredRecord {
  title: string;
  n?: number;
  tags?: string[];
  meta?: { a?: number; b?: number };
  note?: string | null;
}

const notes = { name: 'conf_notes', indexes: ['title'] };

/** insert / upsert / update / get / delete, copies, and the tenant wall around each of them. */
export function recordConformance(fixture: FixtureRef): void {
  const col = () => fixture().backend.records.collection<Note>(notes);

  describe('records', () => {
    it('insert generates distinct ids and stamps the tenant; get returns the record', async () => {
      const a = await col().insert('t1', { title: 'first', n: 1 });
      const b = await col().insert('t1', { title: 'second', n: 2 });
      expect(typeof a.id).toBe('string');
      expect(a.id.length).toBeGreaterThan(0);
      expect(b.id).not.toBe(a.id);
      expect(a).toEqual({ id: a.id, tenantId: 't1', title: 'first', n: 1 });
      expect(await col().get('t1', a.id)).toEqual(a);
      expect(await col().get('t1', 'missing')).toBeUndefined();
    });

    it('insert keeps a given id, rejects a duplicate in the same tenant, allows it in another', async () => {
      await col().insert('t1', { id: 'same', title: 'one' });
      const dup = col().insert('t1', { id: 'same', title: 'two' });
      await expect(dup).rejects.toMatchObject({ code: 'E_STORAGE' });
      expect((await col().get('t1', 'same'))?.title).toBe('one');

      const other = await col().insert('t2', { id: 'same', title: 'other tenant' });
      expect(other).toEqual({ id: 'same', tenantId: 't2', title: 'other tenant' });
      expect((await col().get('t1', 'same'))?.title).toBe('one');
      expect(await col().count('t1')).toBe(1);
      expect(await col().count('t2')).toBe(1);
    });

    it('a tenantId inside the record cannot place it in another tenant', async () => {
      const sneaky = { title: 'sneaky', tenantId: 't2' } as unknown as Note;
      const rec = await col().insert('t1', sneaky);
      expect(rec.tenantId).toBe('t1');
      expect(await col().get('t2', rec.id)).toBeUndefined();
      const up = await col().upsert('t1', { id: 'u', title: 'x', tenantId: 't2' } as unknown as Note);
      expect(up.tenantId).toBe('t1');
      expect(await col().count('t2')).toBe(0);
      const patched = await col().update('t1', rec.id, { tenantId: 't2', id: 'moved' } as Partial<Note>);
      expect(patched).toMatchObject({ id: rec.id, tenantId: 't1' });
      expect(await col().get('t1', rec.id)).toMatchObject({ id: rec.id, tenantId: 't1' });
      expect(await col().get('t2', rec.id)).toBeUndefined();
      expect(await col().get('t1', 'moved')).toBeUndefined();
    });

    it('upsert inserts, then replaces the whole record', async () => {
      const first = await col().upsert('t1', { id: 'k', title: 'v1', n: 1, note: 'keep?' });
      expect(first).toEqual({ id: 'k', tenantId: 't1', title: 'v1', n: 1, note: 'keep?' });
      const second = await col().upsert('t1', { id: 'k', title: 'v2' });
      expect(second).toEqual({ id: 'k', tenantId: 't1', title: 'v2' });
      expect(await col().get('t1', 'k')).toEqual({ id: 'k', tenantId: 't1', title: 'v2' });
      expect(await col().count('t1')).toBe(1);
    });

    it('upsertMany inserts and replaces in bulk, per tenant, and writes nothing when one record is bad', async () => {
      await col().upsert('t1', { id: 'a', title: 'old' });
      const rows = Array.from({ length: 500 }, (_, i) => ({ id: i === 0 ? 'a' : `bulk-${i}`, title: `t${i}`, n: i }));
      expect(await col().upsertMany('t1', rows)).toBe(500);
      expect(await col().count('t1')).toBe(500);
      expect(await col().get('t1', 'a')).toEqual({ id: 'a', tenantId: 't1', title: 't0', n: 0 });
      expect(await col().count('t2')).toBe(0);
      const bad = [
        { id: 'x1', title: 'fine' },
        { id: 'x2', title: 'bad', n: 1n as unknown as number },
      ];
      await expect(col().upsertMany('t1', bad)).rejects.toThrow();
      expect(await col().get('t1', 'x1')).toBeUndefined();
    });

    it('update shallow-merges, persists, and returns undefined for a missing record', async () => {
      const rec = await col().insert('t1', { title: 'a', n: 1, meta: { a: 1, b: 2 }, tags: ['x'] });
      const out = await col().update('t1', rec.id, { n: 5, meta: { a: 9 } });
      expect(out).toEqual({ id: rec.id, tenantId: 't1', title: 'a', n: 5, meta: { a: 9 }, tags: ['x'] });
      expect(await col().get('t1', rec.id)).toEqual(out);
      expect(await col().update('t1', 'nope', { n: 1 })).toBeUndefined();
      expect(await col().get('t1', 'nope')).toBeUndefined();
    });

    it('delete removes once', async () => {
      const rec = await col().insert('t1', { title: 'gone' });
      expect(await col().delete('t1', rec.id)).toBe(true);
      expect(await col().delete('t1', rec.id)).toBe(false);
      expect(await col().get('t1', rec.id)).toBeUndefined();
      expect(await col().count('t1')).toBe(0);
    });

    it('returned records are copies: mutating them or the input does not change the store', async () => {
      const input = { title: 'orig', tags: ['a'], meta: { a: 1 } };
      const rec = await col().insert('t1', input);
      input.tags.push('input-mutated');
      rec.title = 'mutated';
      rec.tags?.push('b');
      if (rec.meta) rec.meta.a = 99;
      const got = await col().get('t1', rec.id);
      expect(got).toEqual({ id: rec.id, tenantId: 't1', title: 'orig', tags: ['a'], meta: { a: 1 } });
      if (got) got.tags?.push('c');
      const page = await col().find('t1');
      page.items[0]?.tags?.push('d');
      expect((await col().get('t1', rec.id))?.tags).toEqual(['a']);
    });

    it('the same collection name returns the same data; different names are separate', async () => {
      await col().insert('t1', { id: 'x', title: 'in notes' });
      const again = fixture().backend.records.collection<Note>({ name: 'conf_notes' });
      expect((await again.get('t1', 'x'))?.title).toBe('in notes');
      const other = fixture().backend.records.collection<Note>({ name: 'conf_other' });
      expect(await other.get('t1', 'x')).toBeUndefined();
      expect(await other.count('t1')).toBe(0);
    });

    it('tenant isolation: another tenant cannot see, count, change or delete a record', async () => {
      const rec = await col().insert('acme', { title: 'secret', n: 7 });
      expect(await col().get('globex', rec.id)).toBeUndefined();
      expect(await col().find('globex')).toEqual({ items: [], total: 0 });
      expect(await col().find('globex', { where: { title: 'secret' } })).toEqual({ items: [], total: 0 });
      const byTenant = { tenantId: 'acme' } as Record<string, string>;
      expect((await col().find('globex', { where: byTenant })).total).toBe(0);
      expect(await col().count('globex')).toBe(0);
      expect(await col().count('globex', { n: { gte: 0 } })).toBe(0);
      expect(await col().update('globex', rec.id, { title: 'hacked' })).toBeUndefined();
      expect(await col().delete('globex', rec.id)).toBe(false);
      expect(await col().get('acme', rec.id)).toEqual(rec);
      expect((await col().find('acme')).items).toEqual([rec]);
      expect((await col().find('acme', { where: byTenant })).total).toBe(1);
    });
  });
}
