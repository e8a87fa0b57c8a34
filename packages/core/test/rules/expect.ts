import type { RefillRule, SpeedRule, StartTimeRule } from '../../src/index.js';

/** Shorthands for expected rules in test tables. */
export const NONE: RefillRule = { kind: 'none' };
export const LIFETIME: RefillRule = { kind: 'lifetime' };
export const UNKNOWN = 'unknown' as const;
export const UNKNOWN_REFILL: RefillRule = { kind: 'unknown' };
export const INSTANT: StartTimeRule = { instant: true };
export const days = (n: number): RefillRule => ({ kind: 'days', days: n });
export const within = (minMinutes: number, maxMinutes: number): StartTimeRule => ({ minMinutes, maxMinutes });
export const perDay = (n: number): SpeedRule => ({ perDay: n });
export const perHour = (n: number): SpeedRule => ({ perHour: n, perDay: n * 24 });
