import { fragment, mask } from './normalize.js';
import type { RuleSource, StartTimeRule } from './types.js';

/**
 * Start-time findings in one normalized segment. A duration counts only when tied to "start"
 * (or, weakest, to "time": `10 minutes time`); a bare `1-6 hours` stays unknown. A single value
 * (`1 hour start time`, `start: 30 min`) is read as an upper bound: 0 to that many minutes.
 */
export interface StartFinding {
  /** `slow`: "usually starts slowly", recognized but says nothing measurable. */
  value: Exclude<StartTimeRule, 'unknown'> | 'slow';
  /** 3: tied to "start"; 2: a bare "instant"; 1: "<duration> time"; 0: "starts slowly". */
  rank: number;
  fragment: string;
  source: RuleSource;
}

const NUM = String.raw`(\d+(?:\.\d+)?)`;
const TO = String.raw`\s*(?:-|to|~|sampai)\s*`;
const UNIT = String.raw`\s*\/?\s*(mins?|minutes?|menit|m|hrs?|hours?|jam|h|days?|hari|d)(?![\p{L}])`;
const START_WORD = String.raw`(?<![\p{L}])(?:start(?:s|ing)?|mulai)(?:\s*time)?\s*[:=\-]?\s*`;
const AFTER_START = String.raw`\s*(?:start|mulai)(?![\p{L}])(?:\s*time)?`;
const NOT_NEGATED = String.raw`(?<!(?:not|non)\s*-?\s*)`;

function minutes(value: string | undefined, unit: string | undefined): number {
  const n = Number(value);
  const u = unit ?? '';
  if (/^(?:d|days?|hari)$/.test(u)) return n * 1440;
  if (/^(?:h|hrs?|hours?|jam)$/.test(u)) return n * 60;
  return n;
}

interface Pattern {
  re: RegExp;
  rank: number;
  value: (m: RegExpMatchArray) => StartFinding['value'];
}

const range = (m: RegExpMatchArray) => ({ minMinutes: minutes(m[1], m[3]), maxMinutes: minutes(m[2], m[3]) });
const upTo = (m: RegExpMatchArray) => ({ minMinutes: 0, maxMinutes: minutes(m[1], m[2]) });
const re = (source: string) => new RegExp(source, 'gu');

const PATTERNS: Pattern[] = [
  // "start - instant", "start time: instant", "instant start"
  {
    re: re(String.raw`${START_WORD}instant(?:ly)?(?![\p{L}])|${NOT_NEGATED}(?<![\p{L}])instant(?:ly)?${AFTER_START}`),
    rank: 3,
    value: () => ({ instant: true }),
  },
  // "start time 0-5 minutes", "start 0 - 6 hours", "[start time: 0 - 1 hr]", "start time 24-48 hours"
  { re: re(String.raw`${START_WORD}(?:within\s*)?${NUM}${TO}${NUM}${UNIT}`), rank: 3, value: range },
  // "0-1 hour start time", "0-1/h start time", "1 - 5 hours start time", "[1-6 hours start]"
  { re: re(String.raw`(?<![\p{N}.])${NUM}${TO}${NUM}${UNIT}${AFTER_START}`), rank: 3, value: range },
  // "start time: 30 min", "start within 1 hour"
  { re: re(String.raw`${START_WORD}(?:within\s*|up\s*to\s*)?${NUM}${UNIT}`), rank: 3, value: upTo },
  // "1 hour start time", "5 minutes start time"
  { re: re(String.raw`(?<![\p{N}.])${NUM}${UNIT}${AFTER_START}`), rank: 3, value: upTo },
  // "super instant", "instant almost", "instant ♻⚡" (not "not instant")
  {
    re: re(String.raw`${NOT_NEGATED}(?<![\p{L}])instant(?:ly)?(?![\p{L}])`),
    rank: 2,
    value: () => ({ instant: true }),
  },
  // "10 minutes time", "0-30 minutes time"
  {
    re: re(String.raw`(?<![\p{N}.])${NUM}${TO}${NUM}${UNIT}\s+time(?![\p{L}])`),
    rank: 1,
    value: range,
  },
  { re: re(String.raw`(?<![\p{N}.])${NUM}${UNIT}\s+time(?![\p{L}])`), rank: 1, value: upTo },
  // "usually starts slowly", "slow start"
  {
    re: re(String.raw`(?<![\p{L}])(?:(?:usually\s*)?starts?\s*slow(?:ly)?|slow\s*start)(?![\p{L}])`),
    rank: 0,
    value: () => 'slow',
  },
];

/** Start findings of one normalized segment, plus the segment with their fragments masked. */
export function findStart(segment: string, source: RuleSource): { findings: StartFinding[]; rest: string } {
  const findings: StartFinding[] = [];
  let rest = segment;
  for (const pattern of PATTERNS) {
    for (const m of [...rest.matchAll(pattern.re)]) {
      const value = pattern.value(m);
      if (typeof value === 'object' && 'minMinutes' in value && value.minMinutes > value.maxMinutes) continue;
      findings.push({ value, rank: pattern.rank, fragment: fragment(m[0]), source });
      rest = mask(rest, m.index ?? 0, m[0].length);
    }
  }
  return { findings, rest };
}

/** Human text for a start rule, used in evidence and conflict notes. */
export function describeStart(value: StartTimeRule | 'slow'): string {
  if (value === 'unknown') return 'unknown';
  if (value === 'slow') return 'starts slowly (no time stated)';
  if ('instant' in value) return 'instant';
  return `${value.minMinutes}-${value.maxMinutes} minutes`;
}

/** Whether two start values say the same thing. */
export function sameStart(a: StartFinding['value'], b: StartFinding['value']): boolean {
  return describeStart(a) === describeStart(b);
}
