import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Collection,
  createLogger,
  type FindQuery,
  hostConfigSchema,
  Tokens,
  utcOffsetMinutes,
  type Where,
} from '@smmbot/core';
import { Host } from '@smmbot/host';
import type { SqliteCollection, SqliteConnection } from '@smmbot/storage-sqlite';
import { LOG_SERIAL_KEY, type LogRecord, LOGS, MessageLogToken, type SupportStatus } from '@smmbot/support';
import { median, percentile } from '../harness.js';
import { DAY, row, times } from './api-logs-data.js';
import { prng } from './sqlite-data.js';

/** What `GET /api/v1/logs` takes (after validation), as the REST logs service reads it. */
export interface LogFilter {
  date?: string;
  action?: string;
  status?: SupportStatus;
  priority?: boolean;
  page: number;
  limit: number;
}

export type WorkerRequest =
  | { op: 'start'; dir: string }
  | { op: 'code'; purpose: string }
  | { op: 'seed'; tenant: string; rows: number; batch: number; days: number; seed: number }
  | { op: 'bare'; tenant: string; filters: LogFilter[]; reps: number }
  | { op: 'cpu' }
  | { op: 'stop' };

export type WorkerReply = { ok: true; value: unknown } | { ok: false; error: string };

export interface SeedFigures {
  rows: number;
  seconds: number;
  rowsPerSec: number;
  dbFileMb: number;
  /** Rows per support status / action / priority, for the report. */
  statuses: Record<string, number>;
  actions: Record<string, number>;
  priority: number;
  firstDay: string;
  lastDay: string;
}

export interface Stat {
  medianMs: number;
  p99Ms: number;
}

export interface BareFigures {
  total: number;
  /** `MessageLog.query`: the page and its `total` (two statements), as the REST route calls it. */
  query: Stat;
  /** The page statement alone (SELECT … ORDER BY … LIMIT/OFFSET), rows not parsed. */
  select: Stat;
  /** The `count(*)` statement alone (the page's `total`). */
  count: Stat;
  plan: { select: string[]; count: string[] };
  sql: { select: { sql: string; params: unknown[] }; count: { sql: string; params: unknown[] } };
}

let host: Host | undefined;
let dataDir = '';
const codes: string[] = [];

const logs = (): Collection<LogRecord> => host!.engine!.container.resolve(Tokens.Store).collection<LogRecord>(LOGS);

async function seed(req: Extract<WorkerRequest, { op: 'seed' }>): Promise<SeedFigures> {
  const rand = prng(req.seed);
  const now = Date.now();
  const all = times(req.rows, req.days, now, rand);
  const collection = logs();
  const statuses: Record<string, number> = {};
  const actions: Record<string, number> = {};
  let priority = 0;
  const t0 = process.hrtime.bigint();
  for (let start = 0; start < req.rows; start += req.batch) {
    const batch = [];
    for (let i = start; i < Math.min(req.rows, start + req.batch); i++) {
      const r = row(i + 1, all[i]!, now, req.tenant, rand);
      statuses[r.supportStatus] = (statuses[r.supportStatus] ?? 0) + 1;
      actions[r.action] = (actions[r.action] ?? 0) + 1;
      if (r.priority) priority++;
      batch.push(r);
    }
    await collection.upsertMany(req.tenant, batch);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // New entries continue after the seeded serials.
  await host!.engine!.container.resolve(Tokens.Kv).increment(req.tenant, LOG_SERIAL_KEY, req.rows);
  const file = (suffix: string) => statSync(join(dataDir, `smmbot.db${suffix}`), { throwIfNoEntry: false })?.size ?? 0;
  return {
    rows: req.rows,
    seconds,
    rowsPerSec: req.rows / seconds,
    dbFileMb: (file('') + file('-wal')) / 2 ** 20,
    statuses,
    actions,
    priority,
    firstDay: new Date(all[0]!).toISOString().slice(0, 10),
    lastDay: new Date(all[req.rows - 1]!).toISOString().slice(0, 10),
  };
}

/** The FindQuery `MessageLog.query` builds for a REST filter (same where, same sort). */
async function findQuery(tenant: string, f: LogFilter): Promise<FindQuery<LogRecord>> {
  const where: Where<LogRecord> = {};
  if (f.action) where.action = f.action;
  if (f.status) where.supportStatus = f.status;
  if (f.priority !== undefined) where.priority = f.priority;
  if (f.date) {
    const config = await host!.engine!.container.resolve(Tokens.TenantConfig).get(tenant);
    const [y, m, d] = f.date.split('-').map(Number) as [number, number, number];
    const from = Date.UTC(y, m - 1, d) - utcOffsetMinutes(config.scheduler_timezone) * 60_000;
    where.createdAt = { gte: from, lt: from + DAY };
  }
  return {
    where,
    sort: [
      { field: 'createdAt', direction: 'desc' },
      { field: 'serial', direction: 'desc' },
    ],
    limit: f.limit,
    offset: (f.page - 1) * f.limit,
  };
}

const stat = (samples: number[]): Stat => ({
  medianMs: median(samples),
  p99Ms: percentile(Float64Array.from(samples).sort(), 99),
});

interface Captured {
  sql: string;
  params: unknown[];
}

/** The statements one call runs on the store's connection (SQL text and parameters, as executed). */
async function capture(collection: Collection<LogRecord>, fn: () => Promise<unknown>): Promise<Captured[]> {
  // The collection's connection is private to storage-sqlite; the bench reads it to report the exact SQL.
  const conn = (collection as unknown as { conn: SqliteConnection }).conn;
  const seen: Captured[] = [];
  const { all, get } = conn;
  conn.all = ((sql: string, params: unknown[] = []) => {
    seen.push({ sql, params });
    return all.call(conn, sql, params);
  }) as typeof all;
  conn.get = ((sql: string, params: unknown[] = []) => {
    seen.push({ sql, params });
    return get.call(conn, sql, params);
  }) as typeof get;
  try {
    await fn();
  } finally {
    conn.all = all;
    conn.get = get;
  }
  return seen;
}

async function bare(req: Extract<WorkerRequest, { op: 'bare' }>): Promise<BareFigures[]> {
  const log = host!.engine!.container.resolve(MessageLogToken);
  const collection = logs() as SqliteCollection<LogRecord>;
  const conn = (collection as unknown as { conn: SqliteConnection }).conn;
  const out: BareFigures[] = [];
  for (const f of req.filters) {
    const q = await findQuery(req.tenant, f);
    const range = q.where?.createdAt as { gte: number; lt: number } | undefined;
    const input = {
      ...(range ? { from: range.gte, to: range.lt } : {}),
      ...(f.action ? { action: f.action } : {}),
      ...(f.status ? { status: f.status } : {}),
      ...(f.priority !== undefined ? { priority: f.priority } : {}),
      page: f.page,
      pageSize: f.limit,
    };
    const [select, count] = await capture(collection, () => log.query(req.tenant, input));
    if (!select || !count) throw new Error('expected a page statement and a count statement');
    const timings = { query: [] as number[], select: [] as number[], count: [] as number[] };
    const time = (into: number[], fn: () => unknown) => {
      const t = process.hrtime.bigint();
      const value = fn();
      into.push(Number(process.hrtime.bigint() - t) / 1e6);
      return value;
    };
    const selectStmt = conn.db.prepare(select.sql);
    const countStmt = conn.db.prepare(count.sql);
    let total = 0;
    for (let i = 0; i < req.reps + 3; i++) {
      const warm = i < 3;
      const sink = { query: [] as number[], select: [] as number[], count: [] as number[] };
      const into = warm ? sink : timings;
      const t = process.hrtime.bigint();
      const page = await log.query(req.tenant, input);
      total = page.total;
      into.query.push(Number(process.hrtime.bigint() - t) / 1e6);
      time(into.select, () => selectStmt.all(...select.params));
      const n = time(into.count, () => (countStmt.get(...count.params) as { n: number }).n);
      // A capped count reads one row past the cap: that one more is what "10,000+" means.
      const expected = page.totalCapped ? total + 1 : total;
      if (n !== expected) throw new Error(`count ${n} differs from the query's total ${total}`);
    }
    out.push({
      total,
      query: stat(timings.query),
      select: stat(timings.select),
      count: stat(timings.count),
      plan: collection.explain(req.tenant, q),
      sql: { select, count },
    });
  }
  return out;
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'start': {
      dataDir = req.dir;
      const logger = createLogger({
        level: 'info',
        destination: {
          // Only the one-time codes are kept (the sign-up reads them); the rest would grow the heap.
          write: (line: string) => {
            if (line.includes('one-time code')) codes.push(line);
          },
        },
      });
      const config = hostConfigSchema.parse({
        dataDir: req.dir,
        storage: { driver: 'sqlite', path: join(req.dir, 'smmbot.db') },
        http: { host: '127.0.0.1', port: 0 },
        simulator: { enabled: false },
        logLevel: 'info',
      });
      host = new Host({ config, cwd: req.dir, logger });
      await host.start();
      return host.url.replace('localhost', '127.0.0.1');
    }
    case 'code': {
      const all = [...codes.join('\n').matchAll(/one-time code (\d{6}) for \S+ \((\w+)\)/g)];
      const code = all.filter((m) => m[2] === req.purpose).at(-1)?.[1];
      if (!code) throw new Error(`no ${req.purpose} code in the host log`);
      return code;
    }
    case 'seed':
      return seed(req);
    case 'bare':
      return bare(req);
    case 'cpu':
      return process.cpuUsage();
    case 'stop':
      await host?.stop();
      host = undefined;
      return true;
  }
}

process.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (value) => process.send!({ ok: true, value } satisfies WorkerReply),
    (err: unknown) =>
      process.send!({
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      } satisfies WorkerReply),
  );
});
