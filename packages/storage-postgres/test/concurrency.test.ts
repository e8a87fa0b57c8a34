import { VirtualClock } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStorage, MIGRATIONS, type PostgresStorage, PgDatabase, runMigrations } from '../src/index.js';
import { adminPool, dropSchema, freshSchema, url } from './helpers.js';

/**
 * Two storages on one schema, each with its own pool: the same as two worker processes, as far as
 * PostgreSQL can tell (separate connections, separate transactions).
 */
const schemas: string[] = [];
const storages: PostgresStorage[] = [];
function twoWorkers(clock = new VirtualClock()): [PostgresStorage, PostgresStorage] {
  const schema = freshSchema();
  schemas.push(schema);
  const make = () => createPostgresStorage({ url, clock, schema, poolMax: 8 });
  const pair: [PostgresStorage, PostgresStorage] = [make(), make()];
  storages.push(...pair);
  return pair;
}
afterEach(async () => {
  for (const s of storages.splice(0)) await s.close();
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

/** `n` calls alternating between the two workers, all started before any finishes. */
const race = <R>(
  pair: [PostgresStorage, PostgresStorage],
  n: number,
  call: (s: PostgresStorage, i: number) => Promise<R>,
) => Promise.all(Array.from({ length: n }, (_, i) => call(pair[i % 2]!, i)));

describe.skipIf(!url)('postgres under concurrent workers', () => {
  it('two workers starting at once migrate the schema exactly once', async () => {
    const [a, b] = twoWorkers();
    await Promise.all([a.ready, b.ready]);
    const ledger = await adminPool().query(`SELECT version FROM "${a.schema}".smmbot_migrations ORDER BY version`);
    expect(ledger.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('runMigrations from five connections at once: the applied counts add up to one run', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const dbs = Array.from({ length: 5 }, () => new PgDatabase({ url, schema, poolMax: 2 }));
    try {
      const applied = await Promise.all(dbs.map((db, i) => runMigrations(db, 1000 + i)));
      expect(applied.reduce((a, b) => a + b, 0)).toBe(MIGRATIONS.length);
      expect(applied.filter((n) => n > 0)).toHaveLength(1);
    } finally {
      await Promise.all(dbs.map((db) => db.end()));
    }
  });

  it('50 concurrent setIfAbsent from two pools: exactly one winner, and its value is stored', async () => {
    const pair = twoWorkers();
    const results = await race(pair, 50, (s, i) => s.kv.setIfAbsent('t', 'dedupe:msg-1', `w${i}`, 60_000));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await pair[1].kv.get('t', 'dedupe:msg-1')).toBe(`w${results.indexOf(true)}`);
  });

  it('50 concurrent setIfAbsent on an expired key: exactly one takes it over', async () => {
    const clock = new VirtualClock();
    const pair = twoWorkers(clock);
    await pair[0].kv.set('t', 'k', 'old', 1000);
    await clock.advance(1000);
    const results = await race(pair, 50, (s, i) => s.kv.setIfAbsent('t', 'k', `w${i}`, 60_000));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('50 concurrent acquireLock from two pools: exactly one holder; after release, one more', async () => {
    const pair = twoWorkers();
    const locks = await race(pair, 50, (s) => s.kv.acquireLock('t', 'job:sync', 30_000));
    const held = locks.filter((l) => l !== undefined);
    expect(held).toHaveLength(1);
    expect(await held[0]!.release()).toBe(true);
    const again = await race(pair, 50, (s) => s.kv.acquireLock('t', 'job:sync', 30_000));
    expect(again.filter((l) => l !== undefined)).toHaveLength(1);
  });

  it('100 concurrent increments from two pools: no update is lost', async () => {
    const pair = twoWorkers();
    const values = await race(pair, 100, (s) => s.kv.increment('t', 'hits', 1, 60_000));
    expect(new Set(values).size).toBe(100);
    expect(Math.max(...values)).toBe(100);
    expect(await pair[0].kv.get('t', 'hits')).toBe(100);
  });

  it('50 concurrent setAdd of one member: one "added"', async () => {
    const pair = twoWorkers();
    const added = await race(pair, 50, (s) => s.kv.setAdd('t', 'seen', 'wamid.1', 60_000));
    expect(added.filter(Boolean)).toHaveLength(1);
    expect(await pair[0].kv.setMembers('t', 'seen')).toEqual(['wamid.1']);
  });

  it('two workers declaring the same collection at once both create it once and see one data set', async () => {
    const pair = twoWorkers();
    type Order = {
      id: string;
      tenantId: string;
      status: string;
      panelUser?: string;
      createdAt?: number;
      note?: string;
    };
    const spec = { name: 'orders', indexes: ['status', ['panelUser', 'createdAt']], search: ['note'] };
    const inserted = await race(pair, 20, (s, i) =>
      s.records
        .collection<Order>(spec)
        .insert('t', { id: `o${i}`, status: 'ok', panelUser: 'u', createdAt: i, note: 'x' }),
    );
    expect(inserted).toHaveLength(20);
    expect(await pair[0].records.collection(spec).count('t')).toBe(20);
    const racers = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        pair[i % 2]!.records.collection<Order>(spec).insert('t', { id: 'dup', status: 'x' }),
      ),
    );
    expect(racers.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of racers) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'E_STORAGE' });
  });

  it('concurrent updates of one record merge instead of overwriting each other', async () => {
    const pair = twoWorkers();
    const col = (s: PostgresStorage) =>
      s.records.collection<{ id: string; tenantId: string } & Record<string, number>>({ name: 'counters' });
    await col(pair[0]).insert('t', { id: 'r' } as never);
    await race(pair, 30, (s, i) => col(s).update('t', 'r', { [`f${i}`]: i }));
    const merged = await col(pair[1]).get('t', 'r');
    expect(Object.keys(merged ?? {}).filter((k) => k.startsWith('f'))).toHaveLength(30);
  });
});
