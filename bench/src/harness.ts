import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One prepared round of a scenario: built before the clock starts, torn down after it stops. */
export interface ScenarioRound {
  /** Does the measured work; calls `record` once per message with its latency in nanoseconds. */
  run(record: (ns: number) => void): Promise<void>;
  /** Correctness check after the round (throws when the output is wrong). Not timed. */
  verify?(): void;
  teardown?(): Promise<void>;
}

export interface Scenario {
  name: string;
  /** Messages per round. */
  messages: number;
  /** Builds a fresh round (new engine/bot, new stores) so rounds do not share state. */
  prepare(round: number): Promise<ScenarioRound>;
}

export interface RoundFigures {
  wallMs: number;
  msgPerSec: number;
  /** Messages per second of CPU time (user + system): throughput on one dedicated core, immune to other load. */
  msgPerCpuSec: number;
  cpuUsPerMsg: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  peakRssMb: number;
}

export interface ScenarioResult {
  name: string;
  messages: number;
  rounds: number;
  warmup: number;
  /** Median across the measured rounds of each figure. */
  median: RoundFigures;
  perRound: RoundFigures[];
}

export interface HarnessOptions {
  rounds?: number;
  warmup?: number;
  /** RSS sampling interval. */
  sampleMs?: number;
  /** Called between rounds and before the scenario (e.g. `globalThis.gc`). */
  gc?: () => void;
  log?: (line: string) => void;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile of an already sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Feeds `items` to `handle` the way a busy webhook would: `batch` at a time, all in flight together,
 * yielding to the event loop between batches. Each item's latency is from the call to settlement.
 */
export async function fireInBatches<T>(
  items: readonly T[],
  batch: number,
  handle: (item: T) => Promise<unknown>,
  record: (ns: number) => void,
): Promise<void> {
  const timed = async (item: T): Promise<void> => {
    const start = process.hrtime.bigint();
    await handle(item);
    record(Number(process.hrtime.bigint() - start));
  };
  for (let i = 0; i < items.length; i += batch) {
    await Promise.all(items.slice(i, i + batch).map(timed));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function measureRound(scenario: Scenario, round: number, sampleMs: number): Promise<RoundFigures> {
  const prepared = await scenario.prepare(round);
  const latencies = new Float64Array(scenario.messages);
  let count = 0;
  const record = (ns: number): void => {
    if (count < latencies.length) latencies[count] = ns;
    count++;
  };
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, sampleMs);
  sampler.unref();

  let wallNs: number;
  let cpu: NodeJS.CpuUsage;
  try {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await prepared.run(record);
    wallNs = Number(process.hrtime.bigint() - t0);
    cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (count !== scenario.messages) {
      throw new Error(`${scenario.name}: recorded ${count} latencies, expected ${scenario.messages}`);
    }
    prepared.verify?.();
  } finally {
    clearInterval(sampler);
    await prepared.teardown?.();
  }

  latencies.sort();
  const cpuUs = cpu.user + cpu.system;
  return {
    wallMs: wallNs / 1e6,
    msgPerSec: scenario.messages / (wallNs / 1e9),
    msgPerCpuSec: scenario.messages / (cpuUs / 1e6),
    cpuUsPerMsg: cpuUs / scenario.messages,
    cpuUserMs: cpu.user / 1e3,
    cpuSystemMs: cpu.system / 1e3,
    p50Ms: percentile(latencies, 50) / 1e6,
    p99Ms: percentile(latencies, 99) / 1e6,
    maxMs: latencies[latencies.length - 1]! / 1e6,
    peakRssMb: peakRss / (1024 * 1024),
  };
}

/** Runs `warmup` unmeasured rounds, then `rounds` measured ones; reports per-round figures and medians. */
export async function runScenario(scenario: Scenario, options: HarnessOptions = {}): Promise<ScenarioResult> {
  const rounds = options.rounds ?? 5;
  const warmup = options.warmup ?? 1;
  const sampleMs = options.sampleMs ?? 50;
  const log = options.log ?? (() => {});
  const perRound: RoundFigures[] = [];
  for (let i = 0; i < warmup + rounds; i++) {
    options.gc?.();
    const figures = await measureRound(scenario, i, sampleMs);
    const label = i < warmup ? 'warm-up' : `round ${i - warmup + 1}/${rounds}`;
    log(`  ${scenario.name} ${label}: ${fmt(figures.msgPerSec, 0)} msg/s, ${fmt(figures.cpuUsPerMsg, 1)} µs CPU/msg`);
    if (i >= warmup) perRound.push(figures);
  }
  const keys = Object.keys(perRound[0]!) as (keyof RoundFigures)[];
  const med = Object.fromEntries(keys.map((k) => [k, median(perRound.map((r) => r[k]))])) as unknown as RoundFigures;
  return { name: scenario.name, messages: scenario.messages, rounds, warmup, median: med, perRound };
}

export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Renders rows as an aligned text table; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const line = (r: string[]) =>
    r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

const ROWS: [string, keyof RoundFigures, number][] = [
  ['messages/s (wall clock)', 'msgPerSec', 0],
  ['messages per CPU-second', 'msgPerCpuSec', 0],
  ['wall time (ms)', 'wallMs', 1],
  ['CPU per message (µs)', 'cpuUsPerMsg', 1],
  ['CPU user / system (ms)', 'cpuUserMs', 0],
  ['latency p50 (ms)', 'p50Ms', 2],
  ['latency p99 (ms)', 'p99Ms', 2],
  ['latency max (ms)', 'maxMs', 2],
  ['peak RSS (MB)', 'peakRssMb', 1],
];

/** A table of the scenario's medians next to each round's figure; `targets` adds a column. */
export function resultTable(result: ScenarioResult, targets: Partial<Record<keyof RoundFigures, string>> = {}): string {
  const header = ['', 'median', ...result.perRound.map((_, i) => `r${i + 1}`), 'target'];
  const cell = (r: RoundFigures, key: keyof RoundFigures, digits: number) =>
    key === 'cpuUserMs' ? `${fmt(r.cpuUserMs)} / ${fmt(r.cpuSystemMs)}` : fmt(r[key], digits);
  const rows = ROWS.map(([label, key, digits]) => [
    label,
    cell(result.median, key, digits),
    ...result.perRound.map((r) => cell(r, key, digits)),
    targets[key] ?? '',
  ]);
  return table([header, ...rows]);
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
