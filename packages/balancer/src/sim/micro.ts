import type { Channel, Clock, OutboundMessage, SendReceipt } from '@smmbot/core';
import { ChannelRegistry, silentLogger } from '@smmbot/core';
import { LocalBalancer } from '../balancer.js';
import { balancerOptionsSchema, rulesSchema } from '../config.js';
import { freshStats, Phone, pickPhone } from '../phones.js';
import { MemorySendQueue } from '../queue/memory-queue.js';
import { HeapClock } from './clock.js';
import { seeded } from './random.js';
import { DAY } from './rules.js';
import type { SimStorage } from './simulate.js';

const NOW = Date.UTC(2026, 0, 7, 8, 0, 0);

function stubChannel(name: string): Channel {
  return {
    name,
    tenantId: 't1',
    capabilities: { groups: false, typing: true, formatting: 'whatsapp', maxTextLength: 4096, antiBan: true },
    send: async (message: OutboundMessage): Promise<SendReceipt> => ({ message, sentAt: 0 }),
  };
}

/**
 * `n` phones as the balancer holds them mid-day: ages 0–120 days, some sent today, some failures,
 * about a third cooling and a tenth busy, under the default warm-up and a 300 cap.
 */
export function fleet(n: number, seed = 1): Phone[] {
  const rand = seeded(seed);
  const rules = rulesSchema.parse({ maxDailyPerPhone: 300 });
  return Array.from({ length: n }, (_, i) => {
    const stats = freshStats(NOW, NOW - Math.floor(rand() * 120 * DAY));
    stats.todaySent = Math.floor(rand() * 150);
    stats.totalSent = stats.todaySent + Math.floor(rand() * 5_000);
    stats.totalFailed = Math.floor(rand() * 50);
    const phone = new Phone(stubChannel(`p${i}`), rules, stats);
    if (rand() < 0.33) phone.cooldownUntil = NOW + 5_000;
    phone.busy = rand() < 0.1;
    return phone;
  });
}

export interface PickBench {
  phones: number;
  /** µs per call, one figure per run. */
  pickUs: number[];
  reduceUs: number[];
}

/**
 * `pickPhone` over `phones` phones, `iterations` calls per run, against the floor of any
 * selection: a bare `Array.prototype.reduce` argmin over the same Phone objects (on a plain field).
 */
export function benchPickPhone(opts: { phones?: number; runs?: number; iterations?: number } = {}): PickBench {
  const list = fleet(opts.phones ?? 1_000);
  const runs = opts.runs ?? 9;
  const iterations = opts.iterations ?? 2_000;
  const pickUs: number[] = [];
  const reduceUs: number[] = [];
  for (let r = 0; r < runs; r++) {
    pickUs.push(timePick(list, iterations));
    reduceUs.push(timeReduce(list, iterations));
  }
  // Read the sink so the timed loops cannot be optimised away.
  if (sink < 0) throw new Error('unreachable');
  return { phones: list.length, pickUs, reduceUs };
}

let sink = 0;

/** µs per `pickPhone` call over `list`, the clock moving a little between calls. */
function timePick(list: readonly Phone[], iterations: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const pick = pickPhone(list, NOW + (i & 7), { capApplies: true, newContact: true });
    if (pick.kind === 'phone') sink += pick.phone.stats.todaySent;
  }
  return ((performance.now() - t0) * 1e3) / iterations;
}

/** µs per bare argmin over the same objects: the floor of any scan that touches every phone. */
function timeReduce(list: readonly Phone[], iterations: number): number {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const best = list.reduce((b, p) => (p.stats.todaySent < b.stats.todaySent ? p : b));
    sink += best.stats.todaySent;
  }
  return ((performance.now() - t0) * 1e3) / iterations;
}

export interface QueueMemory {
  jobs: number;
  phones: number;
  ms: number;
  rssBeforeMb: number;
  /** The highest RSS seen: sampled every 10,000 jobs and the process's high-water mark. */
  peakRssMb: number;
  rssAfterMb: number;
  heapUsedMb: number;
  /** (peak − before) ÷ jobs. */
  bytesPerJob: number;
}

/**
 * Enqueues `jobs` pool messages (distinct ids, recipients and ~95-character texts) into one tenant
 * of a LocalBalancer over MemorySendQueue, with the clock stopped: everything stays queued.
 * Meant for a fresh process, so that RSS is the balancer's.
 */
export async function fillQueue(opts: {
  jobs: number;
  phones?: number;
  storage: (clock: Clock) => SimStorage;
  gc?: () => void;
}): Promise<QueueMemory> {
  const clock = new HeapClock(NOW);
  const channels = new ChannelRegistry();
  const phones = opts.phones ?? 50;
  for (let i = 0; i < phones; i++) channels.add(stubChannel(`p${i}`));
  const { kv, store } = opts.storage(clock);
  const balancer = new LocalBalancer({
    options: balancerOptionsSchema.parse({ rules: { maxDailyPerPhone: 300 } }),
    queue: new MemorySendQueue(),
    kv,
    store,
    clock,
    logger: silentLogger(),
    channels,
    random: seeded(7),
  });
  await balancer.start(['t1']);
  opts.gc?.();
  const mb = (b: number) => b / 2 ** 20;
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const t0 = performance.now();
  for (let i = 0; i < opts.jobs; i++) {
    // Parsed from a JSON body, as the send API receives it: flat strings, not concatenation ropes.
    const body = `{"id":"job-${i}","tenantId":"t1","channel":"*","route":"pool","chatId":"${77_000_000_000 + i}@s.whatsapp.net","priority":"marketing","text":"Hello! Invoice #${100_000 + i} of ${(i % 997) + 3}.00 USD is due on ${(i % 28) + 1} Feb. Pay: https://pay.example/i/${i.toString(36)}"}`;
    await balancer.enqueue(JSON.parse(body) as OutboundMessage);
    if (i % 10_000 === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  const rssAfter = process.memoryUsage.rss();
  const snap = await balancer.snapshot('t1');
  if (snap.queue.queued + snap.queue.pending + snap.queue.sending < opts.jobs) {
    throw new Error(`fillQueue: ${snap.queue.queued} queued of ${opts.jobs}`);
  }
  return {
    jobs: opts.jobs,
    phones,
    ms,
    rssBeforeMb: mb(rssBefore),
    peakRssMb: mb(peak),
    rssAfterMb: mb(rssAfter),
    heapUsedMb: mb(process.memoryUsage().heapUsed),
    bytesPerJob: (peak - rssBefore) / opts.jobs,
  };
}
