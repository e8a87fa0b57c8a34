import { SmmbotError, VirtualClock } from '@smmbot/core';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStorage, MIGRATIONS, PgDatabase, redactUrl, runMigrations } from '../src/index.js';
import { adminPool, dropSchema, freshSchema, openStorage, type TestStorage, url } from './helpers.js';

const PASSWORD = 'pw-s3cret-9f2';
/** The test server trusts loopback, so any password is accepted: good for checking it never leaks. */
const withPassword = (target: string | undefined, port?: number) => {
  const u = new URL(target ?? 'postgresql://postgres@127.0.0.1:5440/postgres');
  u.password = PASSWORD;
  if (port) u.port = String(port);
  return u.toString();
};

const opened: TestStorage[] = [];
const schemas: string[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.cleanup();
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});
const open = async (...args: Parameters<typeof openStorage>) => {
  const s = await openStorage(...args);
  opened.push(s);
  return s;
};

function expectNoSecret(err: unknown): void {
  expect(err).toBeInstanceOf(SmmbotError);
  const message = (err as Error).message;
  expect(message).not.toContain(PASSWORD);
  expect(message).not.toMatch(/postgres(ql)?:\/\//);
}

describe.skipIf(!url)('postgres storage lifecycle', () => {
  it('records migrations once; re-running is a no-op; a newer schema is refused', async () => {
    const { storage, schema, clock } = await open();
    const ledger = () => adminPool().query(`SELECT version, applied_at FROM "${schema}".smmbot_migrations ORDER BY 1`);
    expect((await ledger()).rows).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, applied_at: String(clock.now()) })),
    );
    const db = new PgDatabase({ url, schema });
    try {
      expect(await runMigrations(db, clock.now() + 1)).toBe(0);
      const extra = [
        ...MIGRATIONS,
        { version: 99, description: 'test', sql: (s: string) => `CREATE TABLE ${s}.extra (x int)` },
      ];
      expect(await runMigrations(db, 1, extra)).toBe(1);
      expect(await runMigrations(db, 2, extra)).toBe(0);
    } finally {
      await db.end();
    }
    const newer = createPostgresStorage({ url, schema, clock: new VirtualClock() });
    await expect(newer.ready).rejects.toThrow(/version\(s\) 99 .* newer version/);
    await expect(newer.kv.get('t', 'k')).rejects.toThrow(/version\(s\) 99/);
    // A failed start is not cached: once the cause is gone, the next call starts over and succeeds.
    await adminPool().query(`DELETE FROM "${schema}".smmbot_migrations WHERE version = 99`);
    expect(await newer.kv.get('t', 'k')).toBeUndefined();
    await newer.close();
    expect(await storage.kv.setIfAbsent('t', 'still', 'works')).toBe(true);
  });

  it('a failing migration leaves no partial schema behind', async () => {
    const { schema } = await open();
    const db = new PgDatabase({ url, schema });
    const broken = [
      ...MIGRATIONS,
      {
        version: 2,
        description: 'bad',
        sql: (s: string) => `CREATE TABLE ${s}.half (x int); SELECT nope FROM nowhere`,
      },
    ];
    try {
      await expect(runMigrations(db, 1, broken)).rejects.toMatchObject({ code: 'E_STORAGE' });
      const half = await adminPool().query('SELECT to_regclass($1) AS t', [`"${schema}".half`]);
      expect(half.rows[0].t).toBeNull();
      expect(await runMigrations(db, 1)).toBe(0);
    } finally {
      await db.end();
    }
  });

  it('creates its schema, reports capabilities, and sizes the pool', async () => {
    const { storage, schema } = await open({ poolMax: 3 });
    const exists = await adminPool().query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(exists.rowCount).toBe(1);
    expect(storage.pool.options.max).toBe(3);
    const caps = await storage.ready;
    expect(caps).toMatchObject({ codePointOrder: true, unicodeCaseFolding: true, warnings: [] });
  });

  it('works on a single connection: no call holds one connection while waiting for another', async () => {
    const { storage } = await open({ poolMax: 1 });
    type Row = { id: string; tenantId: string; n: number };
    const rows = storage.records.collection<Row>({ name: 'one', indexes: ['n'], search: ['s'] });
    const calls = await Promise.all([
      rows.upsertMany('t', [{ id: 'a', n: 1 }]),
      rows.find('t', { sort: [{ field: 'n' }], countLimit: 5 }),
      storage.kv.acquireLock('t', 'L', 1000),
      storage.kv.increment('t', 'c'),
      rows.insert('t', { n: 2 }),
    ]);
    expect(calls[0]).toBe(1);
    expect(await rows.count('t')).toBe(2);
    await expect(rows.find('t', { countLimit: 1.5 })).rejects.toThrow(/countLimit/);
  });

  it('data survives close and reopen', async () => {
    const first = await open();
    type Note = { id: string; tenantId: string; title: string };
    const rec = await first.storage.records
      .collection<Note>({ name: 'notes', search: ['title'] })
      .insert('t', { title: 'Durable' });
    await first.storage.kv.set('t', 'k', { v: 1 }, 10_000);
    await first.storage.close();
    expect(first.storage.closed).toBe(true);
    const second = createPostgresStorage({ url, schema: first.schema, clock: first.clock });
    try {
      expect(await second.records.collection<Note>({ name: 'notes' }).get('t', rec.id)).toEqual(rec);
      expect(await second.records.collection<Note>({ name: 'notes' }).count('t', { title: { contains: 'urab' } })).toBe(
        1,
      );
      expect(await second.kv.get('t', 'k')).toEqual({ v: 1 });
    } finally {
      await second.close();
    }
  });

  it('close() ends its own pool; later calls fail with E_STORAGE; closing twice is harmless', async () => {
    const { storage } = await open();
    await storage.records.close();
    expect(storage.closed).toBe(false);
    await storage.kv.close();
    expect(storage.closed).toBe(true);
    expect(storage.pool.ended).toBe(true);
    await storage.close();
    await expect(storage.kv.get('t', 'k')).rejects.toMatchObject({ code: 'E_STORAGE', message: /closed/ });
    await expect(storage.records.collection({ name: 'x' }).count('t')).rejects.toMatchObject({ code: 'E_STORAGE' });
  });

  it('a pool passed in is used and left open on close', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const storage = createPostgresStorage({ pool, schema, clock: new VirtualClock() });
    await storage.kv.set('t', 'k', 1);
    await storage.close();
    expect(pool.ended).toBe(false);
    expect((await pool.query(`SELECT count(*)::int AS n FROM "${schema}".kv`)).rows[0].n).toBe(1);
    await pool.end();
  });

  it('an unreachable server is a SmmbotError with the cause, and no password or URL in the message', async () => {
    const storage = createPostgresStorage({
      url: withPassword(url, 1),
      schema: freshSchema(),
      clock: new VirtualClock(),
    });
    const err = await storage.ready.catch((e: unknown) => e);
    expectNoSecret(err);
    expect(err).toMatchObject({ code: 'E_STORAGE', retryable: true, details: { reason: 'connection' } });
    expect((err as Error).cause).toBeInstanceOf(Error);
    await expect(storage.kv.get('t', 'k')).rejects.toMatchObject({ code: 'E_STORAGE' });
    await storage.close();
  });

  it('a connection lost mid-query is a retryable SmmbotError; the pool then reconnects', async () => {
    const { storage, schema } = await open({ url: withPassword(url) });
    const blocker = await adminPool().connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${schema}".kv IN ACCESS EXCLUSIVE MODE`);
      const pending = storage.kv.get('t', 'k').catch((e: unknown) => e);
      let pid: number | undefined;
      for (let i = 0; i < 100 && pid === undefined; i++) {
        // Not on `blocker`: inside its transaction pg_stat_activity is a snapshot cached at first read.
        const waiting = await adminPool().query(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'smmbot' AND wait_event_type = 'Lock' AND query LIKE $1",
          [`%"${schema}"."kv"%`],
        );
        pid = waiting.rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      expect(pid).toBeDefined();
      await blocker.query('SELECT pg_terminate_backend($1)', [pid]);
      const err = await pending;
      expectNoSecret(err);
      expect(err).toMatchObject({ code: 'E_STORAGE', retryable: true });
      expect((err as Error).cause).toBeDefined();
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    await storage.kv.set('t', 'k', 'back');
    expect(await storage.kv.get('t', 'k')).toBe('back');
  });

  it('rejects a URL that is not postgres:// without echoing it, and a bad schema name', () => {
    const bad = () => createPostgresStorage({ url: `mysql://root:${PASSWORD}@db/x`, clock: new VirtualClock() });
    expect(bad).toThrow(SmmbotError);
    expect(bad).toThrow(/postgres:\/\/user:password@host/);
    try {
      bad();
    } catch (err) {
      expect((err as Error).message).not.toContain(PASSWORD);
    }
    expect(() => createPostgresStorage({ url, schema: 'x; DROP', clock: new VirtualClock() })).toThrow(/schema name/);
    expect(redactUrl(`postgres://bot:${PASSWORD}@db:5432/smm`)).toBe('postgres://bot:***@db:5432/smm');
  });
});
