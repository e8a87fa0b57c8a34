import { type PanelClient, type PanelOrder, ResilientPanel, SystemClock } from '@smmbot/core';
import { PerfectPanelAdmin } from '@smmbot/panel-perfectpanel';
import { createPanelSim, type PanelSim } from '@smmbot/panel-sim';
import { fmt, median, percentile, table } from '../harness.js';
import { prng } from './sqlite-data.js';

export interface CoalescingOptions {
  lookups?: number;
  rounds?: number;
  warmup?: number;
  gc?: () => void;
  log?: (line: string) => void;
}

/** One side (coalesced or bare) of one round. */
export interface LookupFigures {
  /** HTTP requests the sim received (`sim.requests.total`). */
  requests: number;
  wallMs: number;
  /** Process CPU (user + system): the client and the in-process sim together. */
  cpuMs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface CoalescingResult {
  name: string;
  lookups: number;
  ids: { distinct: number; known: number; unknown: number; malformed: number; repeatedLookups: number };
  adapter: { concurrency: number; ratePerSecond: number; batchSize: number; defaultRatePerSecond: number };
  rounds: number;
  warmup: number;
  ours: { median: LookupFigures; perRound: LookupFigures[] };
  anchor: { median: LookupFigures; perRound: LookupFigures[] };
  /** Bare ÷ coalesced, of the medians. */
  ratios: { requests: number; wallMs: number; cpuMs: number };
}

const TENANT = 'default';
/** PerfectPanelAdmin's own defaults: 4 requests in flight, 3 started per second, 100 ids per batch. */
const CONCURRENCY = 4;
const DEFAULT_RATE = 3;
const BATCH = 100;
/** The rate cap is lifted for both sides: at 3/s the bare side alone would need over 5 minutes. */
const RATE = 100_000;

/**
 * 1,000 look-ups of ids drawn from the sim's orders with replacement (so some repeat), 15% unknown
 * numeric ids and 1% malformed ones (`1O05`), shuffled. Seeded: the same list every run.
 */
function makeIds(sim: PanelSim, n: number): string[] {
  const rand = prng(7);
  const orders = sim.state.orders;
  const maxId = Math.max(...orders.map((o) => o.id));
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.01) ids.push(`${1000 + Math.floor(rand() * 90)}`.replace('0', 'O'));
    else if (r < 0.16) ids.push(String(maxId + 1 + Math.floor(rand() * 150)));
    else ids.push(String(orders[Math.floor(rand() * orders.length)]!.id));
  }
  return ids;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`panel coalescing: ${message}`);
}

/** Every look-up got its own order (same id, owner, service, link, quantity) or nothing for an unknown id. */
function verify(sim: PanelSim, ids: string[], answers: PanelOrder[][], side: string): void {
  for (const [i, id] of ids.entries()) {
    const got = answers[i]!;
    const want = /^\d+$/.test(id) ? sim.state.getOrder(id) : undefined;
    if (!want) {
      check(got.length === 0, `${side}: look-up ${i} of unknown id ${id} returned ${got.length} order(s)`);
      continue;
    }
    const o = got[0];
    check(got.length === 1 && o !== undefined, `${side}: look-up ${i} of order ${id} returned ${got.length} order(s)`);
    const same =
      o!.id === id &&
      o!.user === want.user &&
      o!.serviceId === String(want.serviceId) &&
      o!.link === want.link &&
      o!.quantity === want.quantity;
    check(same, `${side}: look-up ${i} of order ${id} returned the wrong order (${o!.id}, ${o!.user})`);
  }
}

/** Fires every look-up in the same event-loop turn and waits for all of them. */
async function measure(sim: PanelSim, panel: PanelClient, ids: string[], side: string): Promise<LookupFigures> {
  sim.requests.reset();
  const latencies = new Float64Array(ids.length);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const answers = await Promise.all(
    ids.map(async (id, i) => {
      const start = process.hrtime.bigint();
      const orders = await panel.getOrders([id]);
      latencies[i] = Number(process.hrtime.bigint() - start) / 1e6;
      return orders;
    }),
  );
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const requests = sim.requests.total;
  verify(sim, ids, answers, side);
  latencies.sort();
  return {
    requests,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1e3,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

const medianOf = (rounds: LookupFigures[]): LookupFigures => {
  const keys = Object.keys(rounds[0]!) as (keyof LookupFigures)[];
  return Object.fromEntries(keys.map((k) => [k, median(rounds.map((r) => r[k]))])) as unknown as LookupFigures;
};

/**
 * Single-order look-ups through `ResilientPanel` over `PerfectPanelAdmin` against panel-sim on loopback,
 * and the anchor: the same look-ups through the bare adapter, same sim, same round.
 */
export async function runPanelCoalescing(options: CoalescingOptions = {}): Promise<CoalescingResult> {
  const lookups = options.lookups ?? 1_000;
  const rounds = options.rounds ?? 5;
  const warmup = options.warmup ?? 1;
  const log = options.log ?? (() => {});
  const clock = new SystemClock();
  const sim = createPanelSim({ seed: 1, clock });
  await sim.start();
  try {
    const ids = makeIds(sim, lookups);
    const known = ids.filter((id) => /^\d+$/.test(id) && sim.state.getOrder(id)).length;
    const malformed = ids.filter((id) => !/^\d+$/.test(id)).length;
    const adapter = () =>
      new PerfectPanelAdmin({
        url: sim.url,
        adminKey: sim.adminKey,
        clock,
        concurrency: CONCURRENCY,
        ratePerSecond: RATE,
        batchSize: BATCH,
        timeoutMs: 60_000,
      });
    const ours: LookupFigures[] = [];
    const anchor: LookupFigures[] = [];
    for (let i = 0; i < warmup + rounds; i++) {
      // Fresh adapters every round (new transport queue, batch mode not yet learnt); alternate the order.
      const coalesced = new ResilientPanel(adapter(), { tenant: TENANT, clock, cacheTtlMs: 0 });
      const bare = adapter();
      const runOurs = async () => {
        options.gc?.();
        return measure(sim, coalesced, ids, 'coalesced');
      };
      const runBare = async () => {
        options.gc?.();
        return measure(sim, bare, ids, 'bare adapter');
      };
      let a: LookupFigures;
      let b: LookupFigures;
      if (i % 2 === 0) {
        a = await runOurs();
        b = await runBare();
      } else {
        b = await runBare();
        a = await runOurs();
      }
      await Promise.all([coalesced.close?.(), bare.close()]);
      const label = i < warmup ? 'warm-up' : `round ${i - warmup + 1}/${rounds}`;
      log(
        `  panel coalescing ${label}: ${a.requests} requests in ${fmt(a.wallMs, 1)} ms ` +
          `(bare adapter: ${b.requests} in ${fmt(b.wallMs, 1)} ms)`,
      );
      if (i >= warmup) {
        ours.push(a);
        anchor.push(b);
      }
    }
    const om = medianOf(ours);
    const am = medianOf(anchor);
    return {
      name: 'panel coalescing',
      lookups,
      ids: {
        distinct: new Set(ids).size,
        known,
        unknown: lookups - known,
        malformed,
        repeatedLookups: lookups - new Set(ids).size,
      },
      adapter: { concurrency: CONCURRENCY, ratePerSecond: RATE, batchSize: BATCH, defaultRatePerSecond: DEFAULT_RATE },
      rounds,
      warmup,
      ours: { median: om, perRound: ours },
      anchor: { median: am, perRound: anchor },
      ratios: { requests: am.requests / om.requests, wallMs: am.wallMs / om.wallMs, cpuMs: am.cpuMs / om.cpuMs },
    };
  } finally {
    await sim.stop();
  }
}

/** Seconds a `rate`/s cap (p-queue: `rate` starts per 1 s window) adds to `requests` requests started at once. */
const rateFloor = (requests: number, rate: number) => Math.floor(Math.max(0, requests - 1) / rate);

export function coalescingReport(r: CoalescingResult, targetRequests: number): string {
  const { ours, anchor, ids, adapter } = r;
  const row = (label: string, key: keyof LookupFigures, digits: number, target = '', ratio = true) => [
    label,
    fmt(ours.median[key], digits),
    ...ours.perRound.map((f) => fmt(f[key], digits)),
    fmt(anchor.median[key], digits),
    ratio ? fmt(anchor.median[key] / ours.median[key], 1) : '',
    target,
  ];
  const header = ['', 'coalesced', ...ours.perRound.map((_, i) => `r${i + 1}`), 'bare', 'bare/coal.', 'target'];
  const limited = (f: LookupFigures) => `${fmt(rateFloor(f.requests, adapter.defaultRatePerSecond))} s`;
  return [
    `== ${r.name}: ${fmt(r.lookups)} concurrent getOrders([id]) against panel-sim on loopback ` +
      `(${fmt(ids.distinct)} distinct ids; ${fmt(ids.unknown)} look-ups of unknown ids, ${ids.malformed} of them malformed; ` +
      `medians of ${r.rounds} rounds; every look-up checked) ==`,
    `ResilientPanel(cacheTtlMs 0) over PerfectPanelAdmin vs the bare PerfectPanelAdmin (anchor), both with ` +
      `concurrency ${adapter.concurrency}, batch ${adapter.batchSize}, rate cap lifted to ${fmt(adapter.ratePerSecond)}/s`,
    table([
      header,
      row('HTTP requests to the panel', 'requests', 0, `≤ ${targetRequests}`),
      row('wall time (ms)', 'wallMs', 1),
      row('CPU, client + sim (ms)', 'cpuMs', 0),
      row('latency p50 (ms)', 'p50Ms', 1, '', false),
      row('latency p99 (ms)', 'p99Ms', 1, '', false),
      [
        `rate limit alone at the default ${adapter.defaultRatePerSecond}/s`,
        limited(ours.median),
        ...ours.perRound.map(limited),
        limited(anchor.median),
        '',
        '',
      ],
    ]),
  ].join('\n');
}
