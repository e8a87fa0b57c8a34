import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BotPlugin, type Clock, Tokens, VirtualClock } from '@smmbot/core';
import {
  LOG_SPEC,
  type LogRow,
  makeLogs,
  SERVICE_SPEC,
  type ServiceRow,
  storageConformance,
} from '@smmbot/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import sqliteStorageDefault, {
  createSqliteStorage,
  MIGRATIONS,
  runMigrations,
  SqliteKeyValueStore,
  SqliteRecordStore,
  sqliteStorage,
} from '../src/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'smmbot-sqlite-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

storageConformance('sqlite (temp file)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'smmbot-sqlite-conf-'));
  const clock = new VirtualClock();
  const backend = createSqliteStorage({ path: path.join(dir, 'nested', 'bot.db'), clock });
  return { backend, clock, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

storageConformance('sqlite (:memory:)', async () => {
  const clock = new VirtualClock();
  return { backend: createSqliteStorage({ path: ':memory:', clock }), clock };
});

describe('sqlite storage', () => {
  it('uses WAL, a busy timeout, and creates parent folders', async () => {
    const file = path.join(tempDir(), 'a', 'b', 'bot.db');
    const s = createSqliteStorage({ path: file, clock: new VirtualClock() });
    expect(s.connection.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.connection.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    await s.close();
    expect(s.closed).toBe(true);
  });

  it('the paged log query searches an index instead of scanning the table', async () => {
    const clock = new VirtualClock();
    const s = createSqliteStorage({ path: path.join(tempDir(), 'plan.db'), clock });
    const logs = s.records.collection<LogRow>(LOG_SPEC);
    for (const r of makeLogs(300)) await logs.insert('acme', r);
    s.connection.db.exec('ANALYZE');
    const plan = logs.explain('acme', {
      where: {
        createdAt: { gte: clock.now(), lt: clock.now() + 3_600_000 },
        action: { in: ['order.create', 'order.refill'] },
        status: 'failed',
        priority: true,
      },
      sort: [{ field: 'createdAt', direction: 'desc' }],
      limit: 20,
      offset: 40,
    });
    for (const lines of [plan.select, plan.count]) {
      expect(lines.join('\n')).toMatch(/SEARCH c_conf_logs USING (COVERING )?INDEX ix_c_conf_logs__/);
      expect(lines.some((l) => /^SCAN c_conf_logs\b/.test(l))).toBe(false);
    }
    const byDate = logs.explain('acme', { sort: [{ field: 'createdAt', direction: 'desc' }], limit: 20 });
    expect(byDate.select.join('\n')).toMatch(/INDEX ix_c_conf_logs__createdAt/);
    await s.close();
  });

  it('contains on a search field uses the FTS5 trigram table for 3+ characters', async () => {
    const s = createSqliteStorage({ path: ':memory:', clock: new VirtualClock() });
    const services = s.records.collection<ServiceRow>(SERVICE_SPEC);
    const long = services.explain('p', { where: { name: { contains: 'tiktok' } } });
    expect(long.select.join('\n')).toMatch(/VIRTUAL TABLE INDEX/);
    const short = services.explain('p', { where: { name: { contains: 'tt' } } });
    expect(short.select.join('\n')).not.toMatch(/VIRTUAL TABLE/);
    await s.close();
  });

  it('data survives close and reopen, including search tables', async () => {
    const file = path.join(tempDir(), 'persist.db');
    const clock = new VirtualClock();
    const first = createSqliteStorage({ path: file, clock });
    const rec = await first.records
      .collection<ServiceRow>(SERVICE_SPEC)
      .insert('t', { name: 'Durable Likes', category: 'x', rate: 1 });
    await first.kv.set('t', 'k', { v: 1 }, 10_000);
    await first.kv.setAdd('t', 'set', 'm', 10_000);
    await first.records.close();
    expect(first.closed).toBe(false);
    await first.kv.close();
    expect(first.closed).toBe(true);

    const second = createSqliteStorage({ path: file, clock });
    const services = second.records.collection<ServiceRow>({ name: SERVICE_SPEC.name });
    expect(await services.get('t', rec.id)).toEqual(rec);
    expect(await services.count('t', { name: { contains: 'durable lik' } })).toBe(1);
    await services.insert('t', { name: 'Fresh Views', category: 'y', rate: 2 });
    expect(await services.count('t', { name: { contains: 'fresh vi' } })).toBe(1);
    expect(await second.kv.get('t', 'k')).toEqual({ v: 1 });
    expect(await second.kv.setHas('t', 'set', 'm')).toBe(true);
    await clock.advance(10_000);
    expect(await second.kv.get('t', 'k')).toBeUndefined();
    await second.close();
  });

  it('migrations are recorded once and re-running them is a no-op', async () => {
    const file = path.join(tempDir(), 'migrate.db');
    const clock = new VirtualClock();
    const first = createSqliteStorage({ path: file, clock });
    const rows = () =>
      first.connection.db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    expect(rows()).toEqual(MIGRATIONS.map((m) => ({ version: m.version, applied_at: clock.now() })));
    expect(runMigrations(first.connection, clock.now() + 1)).toBe(0);
    await first.close();

    const second = createSqliteStorage({ path: file, clock: new VirtualClock(clock.now() + 5000) });
    const again = second.connection.db.prepare('SELECT version, applied_at FROM schema_migrations').all();
    expect(again).toEqual(MIGRATIONS.map((m) => ({ version: m.version, applied_at: clock.now() })));
    const extra = [...MIGRATIONS, { version: 99, description: 'test', sql: 'CREATE TABLE extra_test (x)' }];
    expect(runMigrations(second.connection, 1, extra)).toBe(1);
    expect(runMigrations(second.connection, 2, extra)).toBe(0);
    await second.close();

    expect(() => createSqliteStorage({ path: file, clock })).toThrow(/schema version\(s\) 99/);
  });

  it('a failing migration leaves no partial schema behind', async () => {
    const s = createSqliteStorage({ path: ':memory:', clock: new VirtualClock() });
    const broken = [
      ...MIGRATIONS,
      { version: 2, description: 'bad', sql: 'CREATE TABLE half (x); SELECT nope FROM nowhere' },
    ];
    expect(() => runMigrations(s.connection, 1, broken)).toThrow();
    const half = s.connection.db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get();
    expect(half).toBeUndefined();
    expect(runMigrations(s.connection, 1)).toBe(0);
    await s.close();
  });
});

describe('sqliteStorage plugin', () => {
  it('validates options, defaults the path, and is the default export', () => {
    expect(sqliteStorageDefault).toBe(sqliteStorage);
    expect(sqliteStorage.pluginName).toBe('@smmbot/storage-sqlite');
    expect(sqliteStorage.options.safeParse({})).toEqual({
      success: true,
      data: { path: './.smmbot/smmbot.db' },
    });
    expect(() => sqliteStorage({ path: 42 as unknown as string })).toThrow(
      /plugins\["@smmbot\/storage-sqlite"\]\.options\.path: .*found 42/,
    );
  });

  it('registers a store and kv sharing one database, on the container clock', async () => {
    const file = path.join(tempDir(), 'plugin', 'bot.db');
    const [plugin] = sqliteStorage({ path: file });
    const clock = new VirtualClock();
    const container = fakeContainer(clock);
    plugin?.register?.(container, {});
    const kv = container.resolve(Tokens.Kv);
    const store = container.resolve(Tokens.Store);
    expect(kv).toBeInstanceOf(SqliteKeyValueStore);
    expect(store).toBeInstanceOf(SqliteRecordStore);
    expect(container.resolve(Tokens.Kv)).toBe(kv);
    await kv.set('t', 'k', 1, 1000);
    await clock.advance(1000);
    expect(await kv.get('t', 'k')).toBeUndefined();
    await store.close();
    await kv.close();
    const reopened = container.resolve(Tokens.Kv);
    expect(reopened).not.toBe(kv);
    await reopened.set('t', 'k', 2);
    expect(await reopened.get('t', 'k')).toBe(2);
    await reopened.close();
    await container.resolve(Tokens.Store).close();
  });
});

type Container = Parameters<NonNullable<BotPlugin['register']>>[0];

/** Just enough of tsyringe's container (not a dependency of this package) for register/resolve. */
function fakeContainer(clock: Clock): Container {
  const factories = new Map<unknown, (c: Container) => unknown>();
  const c = {
    register(token: unknown, provider: { useFactory: (c: Container) => unknown }) {
      factories.set(token, provider.useFactory);
      return c;
    },
    resolve(token: unknown) {
      if (token === Tokens.Clock) return clock;
      const factory = factories.get(token);
      if (!factory) throw new Error(`nothing registered for ${String(token)}`);
      return factory(c as unknown as Container);
    },
  };
  return c as unknown as Container;
}
