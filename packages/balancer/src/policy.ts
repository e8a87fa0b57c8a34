import type { Rules } from './config.js';

/** The spec's formulas, pure, so tests can check the balancer's choices against them. */

export const DAY_MS = 86_400_000;

/** max(floor, base / (1 + ageDays / halfDays)): 1.5 on day 0, 1.0 on day 10, 0.5 on day 40, 0.3 from day 80. */
export function seniorityFactor(ageDays: number, s: Rules['seniority']): number {
  return Math.max(s.floor, s.base / (1 + Math.max(0, ageDays) / s.halfDays));
}

/** The warm-up cap for a phone of this age, or the phone's own / global cap after warm-up (null = none). */
export function dailyCap(ageDays: number, rules: Pick<Rules, 'warmup' | 'maxDailyPerPhone'>): number | null {
  const step = rules.warmup.find((w) => ageDays < w.untilDays);
  if (!step) return rules.maxDailyPerPhone;
  return rules.maxDailyPerPhone === null ? step.cap : Math.min(step.cap, rules.maxDailyPerPhone);
}

export interface ScoreInput {
  todaySent: number;
  seniority: number;
  failRate: number;
  onCooldown: boolean;
}

/** todaySent × seniority + failRate × 30 + (onCooldown ? 500 : 0); lowest wins. */
export function phoneScore(p: ScoreInput): number {
  return p.todaySent * p.seniority + p.failRate * 30 + (p.onCooldown ? 500 : 0);
}

/** After a send the phone rests delayMax × seniority: veterans recover ~5× faster than new numbers. */
export function phoneCooldownMs(delayMaxMs: number, seniority: number): number {
  return Math.round(delayMaxMs * seniority);
}

/** "typing…" for √len × 400 ms (capped) plus a random 300–800 ms. `random` in [0, 1). */
export function typingMs(length: number, typing: Rules['typing'], random: number): number {
  const base = Math.min(typing.capMs, Math.sqrt(Math.max(0, length)) * typing.perSqrtCharMs);
  return Math.round(base + typing.extraMinMs + random * (typing.extraMaxMs - typing.extraMinMs));
}

/** A uniform pick in [min, max]. */
export function between(min: number, max: number, random: number): number {
  return Math.round(min + random * Math.max(0, max - min));
}

/** Whole days since registration (fractional, never negative). */
export function ageDays(registeredAt: number, now: number): number {
  return Math.max(0, (now - registeredAt) / DAY_MS);
}

/** The UTC day number, for "today" counters: they reset at 00:00 UTC. */
export function utcDay(now: number): number {
  return Math.floor(now / DAY_MS);
}

export function nextUtcMidnight(now: number): number {
  return (utcDay(now) + 1) * DAY_MS;
}

/** The UTC month as `YYYY-MM`, for the monthly quota. */
export function utcMonth(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}
