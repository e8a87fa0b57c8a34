import { describe, expect, it } from 'vitest';
import type { Collection, FindQuery, StoredRecord, Where } from '../storage.js';
import type { FixtureRef } from './storage-conformance.js';

interface Row extends StoredRecord {
  n?: number;
  s?: string;
  flag?: boolean;
  note?: string | null;
  grp?: string;
}

/** ids a..h; `note` is null on c, missing on d and h; `n` and `s` are missing on h. */
const ROWS: (Omit<Row, 'tenantId'> & { id: string })[] = [
  { id: 'a', n: 1, s: 'alpha', flag: true, note: 'x', grp: 'g1' },
  { id: 'b', n: 2, s: 'Beta', flag: false, note: 'y', grp: 'g1' },
  { id: 'c', n: 3, s: 'gamma', flag: true, note: null, grp: 'g2' },
  { id: 'd', n: 10, s: 'delta', flag: false, grp: 'g2' },
  { id: 'e', n: 0, s: 'ALPHABET', flag: true, note: '50% off', grp: 'g1' },
  { id: 'f', n: -5, s: 'a_b', flag: false, note: 'z', grp: 'g3' },
  { id: 'g', n: 2.5, s: 'beta', flag: true, note: 'w', grp: 'g3' },
  { id: 'h', flag: false, grp: 'g2' },
];

const ids = (items: StoredRecord[]) => items.map((r) => r.id);
const sorted = (items: StoredRecord[]) => ids(items).sort();

/** Every filter operator, sorting and offset paging, on a small fixture. */
export function queryConformance(fixture: FixtureRef): void {
  const col = (): Collection<Row> =>
    fixture().backend.records.collection<Row>({ name: 'conf_rows', indexes: ['n', 's', ['grp', 'n']] });

  const seed = async () => {
    for (const r of ROWS) await col().insert('q', r);
    // Same ids and values in another tenant: every query below must ignore them.
    for (const r of ROWS) await col().insert('q-other', { ...r, grp: 'g1' });
  };
  const match = async (where: Where<Row>) => {
    const page = await col().find('q', { where });
    expect(page.total).toBe(page.items.length);
    expect(await col().count('q', where)).toBe(page.total);
    return sorted(page.items);
  };

  describe('record queries', () => {
    it('bare values and eq mean equality, on strings, numbers and booleans', async () => {
      await seed();
      expect(await match({ s: 'beta' })).toEqual(['g']);
      expect(await match({ s: { eq: 'Beta' } })).toEqual(['b']);
      expect(await match({ n: 2 })).toEqual(['b']);
      expect(await match({ n: { eq: 2.5 } })).toEqual(['g']);
      expect(await match({ flag: true })).toEqual(['a', 'c', 'e', 'g']);
      expect(await match({ flag: { eq: false } })).toEqual(['b', 'd', 'f', 'h']);
      expect(await match({ flag: true, grp: 'g1' })).toEqual(['a', 'e']);
      expect(await match({ id: 'c' })).toEqual(['c']);
      expect(await match({ s: 'nothing' })).toEqual([]);
    });

    it('comparisons are type-strict: booleans are not numbers, numbers are not strings', async () => {
      await seed();
      expect(await match({ n: 1 })).toEqual(['a']);
      expect(await match({ n: 0 })).toEqual(['e']);
      expect(await match({ flag: 1 })).toEqual([]);
      expect(await match({ flag: { in: [0, 1] } })).toEqual([]);
      expect(await match({ n: '1' })).toEqual([]);
      expect(await match({ s: { gt: 0 } })).toEqual([]);
      expect(await match({ n: { gt: '' } })).toEqual([]);
      expect(await match({ flag: { gte: 0 } })).toEqual([]);
    });

    it('null equality matches null and missing fields; ne is the exact complement of eq', async () => {
      await seed();
      expect(await match({ note: null })).toEqual(['c', 'd', 'h']);
      expect(await match({ note: { eq: null } })).toEqual(['c', 'd', 'h']);
      expect(await match({ note: { ne: null } })).toEqual(['a', 'b', 'e', 'f', 'g']);
      expect(await match({ s: { ne: 'beta' } })).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'h']);
      expect(await match({ flag: { ne: true } })).toEqual(['b', 'd', 'f', 'h']);
      expect(await match({ n: { ne: 2 } })).toEqual(['a', 'c', 'd', 'e', 'f', 'g', 'h']);
    });

    it('gt, gte, lt, lte on numbers, combined in one condition', async () => {
      await seed();
      expect(await match({ n: { gt: 2 } })).toEqual(['c', 'd', 'g']);
      expect(await match({ n: { gte: 2 } })).toEqual(['b', 'c', 'd', 'g']);
      expect(await match({ n: { lt: 1 } })).toEqual(['e', 'f']);
      expect(await match({ n: { lte: 1 } })).toEqual(['a', 'e', 'f']);
      expect(await match({ n: { gte: 1, lt: 3 } })).toEqual(['a', 'b', 'g']);
      expect(await match({ n: { gt: -10, lte: -5 } })).toEqual(['f']);
    });

    it('gt, gte, lt, lte on strings compare by code point (case-sensitive)', async () => {
      await seed();
      expect(await match({ s: { gt: 'beta' } })).toEqual(['c', 'd']);
      expect(await match({ s: { gte: 'beta' } })).toEqual(['c', 'd', 'g']);
      expect(await match({ s: { lt: 'a_c' } })).toEqual(['b', 'e', 'f']);
      expect(await match({ s: { lte: 'alpha' } })).toEqual(['a', 'b', 'e', 'f']);
      expect(await match({ s: { gte: 'a', lt: 'c' } })).toEqual(['a', 'f', 'g']);
    });

    it('in matches any listed value; an empty list matches nothing', async () => {
      await seed();
      expect(await match({ s: { in: ['alpha', 'delta', 'nope'] } })).toEqual(['a', 'd']);
      expect(await match({ n: { in: [1, 10, 99] } })).toEqual(['a', 'd']);
      expect(await match({ flag: { in: [false] } })).toEqual(['b', 'd', 'f', 'h']);
      expect(await match({ note: { in: [null, 'x'] } })).toEqual(['a', 'c', 'd', 'h']);
      expect(await match({ grp: { in: ['g3', 'g2'] }, flag: true })).toEqual(['c', 'g']);
      expect(await match({ s: { in: [] } })).toEqual([]);
    });

    it('contains is a case-insensitive substring match; LIKE wildcards are literal', async () => {
      await seed();
      expect(await match({ s: { contains: 'ALPH' } })).toEqual(['a', 'e']);
      expect(await match({ s: { contains: 'eta' } })).toEqual(['b', 'g']);
      expect(await match({ s: { contains: 'a' } })).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      expect(await match({ s: { contains: '_' } })).toEqual(['f']);
      expect(await match({ note: { contains: '%' } })).toEqual(['e']);
      expect(await match({ s: { contains: 'zz' } })).toEqual([]);
      expect(await match({ n: { contains: '1' } })).toEqual([]);
    });

    it('undefined conditions are ignored; unsafe field names are rejected', async () => {
      await seed();
      expect(await match({ s: undefined, grp: 'g3' })).toEqual(['f', 'g']);
      const evil = { "s') OR 1=1 --": 'x' } as Where<Row>;
      await expect(col().find('q', { where: evil })).rejects.toThrow();
      const badSort = { sort: [{ field: 'n; DROP TABLE x' }] } as unknown as FindQuery<Row>;
      await expect(col().find('q', badSort)).rejects.toThrow();
    });

    it('sorts by several fields, asc and desc, missing values first in asc', async () => {
      await seed();
      const byGrpThenN = await col().find('q', {
        sort: [{ field: 'grp' }, { field: 'n', direction: 'desc' }],
      });
      expect(ids(byGrpThenN.items)).toEqual(['b', 'a', 'e', 'd', 'c', 'h', 'g', 'f']);
      const byFlagDescThenS = await col().find('q', {
        sort: [
          { field: 'flag', direction: 'desc' },
          { field: 's', direction: 'asc' },
        ],
      });
      expect(ids(byFlagDescThenS.items)).toEqual(['e', 'a', 'g', 'c', 'h', 'b', 'f', 'd']);
      const byN = await col().find('q', { sort: [{ field: 'n' }] });
      expect(ids(byN.items)).toEqual(['h', 'f', 'e', 'a', 'b', 'g', 'c', 'd']);
      const byNDesc = await col().find('q', { sort: [{ field: 'n', direction: 'desc' }] });
      expect(ids(byNDesc.items)).toEqual(['d', 'c', 'g', 'b', 'a', 'e', 'f', 'h']);
    });

    it('limit and offset page the sorted result; total ignores them', async () => {
      await seed();
      const q = { where: { n: { gte: 0 } }, sort: [{ field: 'n' as const }] };
      const p1 = await col().find('q', { ...q, limit: 2 });
      const p2 = await col().find('q', { ...q, limit: 2, offset: 2 });
      const p3 = await col().find('q', { ...q, limit: 2, offset: 4 });
      const past = await col().find('q', { ...q, limit: 2, offset: 50 });
      expect([p1.total, p2.total, p3.total, past.total]).toEqual([6, 6, 6, 6]);
      expect([ids(p1.items), ids(p2.items), ids(p3.items)]).toEqual([
        ['e', 'a'],
        ['b', 'g'],
        ['c', 'd'],
      ]);
      expect(past.items).toEqual([]);
      expect(ids((await col().find('q', { ...q, offset: 5 })).items)).toEqual(['d']);
      const all = await col().find('q');
      expect(all.total).toBe(ROWS.length);
      expect(sorted(all.items)).toEqual(ROWS.map((r) => r.id).sort());
    });

    it('countLimit caps total and says so; the page itself is unaffected', async () => {
      await seed();
      const q = { where: { n: { gte: 0 } }, sort: [{ field: 'n' as const }] };
      const capped = await col().find('q', { ...q, limit: 2, offset: 4, countLimit: 3 });
      expect(capped).toMatchObject({ total: 3, totalCapped: true });
      expect(ids(capped.items)).toEqual(['c', 'd']);
      const exact = await col().find('q', { ...q, countLimit: 6 });
      expect(exact.total).toBe(6);
      expect(exact.totalCapped).toBeFalsy();
    });
  });
}
