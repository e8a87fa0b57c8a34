import { utcOffsetMinutes } from '@smmbot/core';
import type { BalancerOptions, Rules, WorkingHours } from '../config.js';

/**
 * The rules restated for the checker and the capacity figure, written again from the spec rather
 * than imported from policy.ts/hours.ts: a checker that shared the balancer's code would share its
 * bugs.
 */

export const DAY = 86_400_000;
const MIN = 60_000;

export const utcDayOf = (t: number): number => Math.floor(t / DAY);

export const ageAt = (registeredAt: number, t: number): number => Math.max(0, (t - registeredAt) / DAY);

/** max(floor, base ÷ (1 + age ÷ halfDays)). */
export function seniorityAt(rules: Rules, registeredAt: number, t: number): number {
  const { base, halfDays, floor } = rules.seniority;
  return Math.max(floor, base / (1 + ageAt(registeredAt, t) / halfDays));
}

/** The phone's daily cap at time t: the warm-up step for its age, else (and at most) its own or the global cap. */
export function capAt(rules: Rules, registeredAt: number, t: number): number {
  const age = ageAt(registeredAt, t);
  const max = rules.maxDailyPerPhone ?? Number.POSITIVE_INFINITY;
  for (const step of rules.warmup) if (age < step.untilDays) return Math.min(step.cap, max);
  return max;
}

/** A phone rests delayMax × seniority after each send. */
export function cooldownAfter(rules: Rules, registeredAt: number, sentAt: number): number {
  return Math.round(rules.delayMaxMs * seniorityAt(rules, registeredAt, sentAt));
}

/** Global ← tenant ← phone (a phone's `dailyLimit` replaces `maxDailyPerPhone`). */
export function rulesFor(options: BalancerOptions, tenant: string, phone?: string): Rules {
  const pick = <T extends object>(o: T | undefined) =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<Rules>;
  const base: Rules = { ...options.rules, ...pick(options.tenants[tenant]) };
  if (phone === undefined) return base;
  const { registeredAt: _r, dailyLimit, ...own } = options.phones[phone] ?? {};
  const merged: Rules = { ...base, ...pick(own) };
  if (dailyLimit !== undefined) merged.maxDailyPerPhone = dailyLimit;
  return merged;
}

/** The send window in a fixed UTC offset, by local minute of the day. Null hours: always open. */
export class Hours {
  private readonly from: number;
  private readonly to: number;
  private readonly offset: number;
  readonly always: boolean;

  constructor(hours: WorkingHours | null) {
    const parse = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
    this.from = hours ? parse(hours.from) : 0;
    this.to = hours ? parse(hours.to) : 0;
    this.offset = hours ? utcOffsetMinutes(hours.timezone) * MIN : 0;
    this.always = this.from === this.to;
  }

  isOpen(t: number): boolean {
    if (this.always) return true;
    const local = new Date(t + this.offset);
    const m = local.getUTCHours() * 60 + local.getUTCMinutes();
    return this.from < this.to ? m >= this.from && m < this.to : m >= this.from || m < this.to;
  }

  /** Open milliseconds in [a, b). */
  openMs(a: number, b: number): number {
    if (b <= a) return 0;
    if (this.always) return b - a;
    let total = 0;
    const first = Math.floor((a + this.offset) / DAY) - 1;
    const last = Math.floor((b + this.offset) / DAY) + 1;
    for (let k = first; k <= last; k++) {
      const day = k * DAY - this.offset;
      const spans: [number, number][] =
        this.from < this.to
          ? [[this.from, this.to]]
          : [
              [0, this.to],
              [this.from, 24 * 60],
            ];
      for (const [f, t] of spans) {
        const lo = Math.max(a, day + f * MIN);
        const hi = Math.min(b, day + t * MIN);
        if (hi > lo) total += hi - lo;
      }
    }
    return total;
  }

  /** The last open instant in [a, b), or undefined when closed throughout. */
  lastOpenBefore(a: number, b: number): number | undefined {
    if (b <= a) return undefined;
    if (this.always) return b - 1;
    for (let t = b - 1; t >= a; t = Math.floor(t / MIN) * MIN - 1) if (this.isOpen(t)) return t;
    return undefined;
  }
}
