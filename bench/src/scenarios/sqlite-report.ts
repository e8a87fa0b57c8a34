import { fmt, table } from '../harness.js';
import type { SqliteQueryResult, Stat } from './sqlite-queries.js';

const ms = (s: Stat) => fmt(s.medianMs, 2);
const p99 = (s: Stat) => fmt(s.p99Ms, 2);

/** The scenario's tables: inserts, the search per term against the LIKE anchor, the dashboard pages. */
export function sqliteReport(r: SqliteQueryResult): string {
  const { data, inserts, search, dashboard } = r;
  const lines: string[] = [];
  lines.push(
    `== ${r.name}: SQLite store (temp file, WAL), ${fmt(data.services)} services in t1 (${fmt(data.distinctNames)} ` +
      `distinct names) + ${fmt(data.otherTenantServices)} in t2, ${fmt(data.logs)} logs; times in ms ==`,
  );
  lines.push(
    table([
      [`inserts (upsertMany, ${fmt(inserts.batch)} records per call)`, 'rows/s'],
      ['services (with FTS5 trigram table)', fmt(inserts.servicesPerSec)],
      ['logs (4 indexes)', fmt(inserts.logsPerSec)],
      ['database file + WAL (MB)', fmt(data.dbFileMb, 1)],
    ]),
  );
  lines.push('');
  lines.push(
    `find services where name contains <term>, limit ${search.limit}, with total (FTS) ` +
      `vs the same page + count as a LIKE scan (anchor); ${search.fts.samples / search.terms.length} reps per term`,
  );
  const rows = search.terms.map((t) => [
    t.term,
    fmt(t.total),
    ms(t.fts),
    p99(t.fts),
    ms(t.like),
    p99(t.like),
    fmt(t.ratio, 2),
  ]);
  lines.push(
    table([
      ['term', 'total', 'FTS p50', 'FTS p99', 'LIKE p50', 'LIKE p99', 'FTS/LIKE'],
      ...rows,
      ['all terms', '', ms(search.fts), p99(search.fts), ms(search.like), p99(search.like), fmt(search.ratio, 2)],
    ]),
  );
  lines.push('');
  const w = dashboard.where as { createdAt: { gte: number; lt: number }; action: string; status: string };
  lines.push(
    `dashboard: logs where createdAt in [${new Date(w.createdAt.gte).toISOString().slice(0, 10)}, ` +
      `${new Date(w.createdAt.lt).toISOString().slice(0, 10)}), action "${w.action}", status "${w.status}" ` +
      `(${fmt(dashboard.total)} rows), newest first, limit 50, with total; ${dashboard.count.samples} reps`,
  );
  lines.push(
    table([
      ['query', 'rows', 'p50', 'p99'],
      ...dashboard.pages.map((p) => [`page ${p.page} (offset ${p.page * 50})`, fmt(p.rows), ms(p.find), p99(p.find)]),
      ['pages 0–9', '', ms(dashboard.find), p99(dashboard.find)],
      ['count', fmt(dashboard.total), ms(dashboard.count), p99(dashboard.count)],
    ]),
  );
  lines.push('');
  lines.push('query plans (EXPLAIN QUERY PLAN):');
  for (const [label, steps] of Object.entries(r.plans)) lines.push(`  ${label}: ${steps.join(' / ')}`);
  return lines.join('\n');
}
