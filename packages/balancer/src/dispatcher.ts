import type { Channel, Clock, TimerHandle } from '@smmbot/core';
import type { Rules } from './config.js';
import type { SendWindow } from './hours.js';
import { Deque, type Entry, WaitHeap } from './lanes.js';
import { type Phone, pickPhone } from './phones.js';
import { nextUtcMidnight, utcDay } from './policy.js';

export const LANES = ['support', 'system', 'marketing'] as const;

/** What the scheduler decided for one entry. */
export type Decision =
  | { kind: 'start'; phone?: Phone }
  | { kind: 'defer'; pending: boolean }
  | { kind: 'hold'; wakeAt?: number }
  | { kind: 'fail'; reason: string };

/** The rules that bind one lane: support replies are exempt from some (configurable). */
export interface LaneRules {
  hours: boolean;
  recipient: boolean;
  cap: boolean;
  company: boolean;
}

export function laneRules(lane: number, rules: Rules): LaneRules {
  if (lane !== 0) return { hours: true, recipient: true, cap: true, company: true };
  const r = rules.replies;
  return { hours: r.workingHours, recipient: r.recipientCooldown, cap: r.dailyCap, company: false };
}

/**
 * The in-memory scheduling index of one tenant: entries grouped by the phone they need (a sticky
 * phone, the pool `*`, or a direct channel), three priority lanes each, and a heap of entries
 * waiting for their time. `pass()` walks the lanes in priority order and asks `decide` about each
 * head; a group whose head must hold (its phone is busy) is skipped for the rest of the pass, so
 * a pass costs O(decisions), not O(queue length).
 */
export class SchedulingIndex {
  readonly groups = new Map<string, Deque<Entry>[]>();
  readonly waiting = new WaitHeap();
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  size = 0;
  /** Ids of the entries held, when asked for (leased mode): off by default, 1M queued must stay small. */
  private readonly ids: Set<string> | undefined;

  constructor(
    private readonly clock: Clock,
    opts: { trackIds?: boolean } = {},
  ) {
    this.ids = opts.trackIds ? new Set() : undefined;
  }

  /** Whether an entry with this id is held; always false unless ids are tracked. */
  has(id: string): boolean {
    return this.ids?.has(id) ?? false;
  }

  private lanesOf(group: string): Deque<Entry>[] {
    let lanes = this.groups.get(group);
    if (!lanes) {
      lanes = [new Deque(), new Deque(), new Deque()];
      this.groups.set(group, lanes);
    }
    return lanes;
  }

  static groupOf(e: Entry, isPhone: (channel: string) => boolean): string {
    if (e.sticky) return e.sticky;
    return isPhone(e.channel) || e.channel === '*' ? '*' : `direct:${e.channel}`;
  }

  /** Adds an entry: due ones to the back (or front) of their lane, later ones to the heap. */
  add(e: Entry, group: string, now: number, front = false): void {
    this.size++;
    this.ids?.add(e.id);
    if (e.notBefore > now) {
      this.waiting.push(e);
      return;
    }
    const lane = this.lanesOf(group)[e.lane]!;
    if (front) lane.unshift(e);
    else lane.push(e);
  }

  /** Moves entries whose time has come into their lanes. */
  release(now: number, groupOf: (e: Entry) => string): void {
    for (let e = this.waiting.peek(); e && e.notBefore <= now; e = this.waiting.peek()) {
      this.waiting.pop();
      this.lanesOf(groupOf(e))[e.lane]!.push(e);
    }
  }

  /** Runs `decide` over lane heads in priority order. Returns the earliest hold wake-up asked for. */
  pass(decide: (e: Entry, group: string) => Decision, act: (e: Entry, d: Decision) => void): number | undefined {
    let wake: number | undefined;
    const blocked = new Set<string>();
    for (let lane = 0; lane < 3; lane++) {
      for (const [group, lanes] of this.groups) {
        if (blocked.has(group)) continue;
        const q = lanes[lane]!;
        while (q.size > 0) {
          const e = q.peekAt(0)!;
          const d = decide(e, group);
          if (d.kind === 'hold') {
            blocked.add(group);
            if (d.wakeAt !== undefined) wake = Math.min(wake ?? d.wakeAt, d.wakeAt);
            break;
          }
          q.removeAt(0);
          this.size--;
          this.ids?.delete(e.id);
          act(e, d);
        }
      }
    }
    for (const [group, lanes] of this.groups) if (lanes.every((q) => q.size === 0)) this.groups.delete(group);
    return wake;
  }

  /** Arms one timer for the next moment something may change: a waiting entry's time or a hold's wake. */
  arm(wake: number | undefined, fire: () => void): void {
    const at = Math.min(wake ?? Number.POSITIVE_INFINITY, this.waiting.peek()?.notBefore ?? Number.POSITIVE_INFINITY);
    if (at === this.timerAt) return;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        fire();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  disarm(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Entries due now, ahead of a new one in `lane` (for the queue position estimate). */
  aheadOf(lane: number): number {
    let n = 0;
    for (const lanes of this.groups.values()) for (let l = 0; l <= lane; l++) n += lanes[l]!.size;
    return n;
  }

  counts(): { due: number; waiting: number } {
    return { due: this.size - this.waiting.size, waiting: this.waiting.size };
  }
}

/** The balancer's decision for one entry, given the tenant's phones and counters. Pure apart from `random`. */
export function decide(
  e: Entry,
  ctx: {
    now: number;
    rules: Rules;
    window: SendWindow | undefined;
    phones: readonly Phone[];
    phoneByName: ReadonlyMap<string, Phone>;
    direct: Channel | undefined;
    directFree: boolean;
    lastSentTo: ReadonlyMap<string, number>;
    companyCount: number;
    random: () => number;
  },
): Decision {
  const { now, rules } = ctx;
  if (ctx.direct) return ctx.directFree ? { kind: 'start' } : { kind: 'hold' };
  const r = laneRules(e.lane, rules);
  if (r.hours && ctx.window && !ctx.window.isOpen(now)) {
    // Opening time plus up to a minute: a closed night's queue does not all go at the first second.
    e.notBefore = ctx.window.nextOpen(now) + Math.floor(ctx.random() * 60_000);
    return { kind: 'defer', pending: false };
  }
  if (r.recipient && rules.recipientCooldownMs > 0) {
    const last = ctx.lastSentTo.get(e.recipient);
    if (last !== undefined && (last === Number.POSITIVE_INFINITY || last + rules.recipientCooldownMs > now)) {
      e.notBefore =
        last === Number.POSITIVE_INFINITY ? now + rules.recipientCooldownMs : last + rules.recipientCooldownMs;
      return { kind: 'defer', pending: false };
    }
  }
  if (r.company && rules.companyDailyLimit !== null && ctx.companyCount >= rules.companyDailyLimit) {
    return deferToNextDay(e, now, rules, ctx.random);
  }
  let candidates: readonly Phone[] = ctx.phones;
  if (e.sticky) {
    const phone = ctx.phoneByName.get(e.sticky);
    if (!phone) return { kind: 'fail', reason: `no anti-ban phone named "${e.sticky}"` };
    candidates = [phone];
  }
  const pick = pickPhone(candidates, now, { capApplies: r.cap, newContact: !e.sticky });
  switch (pick.kind) {
    case 'phone':
      return { kind: 'start', phone: pick.phone };
    case 'wait':
      return { kind: 'hold', wakeAt: pick.at };
    case 'full':
      return deferToNextDay(e, now, rules, ctx.random);
    case 'offline':
      return { kind: 'hold', wakeAt: now + 5_000 };
    case 'none':
      return e.sticky ? { kind: 'fail', reason: `phone "${e.sticky}" is banned or logged out` } : { kind: 'hold' };
  }
}

/** Daily cap hit: `pending` until tomorrow 00:00 UTC plus a random spacing, never a burst at midnight. */
function deferToNextDay(e: Entry, now: number, rules: Rules, random: () => number): Decision {
  e.notBefore = nextUtcMidnight(now) + Math.floor(random() * rules.deferSpreadMs);
  return { kind: 'defer', pending: true };
}

export { utcDay };
