import { fragment, mask } from './normalize.js';
import type { RuleSource, SpeedRule } from './types.js';

/**
 * Speed findings in one normalized segment (start-time fragments already masked, so `0-1/h start
 * time` is not read as a speed). A quantity counts only when tied to a period: `100k/d`,
 * `30k per day`, `[200/300 p/h]`, `day 50k`, `per day 20-50`. `min 10k` and `max 1m` are not speeds.
 *
 * Ranges keep their lower bound (`10k-20k/day` → 10000, `speed 50/80 m per day` → 50 million): it is
 * what the panel commits to. A suffix written only on the upper bound applies to the lower one when
 * that keeps the range ascending (`1 - 2k per day` → 1000, `3-10k/days` → 3000) and not otherwise
 * (`700-1k/day` → 700).
 */
export interface SpeedFinding {
  value: Exclude<SpeedRule, 'unknown'>;
  fragment: string;
  source: RuleSource;
}

const QTY = String.raw`(\d+(?:\.\d+)?)\s*([km](?![\p{L}]))?`;
const RANGE = String.raw`${QTY}(?:\s*(?:-|\/|to|~)\s*${QTY})?`;
const DAY = 'days?|d|hari';
const HOUR = 'hours?|hrs?|h|jam';
const HOURLY = new RegExp(`^(?:${HOUR})$`, 'u');
const PERIOD = String.raw`(${DAY}|${HOUR})(?![\p{L}])`;

/** "100k/d", "30k per day", "100k+ / day", "up to 100k/d", "[200/300 p/h]", "[100k p/d speed]", "10k a day" */
const AMOUNT_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}.])(?:up\s*to\s*)?${RANGE}\s*\+?\s*(?:\/|per(?![\p{L}])|p\s*\/|a(?=\s)|in\s*1)\s*${PERIOD}`,
  'gu',
);
/** "day 50k", "per day 20-50", "per hour: 2k" (not "30 days 50k") */
const PERIOD_FIRST = new RegExp(
  String.raw`(?<![\p{N}.]\s*)(?<![\p{L}])(?:per\s*)?(day|hour)\s*[:=\-]?\s*${RANGE}(?!\s*(?:[%+\/]|p\s*\/|(?:per|${DAY}|${HOUR}|m|mins?|minutes?)(?![\p{L}])))`,
  'gu',
);

const MULTIPLIER: Record<string, number> = { k: 1_000, m: 1_000_000 };

function lowerBound(a: string, aSuffix: string | undefined, b: string | undefined, bSuffix: string | undefined) {
  const first = Number(a) * (MULTIPLIER[aSuffix ?? ''] ?? 1);
  if (b === undefined) return first;
  const upper = Number(b) * (MULTIPLIER[bSuffix ?? ''] ?? 1);
  // A suffix written only on the upper bound applies to the lower one when the range stays ascending.
  const shared = !aSuffix && bSuffix ? Number(a) * (MULTIPLIER[bSuffix] ?? 1) : Number.NaN;
  if (shared <= upper) return shared;
  // A "range" that goes down is no range (`25186 - 1k/day`: an id, then the speed): keep the upper value.
  return Math.min(first, upper);
}

function toSpeed(amount: number, period: string): SpeedFinding['value'] | undefined {
  if (!Number.isFinite(amount) || amount <= 0) return undefined;
  return HOURLY.test(period) ? { perHour: amount, perDay: amount * 24 } : { perDay: amount };
}

/** Speed findings of one normalized segment, in order of appearance. */
export function findSpeed(segment: string, source: RuleSource): SpeedFinding[] {
  const found: { index: number; finding: SpeedFinding }[] = [];
  let rest = segment;
  for (const m of [...rest.matchAll(AMOUNT_FIRST)]) {
    const value = toSpeed(lowerBound(m[1]!, m[2], m[3], m[4]), m[5]!);
    if (!value) continue;
    found.push({ index: m.index ?? 0, finding: { value, fragment: fragment(m[0]), source } });
    rest = mask(rest, m.index ?? 0, m[0].length);
  }
  for (const m of rest.matchAll(PERIOD_FIRST)) {
    const value = toSpeed(lowerBound(m[2]!, m[3], m[4], m[5]), m[1]!);
    if (value) found.push({ index: m.index ?? 0, finding: { value, fragment: fragment(m[0]), source } });
  }
  return found.sort((a, b) => a.index - b.index).map((f) => f.finding);
}

/** Human text for a speed rule, used in evidence and conflict notes. */
export function describeSpeed(value: SpeedRule): string {
  if (value === 'unknown') return 'unknown';
  return value.perHour !== undefined ? `${value.perHour}/hour (${value.perDay}/day)` : `${value.perDay}/day`;
}
