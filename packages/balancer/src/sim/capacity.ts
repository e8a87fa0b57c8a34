import type { Rules } from '../config.js';
import { capAt, cooldownAfter, DAY, type Hours, utcDayOf } from './rules.js';

export interface CapacityPhone {
  name: string;
  registeredAt: number;
  rules: Rules;
  /** It sends nothing from here on (banned); the end of the run otherwise. */
  aliveUntil: number;
}

export interface CapacityInput {
  start: number;
  end: number;
  /** Arrival times of the messages any phone may send (pool traffic a platform would accept), sorted. */
  arrivals: readonly number[];
  phones: readonly CapacityPhone[];
  hours: Hours;
  /** Text lengths of those messages, for the mean typing time. */
  textLengths: readonly number[];
}

export interface PhoneDay {
  phone: string;
  day: number;
  /** Sends its cap allows (Infinity: no cap). */
  cap: number;
  /** Sends its pacing allows in the day's open time: open ms ÷ the mean cycle. */
  pacing: number;
  /** Mean cycle: delay + typing + the cooldown after the send, ms. */
  cycleMs: number;
}

export interface Capacity {
  /** What any scheduler obeying caps, windows and pacing could deliver, given when messages arrive. */
  deliverable: number;
  /** Σ over phone-days of min(cap, pacing): what the phones could send with unlimited demand. */
  supply: number;
  demand: number;
  /** Phone-days where the cap binds before pacing does, and the other way round. */
  capBound: number;
  paceBound: number;
  phoneDays: PhoneDay[];
}

/**
 * The honest ceiling for the utilisation figure, as a max-flow on a fluid model:
 *
 * - supply: each phone p, on each UTC day d, may send at most its cap for that day (warm-up by age,
 *   then its own or the global cap) and at most one message per mean cycle while the window is
 *   open and it is not banned. The mean cycle is what its pacing forces between two sends: the
 *   random delay's mean, the mean typing time over the run's texts, and the cooldown after a send
 *   (delayMax × seniority). Replies, recipient cooldowns and failed attempts are not charged to it:
 *   they only lower what the balancer can do, so leaving them out makes the ceiling higher, never lower.
 * - demand: a message can only go after it arrives; one left over carries to later days.
 *
 * Slots of time form a chain (what arrives before t can be sent at t or later), each slot feeds the
 * phone-day nodes of its day at rate × open time, and each phone-day node drains at most its cap.
 * A minimum cut of that network takes all slots from some instant τ on: its capacity is
 * A(<τ) + Σ_{p,d} min(cap_pd, rate_p × open time of day d after τ), where A(<τ) counts the arrivals
 * before τ. The max flow (this function) is the minimum of that over τ; only τ at an arrival
 * time, the start or the end can be the minimum, since the sum only falls as τ grows.
 */
export function capacity(input: CapacityInput): Capacity {
  const { start, end, arrivals, phones, hours } = input;
  const firstDay = utcDayOf(start);
  const lastDay = utcDayOf(end - 1);
  const phoneDays: PhoneDay[] = [];
  /** Per day, grouped by where the phone's day ends (the day's end, or its ban): [lo, hi), and each phone's cap and rate. */
  const byDay: Map<number, { lo: number; rows: { cap: number; rate: number }[] }>[] = [];
  const typingBase = new Map<string, number>();
  let supply = 0;
  let capBound = 0;
  let paceBound = 0;
  const full: number[] = [];
  for (let d = firstDay; d <= lastDay; d++) {
    const groups = new Map<number, { lo: number; rows: { cap: number; rate: number }[] }>();
    let dayFull = 0;
    for (const p of phones) {
      const lo = Math.max(start, d * DAY);
      const hi = Math.min(end, (d + 1) * DAY, p.aliveUntil);
      if (hi <= lo) continue;
      const open = hours.openMs(lo, hi);
      if (open <= 0) continue;
      const last = hours.lastOpenBefore(lo, hi) ?? hi - 1;
      // Caps only grow with age: the day's last open moment has the largest.
      const cap = Math.max(capAt(p.rules, p.registeredAt, lo), capAt(p.rules, p.registeredAt, last));
      const cycleMs = meanCycleMs(p, last, input.textLengths, typingBase);
      const rate = 1 / cycleMs;
      const pacing = open * rate;
      phoneDays.push({ phone: p.name, day: d, cap, pacing, cycleMs });
      if (cap <= pacing) capBound++;
      else paceBound++;
      dayFull += Math.min(cap, pacing);
      const g = groups.get(hi) ?? { lo, rows: [] };
      groups.set(hi, g);
      g.rows.push({ cap, rate });
    }
    byDay.push(groups);
    full.push(dayFull);
    supply += dayFull;
  }
  // Supply of all days after day index i.
  const after = new Array<number>(full.length + 1).fill(0);
  for (let i = full.length - 1; i >= 0; i--) after[i] = after[i + 1]! + full[i]!;

  const cut = (tau: number, before: number): number => {
    if (tau >= end) return before;
    const i = Math.max(0, utcDayOf(tau) - firstDay);
    let partial = 0;
    for (const [hi, g] of byDay[i] ?? []) {
      const open = hours.openMs(Math.max(tau, g.lo), hi);
      for (const r of g.rows) partial += Math.min(r.cap, r.rate * open);
    }
    return before + partial + after[i + 1]!;
  };
  let best = cut(start, 0);
  for (let k = 0; k < arrivals.length; k++) {
    if (k > 0 && arrivals[k] === arrivals[k - 1]) continue;
    best = Math.min(best, cut(Math.max(start, arrivals[k]!), k));
  }
  best = Math.min(best, arrivals.length);
  return { deliverable: best, supply, demand: arrivals.length, capBound, paceBound, phoneDays };
}

function meanCycleMs(p: CapacityPhone, at: number, lengths: readonly number[], cache: Map<string, number>): number {
  const { delayMinMs, delayMaxMs, typing } = p.rules;
  const key = `${typing.capMs}/${typing.perSqrtCharMs}`;
  let base = cache.get(key);
  if (base === undefined) {
    let sum = 0;
    for (const len of lengths) sum += Math.min(typing.capMs, Math.sqrt(len) * typing.perSqrtCharMs);
    base = lengths.length ? sum / lengths.length : 0;
    cache.set(key, base);
  }
  const meanTyping = base + (typing.extraMinMs + typing.extraMaxMs) / 2;
  // Seniority only falls with age: the cooldown at the day's end is the shortest.
  return Math.max(1, (delayMinMs + delayMaxMs) / 2 + meanTyping + cooldownAfter(p.rules, p.registeredAt, at));
}
