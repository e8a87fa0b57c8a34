import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FindQuery, SystemClock, type Where } from '@smmbot/core';
// Not a declared dependency of the bench (adding one needs a lockfile change): the built package is
// imported by path, and bench/tsconfig.json references it so `tsc -b bench` builds it first.
import { createSqliteStorage, type SqliteCollection } from '@smmbot/storage-sqlite';
import { fmt, median, percentile } from '../harness.js';
import {
  DAY_MS,
  type LogRow,
  LOGS_END,
  LOGS_SPEC,
  loadTemplates,
  makeLogs,
  makeServices,
  SEARCH_TERMS,
  SERVICES_SPEC,
  type ServiceRow,
} from './sqlite-data.js';

export interface SqliteQueryOptions {
  services?: number;
  otherTenantServices?: number;
  logs?: number;
  /** Records per `upsertMany` call (one transaction). */
  batch?: number;
  /** Timed repetitions of every search term (FTS and LIKE each). */
  searchReps?: number;
  /** Timed repetitions of the 10 dashboard pages and the count. */
  dashboardReps?: number;
  gc?: () => void;
  log?: (line: string) => void;
}

export interface Stat {
  medianMs: number;
  p99Ms: number;
  samples: number;
}

export interface SqliteQueryResult {
  name: string;
  data: { services: number; otherTenantServices: number; distinctNames: number; logs: number; dbFileMb: number };
  inserts: { batch: number; servicesPerSec: number; logsPerSec: number };
  search: {
    limit: number;
    terms: { term: string; total: number; fts: Stat; like: Stat; ratio: number }[];
    fts: Stat;
    like: Stat;
    /** Median FTS search ÷ median LIKE scan, over all terms and repetitions. */
    ratio: number;
  };
  dashboard: {
    where: Where<LogRow>;
    total: number;
    pages: { page: number; rows: number; find: Stat }[];
    find: Stat;
    count: Stat;
  };
  plans: Record<string, string[]>;
}

const T1 = 't1';
const T2 = 't2';
const LIMIT = 50;

function stat(samples: number[]): Stat {
  const sorted = Float64Array.from(samples).sort();
  return { medianMs: median(samples), p99Ms: percentile(sorted, 99), samples: samples.length };
}

async function timed<R>(samples: number[], fn: () => Promise<R> | R): Promise<R> {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  return out;
}

const ms = (s: Stat) => `${fmt(s.medianMs, 2)} ms`;

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`sqlite queries: ${message}`);
}

/**
 * The SQLite store at catalogue and dashboard sizes: bulk inserts, `contains` searches on the FTS5
 * trigram table against a LIKE scan of the same table (the anchor), and the paged log query.
 */
export async function runSqliteQueries(options: SqliteQueryOptions = {}): Promise<SqliteQueryResult> {
  const nServices = options.services ?? 100_000;
  const nOther = options.otherTenantServices ?? 5_000;
  const nLogs = options.logs ?? 50_000;
  const batch = options.batch ?? 1_000;
  const searchReps = options.searchReps ?? 12;
  const dashboardReps = options.dashboardReps ?? 40;
  const log = options.log ?? (() => {});

  const templates = loadTemplates();
  const services = makeServices(templates, nServices, 1);
  const others = makeServices(templates, nOther, 2);
  const logRows = makeLogs(nLogs, 3);
  const distinctNames = new Set(services.map((s) => s.name)).size;

  const dir = mkdtempSync(join(tmpdir(), 'smmbot-bench-sqlite-'));
  const file = join(dir, 'bench.db');
  const storage = createSqliteStorage({ path: file, clock: new SystemClock() });
  try {
    const svc = storage.records.collection<ServiceRow>(SERVICES_SPEC);
    const logs = storage.records.collection<LogRow>(LOGS_SPEC);

    /** `upsertMany` in slices of `batch` records (one transaction each), as a catalogue sync does. */
    const insertAll = async <T extends ServiceRow | LogRow>(tenant: string, col: SqliteCollection<T>, rows: T[]) => {
      options.gc?.();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < rows.length; i += batch) await col.upsertMany(tenant, rows.slice(i, i + batch));
      return rows.length / (Number(process.hrtime.bigint() - t0) / 1e9);
    };
    const pad = (i: number) => String(i).padStart(6, '0');
    const withIds = <F extends object>(rows: F[], prefix: string, tenantId: string) =>
      rows.map((r, i) => ({ id: `${prefix}${pad(i)}`, tenantId, ...r }));
    const servicesPerSec = await insertAll(T1, svc, withIds(services, 's', T1));
    await insertAll(T2, svc, withIds(others, 's', T2));
    const logsPerSec = await insertAll(T1, logs, withIds(logRows, 'l', T1));
    check((await svc.count(T1)) === nServices && (await svc.count(T2)) === nOther, 'service rows missing');
    check((await logs.count(T1)) === nLogs, 'log rows missing');
    const dbFileMb =
      [file, `${file}-wal`].reduce((sum, f) => sum + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0) / 2 ** 20;
    log(
      `  sqlite: inserted ${fmt(nServices)} services at ${fmt(servicesPerSec)}/s (+ ${fmt(nOther)} in t2), ` +
        `${fmt(nLogs)} logs at ${fmt(logsPerSec)}/s (${fmt(dbFileMb, 1)} MB)`,
    );

    const search = await measureSearch(storage.connection.db, svc, searchReps, options.gc);
    const { fts, like } = search.result;
    log(`  sqlite: ${SEARCH_TERMS.length} terms × ${searchReps}: FTS ${ms(fts)}, LIKE ${ms(like)} (medians)`);
    const dashboard = await measureDashboard(logs, logRows, dashboardReps, options.gc);
    log(`  sqlite: dashboard pages 0–9 × ${dashboardReps}: ${ms(dashboard.result.find)} (median)`);

    return {
      name: 'sqlite queries',
      data: { services: nServices, otherTenantServices: nOther, distinctNames, logs: nLogs, dbFileMb },
      inserts: { batch, servicesPerSec, logsPerSec },
      search: search.result,
      dashboard: dashboard.result,
      plans: { ...search.plans, ...dashboard.plans },
    };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Db = ReturnType<typeof createSqliteStorage>['connection']['db'];
const plan = (db: Db, sql: string, params: unknown[]) =>
  db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((r) => (r as { detail: string }).detail);

/** `contains` through the store (FTS5 trigram) against the same page + total as a LIKE scan, per term. */
async function measureSearch(db: Db, svc: SqliteCollection<ServiceRow>, reps: number, gc?: () => void) {
  const like = `tenant_id = ? AND json_extract(data, '$.name') LIKE ? ESCAPE '\\'`;
  const pageSql = `SELECT id, data FROM c_services WHERE ${like} ORDER BY id LIMIT ${LIMIT}`;
  const countSql = `SELECT count(*) AS n FROM c_services WHERE ${like}`;
  const pageStmt = db.prepare(pageSql);
  const countStmt = db.prepare(countSql);
  const anyTenant = db.prepare(
    `SELECT count(*) AS n FROM c_services WHERE json_extract(data, '$.name') LIKE ? ESCAPE '\\'`,
  );
  // The anchor does what `find` does: one read transaction, the page parsed into records, the total.
  const likeFind = db.transaction((pattern: string) => {
    const rows = pageStmt.all(T1, pattern) as { id: string; data: string }[];
    const items = rows.map((r) => ({ id: r.id, tenantId: T1, ...(JSON.parse(r.data) as object) }));
    return { items, total: (countStmt.get(T1, pattern) as { n: number }).n };
  });
  const patternOf = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const queryOf = (term: string): FindQuery<ServiceRow> => ({ where: { name: { contains: term } }, limit: LIMIT });

  // Correctness (untimed, also the warm-up): same total and the same page, tenant t2 never leaks in.
  let otherTenantMatches = 0;
  const totals: number[] = [];
  for (const term of SEARCH_TERMS) {
    const fts = await svc.find(T1, queryOf(term));
    const scan = likeFind.deferred(patternOf(term));
    check(fts.total === scan.total, `"${term}": FTS total ${fts.total}, LIKE count ${scan.total} in tenant t1`);
    check(fts.total > 0, `"${term}" matches no service`);
    const ids = (page: { items: { id: string; tenantId: string }[] }) =>
      page.items.map((r) => `${r.tenantId}/${r.id}`).join();
    check(ids(fts) === ids(scan), `"${term}": FTS and LIKE return different first pages`);
    totals.push(fts.total);
    otherTenantMatches += (anyTenant.get(patternOf(term)) as { n: number }).n - scan.total;
  }
  check(otherTenantMatches > 0, 'no term matches tenant t2, so tenant isolation is not exercised');

  gc?.();
  const ftsSamples: number[][] = SEARCH_TERMS.map(() => []);
  const likeSamples: number[][] = SEARCH_TERMS.map(() => []);
  for (let rep = 0; rep < reps; rep++) {
    for (const [t, term] of SEARCH_TERMS.entries()) {
      const fts = () => timed(ftsSamples[t]!, () => svc.find(T1, queryOf(term)));
      const scan = () => timed(likeSamples[t]!, () => likeFind.deferred(patternOf(term)));
      // Alternate which goes first, so neither always runs on the other's warm cache.
      if (rep % 2 === 0) await fts().then(scan);
      else await scan().then(fts);
    }
  }
  const terms = SEARCH_TERMS.map((term, t) => {
    const fts = stat(ftsSamples[t]!);
    const scan = stat(likeSamples[t]!);
    return { term, total: totals[t]!, fts, like: scan, ratio: fts.medianMs / scan.medianMs };
  });
  const fts = stat(ftsSamples.flat());
  const scan = stat(likeSamples.flat());
  const example = svc.explain(T1, queryOf(SEARCH_TERMS[0]!));
  const p = [T1, patternOf(SEARCH_TERMS[0]!)];
  return {
    result: { limit: LIMIT, terms, fts, like: scan, ratio: fts.medianMs / scan.medianMs },
    plans: {
      'search FTS page': example.select,
      'search FTS total': example.count,
      'search LIKE page': plan(db, pageSql, p),
      'search LIKE total': plan(db, countSql, p),
    },
  };
}

/** The dashboard: one week of one action + status, newest first, 50 a page, pages 0–9, and the count. */
async function measureDashboard(
  logs: SqliteCollection<LogRow>,
  rows: ReturnType<typeof makeLogs>,
  reps: number,
  gc?: () => void,
) {
  const from = LOGS_END - 7 * DAY_MS;
  const where: Where<LogRow> = { createdAt: { gte: from, lt: LOGS_END }, action: 'order.status', status: 'resolved' };
  const pageQuery = (page: number): FindQuery<LogRow> => ({
    where,
    sort: [{ field: 'createdAt', direction: 'desc' }],
    limit: LIMIT,
    offset: page * LIMIT,
  });
  const expected = rows
    .map((r, i) => ({ ...r, id: `l${String(i).padStart(6, '0')}` }))
    .filter((r) => r.createdAt >= from && r.createdAt < LOGS_END && r.action === 'order.status')
    .filter((r) => r.status === 'resolved')
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))
    .map((r) => r.id);
  const PAGES = 10;

  for (let page = 0; page < PAGES; page++) {
    const got = await logs.find(T1, pageQuery(page));
    check(got.total === expected.length, `dashboard total ${got.total}, expected ${expected.length}`);
    const want = expected.slice(page * LIMIT, (page + 1) * LIMIT).join();
    check(got.items.map((r) => r.id).join() === want, `dashboard page ${page} has the wrong rows or order`);
  }
  check((await logs.count(T1, where)) === expected.length, 'dashboard count differs from the expected rows');

  gc?.();
  const pageSamples: number[][] = Array.from({ length: PAGES }, () => []);
  const countSamples: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (let page = 0; page < PAGES; page++) await timed(pageSamples[page]!, () => logs.find(T1, pageQuery(page)));
    await timed(countSamples, () => logs.count(T1, where));
  }
  const explained = logs.explain(T1, pageQuery(9));
  return {
    result: {
      where,
      total: expected.length,
      pages: pageSamples.map((s, page) => ({
        page,
        rows: Math.max(0, Math.min(LIMIT, expected.length - page * LIMIT)),
        find: stat(s),
      })),
      find: stat(pageSamples.flat()),
      count: stat(countSamples),
    },
    plans: { 'dashboard page': explained.select, 'dashboard total/count': explained.count },
  };
}
