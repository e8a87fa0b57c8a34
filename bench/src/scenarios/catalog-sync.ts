import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '@smmbot/core';
import { createPanelSim, type PanelSim, type SimService } from '@smmbot/panel-sim';
import { fmt, median, table } from '../harness.js';
import type { Inspection, SyncFigures, WorkerReply, WorkerRequest } from './catalog-sync-worker.js';
import { prng } from './sqlite-data.js';

export interface CatalogSyncOptions {
  services?: number;
  rounds?: number;
  log?: (line: string) => void;
}

/** The 500 changes made in the sim between the two syncs. */
const CHANGES = { renamed: 100, repriced: 100, renamedAndRepriced: 100, added: 100, removed: 100 };
const CHANGED = CHANGES.renamed + CHANGES.repriced + CHANGES.renamedAndRepriced;

export interface CatalogSyncRound {
  baseline: SyncFigures & { requests: number };
  resync: SyncFigures & { requests: number };
  dbFileMb: number;
}

type Figure = Exclude<keyof SyncFigures, 'summary'>;
type Medians = Record<Figure, number>;

export interface CatalogSyncResult {
  name: string;
  services: number;
  changes: typeof CHANGES;
  rounds: number;
  median: { baseline: Medians; resync: Medians; dbFileMb: number };
  perRound: CatalogSyncRound[];
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`catalog sync: ${message}`);
}

interface Expected {
  /** serviceId → what the store must hold after the re-sync (null: never stored). */
  services: Map<string, { name: string; rate: number; isNew: boolean; removed: boolean }>;
  addedIds: string[];
}

/** Renames and/or reprices 300 services, removes 100 and adds 100, in the sim's live state. */
function mutate(sim: PanelSim, seed: number): Expected {
  const list = sim.state.services;
  const rand = prng(seed);
  const picked = new Set<number>();
  while (picked.size < CHANGED + CHANGES.removed) picked.add(Math.floor(rand() * list.length));
  const indexes = [...picked];
  const services: Expected['services'] = new Map();
  const expect = (s: SimService, isNew: boolean, removed: boolean) =>
    services.set(String(s.id), { name: s.name.trim(), rate: Number(s.rate.toFixed(5)), isNew, removed });
  for (const [k, i] of indexes.slice(0, CHANGED).entries()) {
    const s = list[i]!;
    if (k < CHANGES.renamed + CHANGES.renamedAndRepriced) s.name = `${s.name} [v2]`;
    if (k >= CHANGES.renamed) s.rate = s.rate + 0.125;
    expect(s, false, false);
  }
  // Remove from the end so the earlier indexes stay valid.
  const removed = indexes.slice(CHANGED).sort((a, b) => b - a);
  for (const i of removed) expect(list.splice(i, 1)[0]!, false, true);
  let nextId = Math.max(...list.map((s) => s.id));
  const addedIds: string[] = [];
  for (let k = 0; k < CHANGES.added; k++) {
    const template = list[Math.floor(rand() * list.length)]!;
    const s: SimService = { ...template, id: ++nextId, name: `${template.name} | New ${k + 1}`, real: false };
    list.push(s);
    expect(s, true, false);
    addedIds.push(String(s.id));
  }
  return { services, addedIds };
}

/** One request/answer with the worker. */
function call<T>(child: ChildProcess, req: WorkerRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`catalog sync worker exited (${code}) during ${req.op}`));
    child.once('exit', onExit);
    child.once('message', (reply: WorkerReply) => {
      child.off('exit', onExit);
      if (reply.ok) resolve(reply.value as T);
      else reject(new Error(`catalog sync worker, ${req.op}: ${reply.error}`));
    });
    child.send(req);
  });
}

async function syncOnce(child: ChildProcess, sim: PanelSim) {
  sim.requests.reset();
  const figures = await call<SyncFigures>(child, { op: 'sync' });
  return { ...figures, requests: sim.requests.total };
}

async function runRound(services: number, round: number): Promise<CatalogSyncRound> {
  const sim = createPanelSim({ seed: 1, serviceCount: services, clock: new SystemClock() });
  const dir = mkdtempSync(join(tmpdir(), 'smmbot-bench-catalog-'));
  const worker = fileURLToPath(new URL('./catalog-sync-worker.js', import.meta.url));
  let child: ChildProcess | undefined;
  try {
    await sim.start();
    check(sim.state.services.length === services, `the sim has ${sim.state.services.length} services`);
    child = fork(worker, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await call(child, { op: 'open', url: `${sim.url}/api/v2`, key: sim.apiKey, dbPath: join(dir, 'bot.db') });

    const baseline = await syncOnce(child, sim);
    const b = baseline.summary;
    check(b.baseline && b.added === services, `baseline sync added ${b.added} of ${services} services`);
    check(b.changed === 0 && b.removed === 0 && b.isNew.length === 0, 'baseline sync changed, removed or tagged');

    const expected = mutate(sim, 100 + round);
    const resync = await syncOnce(child, sim);
    const r = resync.summary;
    const want = { added: CHANGES.added, changed: CHANGED, removed: CHANGES.removed };
    const got = { added: r.added, changed: r.changed, removed: r.removed };
    check(
      JSON.stringify(got) === JSON.stringify(want),
      `re-sync ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`,
    );
    check(!r.baseline && r.unchanged === services - CHANGED - CHANGES.removed, `re-sync unchanged ${r.unchanged}`);
    check([...r.isNew].sort().join() === [...expected.addedIds].sort().join(), 're-sync tagged the wrong services new');

    const ids = [...expected.services.keys()];
    const stored = await call<Inspection>(child, { op: 'inspect', serviceIds: ids });
    check(stored.rows === services + CHANGES.added, `${stored.rows} service rows stored`);
    check(stored.active === services && stored.removed === CHANGES.removed, 'wrong active/removed counts in the store');
    check(stored.isNew === CHANGES.added, `${stored.isNew} services tagged new in the store`);
    for (const [id, e] of expected.services) {
      const s = stored.services[id];
      const ok = s && s.name === e.name && s.rate === e.rate && s.isNew === e.isNew && s.removed === e.removed;
      check(!!ok, `service ${id} stored as ${JSON.stringify(s)}, expected ${JSON.stringify(e)}`);
    }
    await call(child, { op: 'close' });
    return { baseline, resync, dbFileMb: stored.dbFileMb };
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill();
      await exited;
    }
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const FIGURES: Figure[] = ['wallMs', 'fetchMs', 'cpuMs', 'rssBeforeMb', 'peakRssMb', 'maxRssMb', 'heapUsedAfterMb'];
const medians = (rows: SyncFigures[]): Medians =>
  Object.fromEntries(FIGURES.map((k) => [k, median(rows.map((r) => r[k]))])) as Medians;

/**
 * A provider catalog of 20,000 services served by panel-sim's `/api/v2`, synced by ProviderService
 * (default SmmApi connector) into a temp-file SQLite store in a child process: the baseline sync,
 * then a re-sync after 500 changes. Fresh sim, store and child every round.
 */
export async function runCatalogSync(options: CatalogSyncOptions = {}): Promise<CatalogSyncResult> {
  const services = options.services ?? 20_000;
  const rounds = options.rounds ?? 3;
  const log = options.log ?? (() => {});
  check(services >= 2 * (CHANGED + CHANGES.removed), `${services} services are too few for ${CHANGED} changes`);
  const perRound: CatalogSyncRound[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = await runRound(services, i);
    log(
      `  catalog sync round ${i + 1}/${rounds}: baseline ${fmt(r.baseline.wallMs)} ms, ` +
        `${fmt(r.baseline.peakRssMb, 1)} MB; re-sync ${fmt(r.resync.wallMs)} ms, ${fmt(r.resync.peakRssMb, 1)} MB`,
    );
    perRound.push(r);
  }
  return {
    name: 'catalog sync',
    services,
    changes: CHANGES,
    rounds,
    median: {
      baseline: medians(perRound.map((r) => r.baseline)),
      resync: medians(perRound.map((r) => r.resync)),
      dbFileMb: median(perRound.map((r) => r.dbFileMb)),
    },
    perRound,
  };
}

export function catalogSyncReport(r: CatalogSyncResult, targets: { resyncMs: number; rssMb: number }): string {
  const rows: [string, Figure, number, string][] = [
    ['wall time (ms)', 'wallMs', 0, `re-sync < ${fmt(targets.resyncMs)}`],
    ['  of which services() fetch + parse (ms)', 'fetchMs', 0, ''],
    ['CPU, user + system (ms)', 'cpuMs', 0, ''],
    ['RSS before the sync (MB)', 'rssBeforeMb', 1, ''],
    ['peak RSS during the sync (MB)', 'peakRssMb', 1, `< ${fmt(targets.rssMb)}`],
    ['RSS high-water since start (MB)', 'maxRssMb', 1, ''],
    ['heap used after (MB)', 'heapUsedAfterMb', 1, ''],
  ];
  const line = ([label, key, digits, target]: (typeof rows)[number]) => [
    label,
    fmt(r.median.baseline[key], digits),
    fmt(r.median.resync[key], digits),
    ...r.perRound.map((p) => fmt(p.resync[key], digits)),
    target,
  ];
  const last = r.perRound[r.perRound.length - 1]!;
  const s = last.resync.summary;
  const c = r.changes;
  return [
    `== ${r.name}: ${fmt(r.services)} services from panel-sim /api/v2, ProviderService (default SmmApi connector) ` +
      `into a temp-file SQLite store, in a child process; medians of ${r.rounds} rounds ==`,
    `re-sync after ${c.renamed} renamed, ${c.repriced} repriced, ${c.renamedAndRepriced} renamed + repriced, ` +
      `${c.added} added, ${c.removed} removed; summary: added ${s.added}, changed ${s.changed}, removed ${s.removed}, ` +
      `unchanged ${fmt(s.unchanged)} (checked, and every changed row read back); ` +
      `${last.resync.requests} panel requests per sync; database file + WAL ${fmt(r.median.dbFileMb, 1)} MB`,
    table([['', 'baseline', 're-sync', ...r.perRound.map((_, i) => `re-sync r${i + 1}`), 'target'], ...rows.map(line)]),
  ].join('\n');
}
