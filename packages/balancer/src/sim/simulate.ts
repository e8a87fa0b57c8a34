import {
  type Clock,
  ChannelRegistry,
  type KeyValueStore,
  QuotaError,
  type RecordStore,
  silentLogger,
} from '@smmbot/core';
import { LocalBalancer } from '../balancer.js';
import { type BalancerOptions, balancerOptionsSchema } from '../config.js';
import type { Decision } from '../dispatcher.js';
import type { Entry } from '../lanes.js';
import type { Phone } from '../phones.js';
import { MemorySendQueue } from '../queue/memory-queue.js';
import type { DecisionMetrics } from '../tenant.js';
import type { JobState } from '../types.js';
import { type Capacity, capacity } from './capacity.js';
import { type CheckedPhone, checkRun, type DecisionRecord, type Violation } from './checker.js';
import { HeapClock } from './clock.js';
import { type Attempt, SimLog, SimPhone } from './phone.js';
import { seeded } from './random.js';
import { capAt, DAY, Hours, rulesFor, utcDayOf } from './rules.js';
import { type PlannedMessage, planMessages } from './workload.js';

/** When messages arrive. Times are UTC; `hourly` weights are per hour of the day in `timezone`. */
export type ArrivalPattern =
  /** Evenly at random over the whole run. */
  | { kind: 'uniform' }
  /** Each day by an hourly profile (default: office hours, a trickle at night). */
  | { kind: 'daily'; hourly?: readonly number[]; timezone?: string }
  /** Campaigns: `perDay` broadcasts a day at random times (by the hourly profile), all messages of one at once. */
  | { kind: 'bursts'; perDay: number; hourly?: readonly number[]; timezone?: string }
  /** Everything queued at the start (a backlog). */
  | { kind: 'upfront' };

export interface SimPhoneSpec {
  /** Age in days at the start of the run (the number was registered that long before). */
  ageDays: number;
  /** This phone's own daily cap (warm-up still applies). */
  dailyLimit?: number | null;
}

export interface SimConfig {
  seed: number;
  /** UTC ms; default Monday 2026-01-05 00:00 UTC. */
  start?: number;
  /** Messages arrive over this many days; the run stops at the end of the last one. */
  days: number;
  /** A number: that many phones with ages spread evenly over 0…`maxAgeDays` (whole days). */
  phones: number | readonly SimPhoneSpec[];
  maxAgeDays?: number;
  messages: number;
  recipients: number;
  arrivals: ArrivalPattern;
  /** Balancer rules (the `rules` section of the plugin options, partial). */
  rules?: Record<string, unknown>;
  /** Other balancer options (`maxInFlightSends`, `maxAttempts`, `alerts`). */
  options?: Record<string, unknown>;
  /** Share of recipients without an account: every message to them is rejected (never deliverable). */
  rejectRate?: number;
  /** Share of send attempts that fail with a dropped connection (retried). */
  transientRate?: number;
  /** Share of messages that are support replies, sticky to the phone the customer wrote to. */
  replyShare?: number;
  /** Message text length, uniform in [min, max]. Default 40–160. */
  textLength?: { min: number; max: number };
  /** The platform bans one phone mid-run (index into the phones, or its name). */
  ban?: { phone: number | string; afterMs: number; mode: 'link' | 'error' | 'both' };
  /** Keep every decision that consulted the phones, for the choice check (small runs only). */
  recordDecisions?: boolean;
  tenant?: string;
  /** The virtual clock; default a HeapClock. Anything with `advanceTo` (core's VirtualClock) works. */
  clock?: (start: number) => Clock & { advanceTo(time: number): Promise<void> };
}

export interface SimStorage {
  kv: KeyValueStore;
  store: RecordStore;
}

export interface SimReport {
  phones: { name: string; ageDays: number; sent: number; failed: number; banned: boolean }[];
  messages: number;
  /** Pool messages any phone could send (valid recipient, not refused at enqueue). */
  poolDemand: number;
  replies: number;
  /** Sent pool messages; replies separately. */
  delivered: number;
  repliesDelivered: number;
  failed: number;
  /** Not finished at the end: waiting for their turn (`queued`), deferred (`pending`), in flight (`sending`). */
  unfinished: { queued: number; pending: number; sending: number };
  refused: number;
  attempts: number;
  capacity: Capacity;
  /**
   * Replies sent while their phone was under its cap: they count toward `todaySent` like any send,
   * so each took one message of that day's cap from pool traffic (the capacity does not charge them).
   */
  repliesUnderCap: number;
  /**
   * What the capacity credits the banned phone with on the day of its ban, minus what it sent that
   * day: a scheduler that knew of the ban could have front-loaded it; the balancer cannot know.
   */
  bannedUnused: number;
  /** delivered ÷ capacity.deliverable (1 when nothing was deliverable). */
  utilisation: number;
  violations: Violation[];
  decisions: number;
  /** Mean time per scheduling decision (µs), from the balancer's own metrics. */
  decisionUs: number;
  /** Timers fired and wall time of the run (the simulator's own cost). */
  timers: number;
  wallMs: number;
  /** Every send attempt, in order. */
  attemptLog: Attempt[];
  decisionLog?: DecisionRecord[];
}

const DEFAULT_START = Date.UTC(2026, 0, 5, 0, 0, 0);
/**
 * Runs the balancer over simulated days on virtual time: phones of mixed ages, messages arriving
 * by a pattern, rejected recipients, dropped connections and a ban, then checks the send log
 * against the rules and sets the delivered count against what the rules allow (see capacity.ts).
 * `storage` builds the kv and record store on the run's clock (tests and the bench pass
 * `@smmbot/storage-memory`).
 */
export async function simulate(config: SimConfig, storage: (clock: Clock) => SimStorage): Promise<SimReport> {
  const wall0 = performance.now();
  const tenant = config.tenant ?? 't1';
  const start = config.start ?? DEFAULT_START;
  const end = start + config.days * DAY;
  const rand = seeded(config.seed);
  const clock = config.clock?.(start) ?? new HeapClock(start);
  const log = new SimLog();

  const specs = phoneSpecs(config);
  const names = specs.map((_, i) => `p${String(i + 1).padStart(String(specs.length).length, '0')}`);
  const registeredAt = specs.map((s) => start - Math.round(s.ageDays * DAY));
  const options: BalancerOptions = balancerOptionsSchema.parse({
    ...config.options,
    rules: config.rules ?? {},
    phones: Object.fromEntries(
      specs.map((s, i) => [
        names[i],
        { registeredAt: registeredAt[i], ...(s.dailyLimit !== undefined ? { dailyLimit: s.dailyLimit } : {}) },
      ]),
    ),
  });

  const plan = planMessages(config, tenant, start, end, names, rand);
  const invalid = new Set(plan.filter((m) => !m.valid).map((m) => m.message.chatId));
  const channels = new ChannelRegistry();
  const phoneRandom = seeded(config.seed ^ 0x5bd1e995);
  const phones = names.map(
    (name) =>
      new SimPhone(name, tenant, clock, log, {
        invalid,
        transientRate: config.transientRate ?? 0,
        random: phoneRandom,
      }),
  );
  for (const p of phones) channels.add(p);

  const { kv, store } = storage(clock);
  const queue = new MemorySendQueue();
  const decisionLog: DecisionRecord[] | undefined = config.recordDecisions ? [] : undefined;
  const metrics: DecisionMetrics = { decisions: 0, decisionNs: 0 };
  if (decisionLog) metrics.onDecision = (e, d, now, list) => record(decisionLog, log, e, d, now, list);
  const balancer = new LocalBalancer({
    options,
    queue,
    kv,
    store,
    clock,
    logger: silentLogger(),
    channels,
    random: seeded(config.seed ^ 0x9e3779b9),
    metrics,
  });
  await balancer.start([tenant]);

  let refused = 0;
  const refusedIds = new Set<string>();
  const enqueue = (m: PlannedMessage) =>
    balancer.enqueue(m.message).catch((err: unknown) => {
      if (!(err instanceof QuotaError)) throw err;
      refused++;
      refusedIds.add(m.message.id);
    });
  let next = 0;
  const arrive = () => {
    const now = clock.now();
    for (; next < plan.length && plan[next]!.at <= now; next++) void enqueue(plan[next]!);
    if (next < plan.length) clock.setTimeout(arrive, plan[next]!.at - now);
  };
  if (plan.length) clock.setTimeout(arrive, plan[0]!.at - start);

  const banned = config.ban
    ? phones[typeof config.ban.phone === 'number' ? config.ban.phone : names.indexOf(config.ban.phone)]
    : undefined;
  let banSeq = -1;
  if (config.ban && banned) {
    const { mode } = config.ban;
    clock.setTimeout(() => {
      banSeq = log.seq++;
      banned.ban(mode);
    }, config.ban.afterMs);
  }

  await clock.advanceTo(end);

  // Outcome of every message, from the queue.
  const states: Record<JobState, number> = { queued: 0, pending: 0, sending: 0, sent: 0, failed: 0 };
  let delivered = 0;
  let repliesDelivered = 0;
  for (const m of plan) {
    if (refusedIds.has(m.message.id)) continue;
    const job = await queue.get(tenant, m.message.id);
    if (!job) continue;
    states[job.state]++;
    if (job.state === 'sent') {
      if (m.message.priority === 'support') repliesDelivered++;
      else delivered++;
    }
  }
  await balancer.drain();

  const checked: CheckedPhone[] = phones.map((p, i) => ({
    name: p.name,
    registeredAt: registeredAt[i]!,
    ...(p === banned && p.bannedAt !== undefined
      ? { ban: { at: p.bannedAt, seq: banSeq, mode: config.ban!.mode } }
      : {}),
  }));
  const violations = checkRun({ tenant, options, phones: checked, attempts: log.attempts, decisions: decisionLog });

  const pool = plan.filter((m) => m.message.priority !== 'support' && m.valid && !refusedIds.has(m.message.id));
  const cap = capacity({
    start,
    end,
    arrivals: pool.map((m) => m.at),
    phones: checked.map((p) => ({
      name: p.name,
      registeredAt: p.registeredAt,
      rules: rulesFor(options, tenant, p.name),
      aliveUntil: p.ban?.at ?? end,
    })),
    hours: new Hours(rulesFor(options, tenant).workingHours),
    textLengths: pool.map((m) => m.message.text.length),
  });

  let repliesUnderCap = 0;
  for (const p of checked) {
    const rules = rulesFor(options, tenant, p.name);
    let day = -1;
    let count = 0;
    for (const a of log.attempts) {
      if (a.phone !== p.name || a.outcome !== 'sent') continue;
      if (utcDayOf(a.at) !== day) {
        day = utcDayOf(a.at);
        count = 0;
      }
      if (++count <= capAt(rules, p.registeredAt, a.at) && a.priority === 'support') repliesUnderCap++;
    }
  }
  let bannedUnused = 0;
  const bannedPhone = checked.find((p) => p.ban);
  if (bannedPhone?.ban) {
    const day = utcDayOf(bannedPhone.ban.at);
    const credited = cap.phoneDays.find((d) => d.phone === bannedPhone.name && d.day === day);
    const sentThatDay = log.attempts.filter(
      (a) => a.phone === bannedPhone.name && a.outcome === 'sent' && a.priority !== 'support' && utcDayOf(a.at) === day,
    ).length;
    if (credited) bannedUnused = Math.max(0, Math.min(credited.cap, credited.pacing) - sentThatDay);
  }
  const sentBy = new Map<string, number>();
  const failedBy = new Map<string, number>();
  for (const a of log.attempts) {
    const m = a.outcome === 'sent' ? sentBy : failedBy;
    m.set(a.phone, (m.get(a.phone) ?? 0) + 1);
  }
  return {
    phones: phones.map((p, i) => ({
      name: p.name,
      ageDays: specs[i]!.ageDays,
      sent: sentBy.get(p.name) ?? 0,
      failed: failedBy.get(p.name) ?? 0,
      banned: p.bannedAt !== undefined,
    })),
    messages: plan.length,
    poolDemand: pool.length,
    replies: plan.length - plan.filter((m) => m.message.priority !== 'support').length,
    delivered,
    repliesDelivered,
    failed: states.failed,
    unfinished: { queued: states.queued, pending: states.pending, sending: states.sending },
    refused,
    attempts: log.attempts.length,
    repliesUnderCap,
    bannedUnused,
    capacity: cap,
    // Replies count against the daily caps (the spec's todaySent++): cap slots they filled were used,
    // not wasted. Capped at 1: when demand binds, replies may fill slots pool traffic did not need.
    utilisation: cap.deliverable > 0 ? Math.min(1, (delivered + repliesUnderCap) / cap.deliverable) : 1,
    violations,
    decisions: metrics.decisions,
    decisionUs: metrics.decisions ? metrics.decisionNs / metrics.decisions / 1e3 : 0,
    timers: clock instanceof HeapClock ? clock.fired : 0,
    wallMs: performance.now() - wall0,
    attemptLog: log.attempts,
    ...(decisionLog ? { decisionLog } : {}),
  };
}

function phoneSpecs(config: SimConfig): SimPhoneSpec[] {
  if (typeof config.phones !== 'number') return [...config.phones];
  const n = config.phones;
  const max = config.maxAgeDays ?? 120;
  return Array.from({ length: n }, (_, i) => ({ ageDays: n === 1 ? max : Math.round((i * max) / (n - 1)) }));
}

function record(
  out: DecisionRecord[],
  log: SimLog,
  e: Entry,
  d: Decision,
  now: number,
  phones: readonly Phone[],
): void {
  if (!e.sticky && e.channel !== '*') return;
  const kind =
    d.kind === 'start'
      ? d.phone
        ? 'start'
        : undefined
      : d.kind === 'hold'
        ? 'hold'
        : d.kind === 'defer' && d.pending
          ? 'full'
          : undefined;
  if (!kind) return;
  out.push({
    seq: log.seq++,
    at: now,
    jobId: e.id,
    lane: e.lane,
    sticky: e.sticky,
    kind,
    ...(d.kind === 'start' && d.phone ? { phone: d.phone.name } : {}),
    phones: phones.map((p) => ({
      name: p.name,
      usable: p.alive && p.state === 'connected',
      busy: p.busy,
      timelockUntil: p.timelockUntil,
      view: { todaySent: p.stats.todaySent, cooldownUntil: p.cooldownUntil, score: p.score(now) },
    })),
  });
}
