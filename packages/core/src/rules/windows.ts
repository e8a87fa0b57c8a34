import type { ServiceRules } from './types.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const valid = (date: Date) => Number.isFinite(date.getTime());

/**
 * When the refill guarantee of an order ends: `completedAt` plus the window, `'never'` for a lifetime
 * refill, `undefined` when there is no refill or nobody knows (the bot must ask, not decide).
 */
export function refillWindowEnds(rules: Pick<ServiceRules, 'refill'>, completedAt: Date): Date | 'never' | undefined {
  const { refill } = rules;
  if (refill.kind === 'lifetime') return 'never';
  if (refill.kind !== 'days' || !valid(completedAt)) return undefined;
  return new Date(completedAt.getTime() + refill.days * DAY_MS);
}

/**
 * Whether `now` is inside the refill window of an order completed at `completedAt`: always true for a
 * lifetime refill, always false without refill, `undefined` when the window is unknown.
 */
export function isWithinRefillWindow(
  rules: Pick<ServiceRules, 'refill'>,
  completedAt: Date,
  now: Date,
): boolean | undefined {
  if (rules.refill.kind === 'none') return false;
  const ends = refillWindowEnds(rules, completedAt);
  if (ends === 'never') return true;
  if (ends === undefined || !valid(now)) return undefined;
  return now.getTime() >= completedAt.getTime() && now.getTime() <= ends.getTime();
}

export interface StartWindowOptions {
  /** How long "instant" may take before the order counts as late. Default 0. */
  instantGraceMinutes?: number;
}

/**
 * When an order should have started at the latest: `createdAt` plus the upper bound of the start
 * window (`createdAt` plus the grace for "instant"), `undefined` when the start time is unknown.
 */
export function startWindowEnds(
  rules: Pick<ServiceRules, 'startTime'>,
  createdAt: Date,
  options: StartWindowOptions = {},
): Date | undefined {
  const { startTime } = rules;
  if (startTime === 'unknown' || !valid(createdAt)) return undefined;
  const minutes = 'instant' in startTime ? (options.instantGraceMinutes ?? 0) : startTime.maxMinutes;
  return new Date(createdAt.getTime() + minutes * MINUTE_MS);
}
