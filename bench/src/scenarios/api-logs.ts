import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, percentile, table } from '../harness.js';
import type { BareFigures, LogFilter, SeedFigures, Stat, WorkerReply, WorkerRequest } from './api-logs-worker.js';

export interface ApiLogsOptions {
  /** Message-log rows seeded for the one workspace. */
  rows?: number;
  /** Rows per `upsertMany` call (one transaction). */
  batch?: number;
  /** Days the rows cover, ending now. */
  days?: number;
  /** Sequential requests per query for the latency figures (fewer if `latencyBudgetMs` runs out). */
  requests?: number;
  latencyBudgetMs?: number;
  /** Requests in flight, and requests (or `throughputBudgetMs`) for the requests/s figure. */
  concurrency?: number;
  throughputRequests?: number;
  throughputBudgetMs?: number;
  /** Repetitions of the bare store query (the anchor) per filter. */
  bareReps?: number;
  log?: (line: string) => void;
}

export interface ApiLogsQuery {
  name: string;
  url: string;
  filter?: LogFilter;
  total?: number;
  /** The API capped the total (it shows "10,000+"). */
  capped?: boolean;
  latency: Stat & { samples: number; maxMs: number };
  throughput: { requests: number; perSec: number; serverCpuMsPerRequest: number };
  bare?: BareFigures;
}

export interface ApiLogsResult {
  name: string;
  seed: SeedFigures;
  concurrency: number;
  queries: ApiLogsQuery[];
  targetP99Ms: number;
}

const PHONE = '+8801711555000';
const PASSWORD = 'bench workspace password';

function call<T>(child: ChildProcess, req: WorkerRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`api-logs worker exited (${code}) during ${req.op}`));
    child.once('exit', onExit);
    child.once('message', (reply: WorkerReply) => {
      child.off('exit', onExit);
      if (reply.ok) resolve(reply.value as T);
      else reject(new Error(`api-logs worker, ${req.op}: ${reply.error}`));
    });
    child.send(req);
  });
}

/** One JSON request with the session cookie; returns the status, the parsed body and the cookie set. */
async function request(base: string, method: string, path: string, cookie = '', body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('smmbot_session='));
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, session };
}

const query = (f: LogFilter) => {
  const params = new URLSearchParams();
  if (f.date) params.set('date', f.date);
  if (f.action) params.set('action', f.action);
  if (f.status) params.set('status', f.status === 'ticket created' ? 'ticket_created' : f.status);
  if (f.priority !== undefined) params.set('priority', String(f.priority));
  if (f.page !== 1) params.set('page', String(f.page));
  const text = params.toString();
  return `/api/v1/logs${text ? `?${text}` : ''}`;
};

async function timedGet(base: string, url: string, cookie: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await fetch(base + url, { headers: { cookie } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * 1,000,000 message-log rows of one workspace in a SQLite file, served by the real host over HTTP on
 * loopback (keep-alive, the global fetch): requests/s and latency of `GET /api/v1/logs` pages as the
 * dashboard asks for them, beside `GET /healthz` on the same server and the bare store query.
 */
export async function runApiLogs(options: ApiLogsOptions = {}): Promise<ApiLogsResult> {
  const o = {
    rows: 1_000_000,
    batch: 5_000,
    days: 180,
    requests: 200,
    latencyBudgetMs: 15_000,
    concurrency: 4,
    throughputRequests: 400,
    throughputBudgetMs: 10_000,
    bareReps: 20,
    ...options,
  };
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'smmbot-bench-api-logs-'));
  const worker = fileURLToPath(new URL('./api-logs-worker.js', import.meta.url));
  const child = fork(worker, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    // A workspace created the way a panel owner creates one: sign-up through the API.
    let base = await call<string>(child, { op: 'start', dir });
    await request(base, 'POST', '/api/v1/auth/phone/send', '', { phone: PHONE });
    const otp = await call<string>(child, { op: 'code', purpose: 'signup' });
    const signup = await request(base, 'POST', '/api/v1/auth/phone/verify', '', {
      phone: PHONE,
      otp,
      password: PASSWORD,
      workspaceName: 'Bench SMM',
    });
    const me = await request(base, 'GET', '/api/v1/auth/me', signup.session);
    const tenant = (me.body.workspace as { id: string }).id;

    log(`  api-logs: seeding ${fmt(o.rows)} message-log rows for ${tenant} (upsertMany, ${fmt(o.batch)} a batch)`);
    const seed = await call<SeedFigures>(child, {
      op: 'seed',
      tenant,
      rows: o.rows,
      batch: o.batch,
      days: o.days,
      seed: 7,
    });
    log(`  api-logs: seeded in ${fmt(seed.seconds, 1)} s (${fmt(seed.rowsPerSec)} rows/s), ${fmt(seed.dbFileMb)} MB`);
    // Served by a fresh host on the same file, as after a restart; the owner signs in with the password.
    await call(child, { op: 'stop' });
    base = await call<string>(child, { op: 'start', dir });
    const login = await request(base, 'POST', '/api/v1/auth/login/phone', '', { phone: PHONE, password: PASSWORD });
    const cookie = login.session!;

    const day = (back: number) => new Date(Date.parse(seed.lastDay) - back * 86_400_000).toISOString().slice(0, 10);
    const filters: [string, LogFilter][] = [
      ['a day, open, page 3', { date: day(1), status: 'open', page: 3, limit: 50 }],
      ['a day (30 days ago), page 1', { date: day(30), page: 1, limit: 50 }],
      ['action=refill, page 1', { action: 'refill', page: 1, limit: 50 }],
      ['priority=true, page 50', { priority: true, page: 50, limit: 50 }],
      ['status=open, page 1', { status: 'open', page: 1, limit: 50 }],
      ['no filter, page 1', { page: 1, limit: 50 }],
    ];
    const targets: { name: string; url: string; filter?: LogFilter }[] = [
      ...filters.map(([name, filter]) => ({ name, url: query(filter), filter })),
      { name: 'anchor: GET /healthz', url: '/healthz' },
    ];

    const queries: ApiLogsQuery[] = [];
    for (const t of targets) {
      let total: number | undefined;
      let capped = false;
      if (t.filter) {
        const page = await request(base, 'GET', t.url, cookie);
        total = page.body.total as number;
        capped = page.body.total_capped === true;
        const expected = Math.max(0, Math.min(t.filter.limit, total - (t.filter.page - 1) * t.filter.limit));
        const items = page.body.items as unknown[];
        if (items.length !== expected) throw new Error(`${t.url}: ${items.length} items, expected ${expected}`);
      }
      for (let i = 0; i < 10; i++) await timedGet(base, t.url, cookie);
      const samples: number[] = [];
      const until = Date.now() + o.latencyBudgetMs;
      while (samples.length < o.requests && (samples.length < 30 || Date.now() < until)) {
        samples.push(await timedGet(base, t.url, cookie));
      }
      const sorted = Float64Array.from(samples).sort();
      const cpu0 = await call<NodeJS.CpuUsage>(child, { op: 'cpu' });
      let sent = 0;
      const stopAt = Date.now() + o.throughputBudgetMs;
      const t0 = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: o.concurrency }, async () => {
          while (sent < o.throughputRequests && (sent < o.concurrency * 5 || Date.now() < stopAt)) {
            sent++;
            await timedGet(base, t.url, cookie);
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu1 = await call<NodeJS.CpuUsage>(child, { op: 'cpu' });
      const cpuMs = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / 1e3;
      queries.push({
        name: t.name,
        url: t.url,
        ...(t.filter ? { filter: t.filter, total, capped } : {}),
        latency: {
          medianMs: median(samples),
          p99Ms: percentile(sorted, 99),
          maxMs: sorted[sorted.length - 1]!,
          samples: samples.length,
        },
        throughput: { requests: sent, perSec: sent / seconds, serverCpuMsPerRequest: cpuMs / sent },
      });
      log(`  api-logs: ${t.name}: p50 ${fmt(median(samples), 2)} ms, ${fmt(sent / seconds)} req/s`);
    }

    // The anchor in the same run: the bare store query in the server process, page and count apart.
    const bare = await call<BareFigures[]>(child, {
      op: 'bare',
      tenant,
      filters: filters.map(([, f]) => f),
      reps: o.bareReps,
    });
    bare.forEach((b, i) => {
      const q = queries[i]!;
      if (b.total !== q.total) throw new Error(`${q.url}: the API said ${q.total} rows, the store ${b.total}`);
      q.bare = b;
    });
    await call(child, { op: 'stop' });
    return { name: 'api-logs', seed, concurrency: o.concurrency, queries, targetP99Ms: 50 };
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function apiLogsReport(r: ApiLogsResult): string {
  const s = r.seed;
  const pct = (n: number) => `${fmt((100 * n) / s.rows, 1)}%`;
  const open = s.statuses.open ?? 0;
  const lines = [
    `== API: message logs (${fmt(s.rows)} rows of one workspace in SQLite, real host over HTTP, keep-alive) ==`,
    `data: ${s.firstDay} → ${s.lastDay}; refill ${pct(s.actions.refill ?? 0)}, open ${pct(open)}, ` +
      `priority ${pct(s.priority)}; seeded at ${fmt(s.rowsPerSec)} rows/s, file ${fmt(s.dbFileMb)} MB`,
    '',
    table([
      [
        'GET',
        'rows',
        'p50 ms',
        'p99 ms',
        `req/s (${r.concurrency} in flight)`,
        'server CPU ms/req',
        'store query p50',
        'count(*) p50',
        'page SELECT p50',
        `p99 < ${r.targetP99Ms} ms`,
      ],
      ...r.queries.map((q) => [
        `${q.name}`,
        q.total === undefined ? '' : `${fmt(q.total)}${q.capped ? '+' : ''}`,
        fmt(q.latency.medianMs, 2),
        fmt(q.latency.p99Ms, 2),
        fmt(q.throughput.perSec),
        fmt(q.throughput.serverCpuMsPerRequest, 2),
        q.bare ? fmt(q.bare.query.medianMs, 2) : '',
        q.bare ? fmt(q.bare.count.medianMs, 2) : '',
        q.bare ? fmt(q.bare.select.medianMs, 2) : '',
        q.bare ? (q.latency.p99Ms < r.targetP99Ms ? 'met' : 'MISSED') : '',
      ]),
    ]),
    '',
    'Latency: one request at a time; req/s and server CPU: the same request with several in flight.',
    'Store query: MessageLog.query in the server process (page + total), then each statement alone.',
  ];
  for (const q of r.queries.filter((q) => q.bare && q.latency.p99Ms >= r.targetP99Ms)) {
    const b = q.bare!;
    const share = (100 * b.count.medianMs) / (b.count.medianMs + b.select.medianMs);
    lines.push(
      `MISSED ${q.name}: the total's count(*) is ${fmt(b.count.medianMs, 1)} ms of ${fmt(b.count.medianMs + b.select.medianMs, 1)} ms ` +
        `of SQL (${fmt(share)}%); the page itself ${fmt(b.select.medianMs, 2)} ms.`,
    );
  }
  for (const q of r.queries.filter((q) => q.bare)) {
    const b = q.bare!;
    lines.push('', `${q.name} — ${q.url}`);
    lines.push(`  page:  ${b.sql.select.sql}`, `         params ${JSON.stringify(b.sql.select.params)}`);
    lines.push(`         plan: ${b.plan.select.join(' | ')}`);
    lines.push(`  count: plan: ${b.plan.count.join(' | ')}`);
  }
  return lines.join('\n');
}
