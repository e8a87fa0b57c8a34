import type { Channel, LinkState } from '@smmbot/core';
import type { Rules } from './config.js';
import { ageDays, DAY_MS, dailyCap, phoneCooldownMs, phoneScore, seniorityFactor, utcDay } from './policy.js';
import type { PhoneSnapshot } from './types.js';

/** What is persisted per phone (the tenant's kv), so caps and ages survive restarts. */
export interface PhoneStats {
  registeredAt: number;
  day: number;
  todaySent: number;
  totalSent: number;
  totalFailed: number;
  consecutiveFails: number;
  lastSentAt: number | null;
  /** Failures at the last failure-rate alert, for "re-alert every 10 new failures". */
  alertedAtFailures: number;
}

export function freshStats(now: number, registeredAt?: number): PhoneStats {
  return {
    registeredAt: registeredAt ?? now,
    day: utcDay(now),
    todaySent: 0,
    totalSent: 0,
    totalFailed: 0,
    consecutiveFails: 0,
    lastSentAt: null,
    alertedAtFailures: 0,
  };
}

/** One anti-ban phone (a channel instance) as the balancer sees it. */
export class Phone {
  state: LinkState = 'connected';
  busy = false;
  cooldownUntil = 0;
  timelockUntil = 0;

  constructor(
    readonly channel: Channel,
    readonly rules: Rules,
    public stats: PhoneStats,
  ) {
    const link = channel.link?.();
    if (link) this.state = link.state;
  }

  get name(): string {
    return this.channel.name;
  }

  /** Counters are per UTC day: roll over lazily. */
  /** The current UTC day's bounds, so the hot path compares instead of dividing. */
  private dayStart = 0;
  private dayEnd = 0;

  todaySent(now: number): number {
    if (now >= this.dayStart && now < this.dayEnd) return this.stats.todaySent;
    const day = utcDay(now);
    this.dayStart = day * DAY_MS;
    this.dayEnd = this.dayStart + DAY_MS;
    if (this.stats.day !== day) {
      this.stats.day = day;
      this.stats.todaySent = 0;
    }
    return this.stats.todaySent;
  }

  ageDays(now: number): number {
    return ageDays(this.stats.registeredAt, now);
  }

  /**
   * The cap only changes when the phone's age crosses a warm-up step: it is kept with the moment
   * it stops being valid, so a decision over 1,000 phones does not search the steps each time
   * (`pnpm bench balancer`). Exact, not approximate: the choice must match the spec's formula.
   */
  private capNow: number | null = null;
  private capFrom = Number.POSITIVE_INFINITY;
  private capUntil = Number.NEGATIVE_INFINITY;

  seniority(now: number): number {
    return seniorityFactor((now - this.stats.registeredAt) / DAY_MS, this.rules.seniority);
  }

  cap(now: number): number | null {
    if (now >= this.capFrom && now < this.capUntil) return this.capNow;
    const age = this.ageDays(now);
    this.capNow = dailyCap(age, this.rules);
    const steps = this.rules.warmup;
    let from = 0;
    let until = Number.POSITIVE_INFINITY;
    for (const w of steps) {
      if (age < w.untilDays) {
        until = Math.min(until, w.untilDays);
      } else from = Math.max(from, w.untilDays);
    }
    this.capFrom = this.stats.registeredAt + from * DAY_MS;
    this.capUntil = until === Number.POSITIVE_INFINITY ? until : this.stats.registeredAt + until * DAY_MS;
    return this.capNow;
  }

  failRate(): number {
    const total = this.stats.totalSent + this.stats.totalFailed;
    return total === 0 ? 0 : this.stats.totalFailed / total;
  }

  score(now: number): number {
    const total = this.stats.totalSent + this.stats.totalFailed;
    // phoneScore, inlined on the hot path (a test checks they agree).
    return (
      this.todaySent(now) * this.seniority(now) +
      (total === 0 ? 0 : this.stats.totalFailed / total) * 30 +
      (this.cooldownUntil > now ? 500 : 0)
    );
  }

  /** The spec's formula through policy.ts, for checks against the inlined `score`. */
  formulaScore(now: number): number {
    return phoneScore({
      todaySent: this.todaySent(now),
      seniority: this.seniority(now),
      failRate: this.failRate(),
      onCooldown: this.cooldownUntil > now,
    });
  }

  /** Under today's cap (or no cap). */
  hasRoom(now: number): boolean {
    const cap = this.cap(now);
    return cap === null || this.todaySent(now) < cap;
  }

  get alive(): boolean {
    return this.state !== 'banned' && this.state !== 'logged_out';
  }

  /** The phone rests `delayMax × seniority` after a send at `at` (kept if it already rests longer). */
  restAfter(at: number): void {
    this.cooldownUntil = Math.max(this.cooldownUntil, at + phoneCooldownMs(this.rules.delayMaxMs, this.seniority(at)));
  }

  recordSent(now: number): void {
    this.todaySent(now);
    this.stats.todaySent++;
    this.stats.totalSent++;
    this.stats.consecutiveFails = 0;
    this.stats.lastSentAt = now;
    this.cooldownUntil = now + phoneCooldownMs(this.rules.delayMaxMs, this.seniority(now));
  }

  recordFailure(): void {
    this.stats.totalFailed++;
    this.stats.consecutiveFails++;
  }

  snapshot(now: number): PhoneSnapshot {
    return {
      channel: this.name,
      state: this.state,
      ageDays: Math.floor(this.ageDays(now)),
      seniority: round(this.seniority(now)),
      score: round(this.score(now)),
      todaySent: this.todaySent(now),
      dailyCap: this.cap(now),
      totalSent: this.stats.totalSent,
      totalFailed: this.stats.totalFailed,
      failRate: round(this.failRate()),
      consecutiveFails: this.stats.consecutiveFails,
      cooldownUntil: this.cooldownUntil > now ? this.cooldownUntil : 0,
      lastSentAt: this.stats.lastSentAt,
      busy: this.busy,
      timelockUntil: this.timelockUntil > now ? this.timelockUntil : 0,
    };
  }
}

export type PickResult =
  | { kind: 'phone'; phone: Phone }
  /** Every candidate is busy or the best one is cooling: try again at `at` or when a phone frees. */
  | { kind: 'wait'; at?: number }
  /** Connected candidates exist but all hit today's cap: defer to the next day. */
  | { kind: 'full' }
  /** No candidate is connected (reconnecting phones may come back). */
  | { kind: 'offline' }
  /** No candidate can ever send it (sticky phone banned or logged out, or unknown). */
  | { kind: 'none' };

/**
 * The spec's selection: among connected phones under their cap, the lowest score wins. A winner
 * still cooling keeps the job waiting for it (its +500 already says it is the best despite that).
 * One pass over the candidates, no allocation: this is the hot path with 1,000 phones.
 */
export function pickPhone(
  candidates: readonly Phone[],
  now: number,
  opts: { capApplies: boolean; newContact: boolean },
): PickResult {
  let best: Phone | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let anyConnected = false;
  let anyAlive = false;
  let anyBusy = false;
  for (const phone of candidates) {
    if (!phone.alive) continue;
    anyAlive = true;
    if (phone.state !== 'connected') continue;
    if (opts.newContact && phone.timelockUntil > now) continue;
    anyConnected = true;
    if (opts.capApplies && !phone.hasRoom(now)) continue;
    if (phone.busy) {
      anyBusy = true;
      continue;
    }
    const score = phone.score(now);
    if (score < bestScore) {
      bestScore = score;
      best = phone;
    }
  }
  if (best) return best.cooldownUntil > now ? { kind: 'wait', at: best.cooldownUntil } : { kind: 'phone', phone: best };
  if (anyBusy) return { kind: 'wait' };
  if (anyConnected) return { kind: 'full' };
  return anyAlive ? { kind: 'offline' } : { kind: 'none' };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
