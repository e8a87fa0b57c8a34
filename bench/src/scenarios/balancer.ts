import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Clock } from '@smmbot/core';
import { benchPickPhone, type QueueMemory, type SimConfig, type SimReport, simulate } from '@smmbot/balancer/sim';
import { MemoryKeyValueStore, MemoryRecordStore } from '@smmbot/storage-memory';
import { fmt, median, table } from '../harness.js';

/**
 * The anti-ban balancer on virtual time (`@smmbot/balancer/sim`): simulated weeks of sending with
 * every rule checked over the send log, the time per scheduling decision with 1,000 phones, and
 * the RSS of 1,000,000 queued jobs (in a child process).
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const HOURS = { from: '09:00', to: '21:00', timezone: 'UTC+6' };
const storage = (clock: Clock) => ({ kv: new MemoryKeyValueStore(clock), store: new MemoryRecordStore() });

/** 50 phones aged 0–120 days (2 in each warm-up band below 15 days), 30,000 messages over a week. */
const WEEK: SimConfig = {
  seed: 1,
  days: 7,
  phones: 50,
  maxAgeDays: 120,
  messages: 30_000,
  recipients: 10_000,
  arrivals: { kind: 'daily', timezone: 'UTC+6' },
  rules: { maxDailyPerPhone: 80, workingHours: HOURS },
  rejectRate: 0.01,
  transientRate: 0.005,
  // The oldest phone (the busiest) is banned on day 4 at 12:00 local; the link says so and its sends fail.
  ban: { phone: 49, afterMs: 3 * DAY + 6 * HOUR, mode: 'both' },
};

export interface SimRun {
  name: string;
  phones: number;
  messages: number;
  days: number;
  report: Omit<SimReport, 'attemptLog' | 'decisionLog' | 'capacity'> & {
    capacity: Omit<SimReport['capacity'], 'phoneDays'>;
  };
  cpuMs: number;
}

export interface BalancerResult {
  runs: SimRun[];
  decision: {
    phones: number;
    /** From the balancer's metrics in the 1,000-phone run: mean over all its decisions. */
    metricsUs: number;
    decisions: number;
    pickUs: number[];
    reduceUs: number[];
    pickMedianUs: number;
    reduceMedianUs: number;
  };
  memory: QueueMemory;
}

async function run(name: string, config: SimConfig, log: (line: string) => void): Promise<SimRun> {
  const cpu0 = process.cpuUsage();
  const r = await simulate(config, storage);
  const cpu = process.cpuUsage(cpu0);
  const { attemptLog: _a, decisionLog: _d, capacity, ...rest } = r;
  const { phoneDays: _p, ...cap } = capacity;
  const phones = typeof config.phones === 'number' ? config.phones : config.phones.length;
  log(
    `  ${name}: ${fmt(r.delivered)} delivered of ${fmt(cap.deliverable)} deliverable, ${r.violations.length} violations ` +
      `(${fmt(r.wallMs / 1000, 1)} s wall, ${fmt((cpu.user + cpu.system) / 1e6, 1)} s CPU)`,
  );
  if (r.violations.length)
    for (const v of r.violations.slice(0, 10)) log(`    violation ${v.rule}: ${v.phone ?? ''} ${v.detail}`);
  return {
    name,
    phones,
    messages: config.messages,
    days: config.days,
    report: { ...rest, capacity: cap },
    cpuMs: (cpu.user + cpu.system) / 1e3,
  };
}

/** Forks the worker and returns its figures. */
function queueMemory(jobs: number): Promise<QueueMemory> {
  const worker = fileURLToPath(new URL('./balancer-rss-worker.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = fork(worker, [String(jobs)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (reply: { ok: boolean; value?: QueueMemory; error?: string }) => {
      if (reply.ok && reply.value) resolve(reply.value);
      else reject(new Error(`balancer RSS worker: ${reply.error}`));
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`balancer RSS worker exited with ${code}`));
    });
  });
}

export async function runBalancer(opts: {
  log: (line: string) => void;
  gc?: () => void;
  jobs?: number;
}): Promise<BalancerResult> {
  const { log } = opts;
  log('');
  log('balancer: simulating (virtual time) …');
  const runs: SimRun[] = [];
  runs.push(await run('week, caps bind (80/day)', WEEK, log));
  opts.gc?.();
  runs.push(await run('same, 3 % support replies', { ...WEEK, replyShare: 0.03 }, log));
  opts.gc?.();
  runs.push(
    await run('week, demand binds (150/day)', { ...WEEK, rules: { maxDailyPerPhone: 150, workingHours: HOURS } }, log),
  );
  opts.gc?.();
  const big = await run(
    '1,000 phones, 1 day',
    {
      seed: 2,
      days: 1,
      phones: 1_000,
      messages: 50_000,
      recipients: 50_000,
      arrivals: { kind: 'daily', timezone: 'UTC+6' },
      rules: { maxDailyPerPhone: 150, workingHours: HOURS },
      rejectRate: 0.01,
      transientRate: 0.005,
      ban: { phone: 999, afterMs: 6 * HOUR, mode: 'link' },
    },
    log,
  );
  runs.push(big);
  opts.gc?.();

  log('balancer: pickPhone over 1,000 phones (9 runs × 2,000 calls) …');
  const pick = benchPickPhone({ phones: 1_000, runs: 9, iterations: 2_000 });
  opts.gc?.();

  const jobs = opts.jobs ?? 1_000_000;
  log(`balancer: ${fmt(jobs)} jobs queued in a child process …`);
  const memory = await queueMemory(jobs);
  return {
    runs,
    decision: {
      phones: 1_000,
      metricsUs: big.report.decisionUs,
      decisions: big.report.decisions,
      pickUs: pick.pickUs,
      reduceUs: pick.reduceUs,
      pickMedianUs: median(pick.pickUs),
      reduceMedianUs: median(pick.reduceUs),
    },
    memory,
  };
}

export interface BalancerTargets {
  utilisation: number;
  decisionUs: number;
  rssMb: number;
}

export function balancerReport(r: BalancerResult, targets: BalancerTargets): string {
  const pct = (x: number) => `${fmt(x * 100, 2)} %`;
  const lines: string[] = [];
  lines.push(
    '== Anti-ban balancer (virtual time; 09:00–21:00 UTC+6; 1 % rejected recipients, 0.5 % dropped connections, one phone banned mid-run) ==',
  );
  lines.push(
    table([
      [
        'run',
        'phones',
        'messages',
        'delivered',
        'capacity',
        'utilisation',
        'left over',
        'failed',
        'violations',
        'µs/decision',
        'CPU s',
      ],
      ...r.runs.map((run) => {
        const x = run.report;
        const left = x.unfinished.queued + x.unfinished.pending + x.unfinished.sending;
        return [
          run.name,
          fmt(run.phones),
          fmt(run.messages),
          fmt(x.delivered),
          fmt(x.capacity.deliverable),
          pct(x.utilisation),
          fmt(left),
          fmt(x.failed),
          fmt(x.violations.length),
          fmt(x.decisionUs, 1),
          fmt(run.cpuMs / 1000, 1),
        ];
      }),
    ]),
  );
  lines.push(
    `target: utilisation ≥ ${pct(targets.utilisation)} and 0 violations. Capacity = what caps, windows and pacing allow given ` +
      'arrival times (a max-flow; see docs/benchmarks.md). Why a run falls short of it:',
  );
  for (const run of r.runs) {
    const x = run.report;
    const notes: string[] = [];
    if (x.repliesUnderCap) {
      const net = x.delivered / Math.max(1, x.capacity.deliverable - x.repliesUnderCap);
      notes.push(
        `${fmt(x.repliesUnderCap)} replies counted against caps (${pct(Math.min(1, net))} of the capacity net of them)`,
      );
    }
    if (x.bannedUnused) notes.push(`≤ ${fmt(x.bannedUnused, 0)} of the banned phone's cap unused before its ban`);
    notes.push(`${fmt(x.capacity.capBound)} phone-days cap-bound, ${fmt(x.capacity.paceBound)} pacing-bound`);
    notes.push(`demand ${fmt(x.poolDemand)}, supply ${fmt(x.capacity.supply, 0)}`);
    lines.push(`  ${run.name}: ${notes.join('; ')}`);
  }
  const d = r.decision;
  lines.push('');
  lines.push(`== Scheduling decision with ${fmt(d.phones)} phones ==`);
  lines.push(
    table([
      ['', 'µs', 'target'],
      [
        `balancer metrics, ${fmt(d.decisions)} decisions of the 1,000-phone run (mean)`,
        fmt(d.metricsUs, 2),
        `< ${targets.decisionUs}`,
      ],
      [`pickPhone microbench (median of ${d.pickUs.length} runs)`, fmt(d.pickMedianUs, 2), `< ${targets.decisionUs}`],
      ['anchor: Array.prototype.reduce argmin over the same Phone objects', fmt(d.reduceMedianUs, 2), ''],
      ['pickPhone ÷ anchor', fmt(d.pickMedianUs / d.reduceMedianUs, 1), ''],
    ]),
  );
  lines.push(`  pickPhone per run (µs): ${d.pickUs.map((u) => fmt(u, 1)).join(' ')}`);
  const m = r.memory;
  lines.push('');
  lines.push(`== ${fmt(m.jobs)} jobs queued in one tenant (MemorySendQueue, ${m.phones} phones, child process) ==`);
  lines.push(
    table([
      ['', 'value', 'target'],
      ['peak RSS (MB)', fmt(m.peakRssMb, 1), `< ${fmt(targets.rssMb)}`],
      ['RSS before enqueuing (MB)', fmt(m.rssBeforeMb, 1), ''],
      ['heap used after (MB)', fmt(m.heapUsedMb, 1), ''],
      ['RSS growth per job (bytes)', fmt(m.bytesPerJob), ''],
      ['enqueue time (s)', fmt(m.ms / 1000, 1), ''],
    ]),
  );
  const met = (ok: boolean) => (ok ? 'meets' : 'misses');
  const worst = r.runs.reduce((a, b) => (b.report.utilisation < a.report.utilisation ? b : a));
  const violations = r.runs.reduce((n, x) => n + x.report.violations.length, 0);
  lines.push('');
  lines.push(
    `balancer: ${violations} rule violations; utilisation ${pct(worst.report.utilisation)} at worst (${worst.name}) ` +
      `${met(worst.report.utilisation >= targets.utilisation)} ≥ ${pct(targets.utilisation)}; decision ${fmt(d.metricsUs, 1)} µs (metrics) / ` +
      `${fmt(d.pickMedianUs, 1)} µs (pickPhone) ${met(Math.max(d.metricsUs, d.pickMedianUs) < targets.decisionUs)} < ${targets.decisionUs} µs; ` +
      `${fmt(m.jobs)} queued ${fmt(m.peakRssMb)} MB ${met(m.peakRssMb < targets.rssMb)} < ${fmt(targets.rssMb)} MB. ` +
      'Informational only (a rule violation fails the run).',
  );
  return lines.join('\n');
}
