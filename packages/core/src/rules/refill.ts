import { fragment, mask } from './normalize.js';
import type { RefillRule, RuleSource } from './types.js';

/**
 * Refill findings in one normalized segment. A number only becomes a window when it is tied to
 * refill vocabulary (refill/refil, guarantee(d), garansi, warranty, repair, ♻, `R30`, `AR30`):
 * `30days premium`, `activity for 30days`, `30+ days`, `10 days` beside `low drop` stay unknown.
 */
export type RefillValue = { kind: 'days'; days: number } | { kind: 'lifetime' } | { kind: 'none' };

export interface RefillFinding {
  /** `offered`: refill vocabulary without a window (`Refill Button Active`, `♻️`, `[Guaranteed]`). */
  value: RefillValue | { kind: 'offered' };
  /** Weak findings (`⛔`, `♻️`, a bare "refill") only decide when no strong finding exists. */
  strong: boolean;
  fragment: string;
  source: RuleSource;
}

export interface AutoFinding {
  value: boolean;
  fragment: string;
  source: RuleSource;
}

const NO_LETTER_BEFORE = String.raw`(?<![\p{L}\p{N}])`;
const NEGATION = String.raw`(?<!(?:no|non|not|without|tanpa)\s*-?\s*)`;
const UNIT = String.raw`(days?|d|hari|weeks?|wks?|w|minggu|months?|mos?|bulan|years?|yrs?|y|tahun)(?![\p{L}])`;
const NUM_UNIT = String.raw`(\d{1,4})\s*${UNIT}`;
const WORD_TEXT = String.raw`(?:auto\s*-?\s*)?(?:refill?s?|repair|guarantee[ds]?|guaranty|garansi|warranty)(?![\p{L}])`;
const WORD = `(?:${WORD_TEXT}|♻)`;

interface Pattern {
  re: RegExp;
  value: (m: RegExpMatchArray) => RefillValue | undefined;
}

const days = (n: string | undefined, unit: string | undefined): RefillValue | undefined => {
  const count = Number(n);
  const per = unitDays(unit ?? '');
  if (!Number.isFinite(count) || per === undefined) return undefined;
  return count === 0 ? { kind: 'none' } : { kind: 'days', days: count * per };
};

function unitDays(unit: string): number | undefined {
  if (/^(?:d|days?|hari)$/.test(unit)) return 1;
  if (/^(?:w|wks?|weeks?|minggu)$/.test(unit)) return 7;
  if (/^(?:mos?|months?|bulan)$/.test(unit)) return 30;
  if (/^(?:y|yrs?|years?|tahun)$/.test(unit)) return 365;
  return undefined;
}

const re = (source: string) => new RegExp(source, 'gu');

/** Strong patterns, tried in order; each match is masked so later patterns cannot reuse it. */
const STRONG: Pattern[] = [
  // "refill: no", "[refill: no]", "❌ refill: no refill", "refill ❌", "refill no" ending a part
  // (but not "refill no drop" nor "refill no cancel")
  {
    re: re(
      String.raw`(?:❌\s*)?${NO_LETTER_BEFORE}refill?\s*(?:[:=\-]\s*(?:no(?:ne)?|n\/a)(?![\p{L}])(?!\s*(?:drop|cancel))|[:=\-]?\s*[❌✖✗]|\s+no(?:ne)?\s*$)(?:\s*refill?(?![\p{L}]))?`,
    ),
    value: () => ({ kind: 'none' }),
  },
  // "no refill", "non refil", "not guaranteed", "no guarantee", "without refill", "tanpa garansi", "❌ refill"
  {
    re: re(
      String.raw`(?:(?:❌\s*)?${NO_LETTER_BEFORE}(?:no|non|not|without|tanpa)\s*-?\s*|❌\s*)(?:refill?s?|guarantee[ds]?|guaranty|garansi|warranty)(?![\p{L}])`,
    ),
    value: () => ({ kind: 'none' }),
  },
  // "lifetime refill", "refill - lifetime", "lifetime guarantee(d)", "[ lifetime ]", "garansi seumur hidup"
  {
    re: re(
      String.raw`(?:(?:auto\s*-?\s*)?(?:refill?|guarantee[d]?|garansi)\s*[:\-]?\s*)?(?:life\s*-?\s*time|seumur\s*hidup)(?!\s*(?:premium|subscription|membership|access|licen[cs]e|plan|vip)(?![\p{L}]))(?:\s*(?:auto\s*-?\s*)?(?:refill?|guarantee[ds]?|garansi|warranty)(?![\p{L}]))?`,
    ),
    value: () => ({ kind: 'lifetime' }),
  },
  // Number first, tried before "refill 30 days" so "30d refill 2 years old" keeps 30.
  // "30 days refill", "365days refill♻", "[20day refill]", "1 year refill", "30 days ♻", "25days auto refill"
  {
    re: re(String.raw`${NO_LETTER_BEFORE}${NUM_UNIT}[\s\p{Extended_Pictographic}]*${WORD}`),
    value: (m) => days(m[1], m[2]),
  },
  // "refill 30 days", "[refill: 30d]", "refill 25 hari", "guarantee - 30 days", "auto repair - 30 days"
  {
    re: re(String.raw`${NEGATION}${WORD}\s*[:\-]?\s*(?:time\s*[:\-]?\s*)?${NUM_UNIT}`),
    value: (m) => days(m[1], m[2]),
  },
  // "r30", "[ r365 ]", "ar30", "[r30 days" (not "r30k", not "r30/day")
  {
    re: re(
      String.raw`${NO_LETTER_BEFORE}a?r(\d{1,4})(?![\p{N}.]|k(?![\p{L}])|\s*[km]?\s*(?:\/|per(?![\p{L}])))(?:\s*days?(?![\p{L}]))?`,
    ),
    value: (m) => days(m[1], 'd'),
  },
];

const WEAK_NONE = re('[⛔🚫]');
const WEAK_OFFERED = re(`${NO_LETTER_BEFORE}${WORD_TEXT}|♻+`);

/** All refill findings of one normalized segment. */
export function findRefill(segment: string, source: RuleSource): RefillFinding[] {
  const found: RefillFinding[] = [];
  let rest = segment;
  for (const pattern of STRONG) {
    for (const m of [...rest.matchAll(pattern.re)]) {
      const value = pattern.value(m);
      if (!value) continue;
      found.push({ value, strong: true, fragment: fragment(m[0]), source });
      rest = mask(rest, m.index ?? 0, m[0].length);
    }
  }
  for (const m of rest.matchAll(WEAK_NONE)) {
    found.push({ value: { kind: 'none' }, strong: false, fragment: m[0], source });
  }
  for (const m of rest.matchAll(WEAK_OFFERED)) {
    found.push({ value: { kind: 'offered' }, strong: false, fragment: fragment(m[0]), source });
  }
  return found;
}

const AUTO_NO = re(
  String.raw`${NO_LETTER_BEFORE}(?:no|non|without|tanpa)\s*-?\s*auto\s*-?\s*(?:refill?|repair)(?![\p{L}])`,
);
const AUTO_YES = re(
  String.raw`${NO_LETTER_BEFORE}(?:auto\s*-?\s*(?:refill?|repair)(?:\s*every\s*\d+\s*\p{L}+)?|refill?\s*otomatis|ar\d{1,4}(?![\p{N}]))`,
);

/** Auto-refill mechanism findings: `auto refill (every 24 hours)`, `ar30`, `auto repair`, `no auto refill`. */
export function findAuto(segment: string, source: RuleSource): AutoFinding[] {
  const found: AutoFinding[] = [];
  let rest = segment;
  for (const m of [...rest.matchAll(AUTO_NO)]) {
    found.push({ value: false, fragment: fragment(m[0]), source });
    rest = mask(rest, m.index ?? 0, m[0].length);
  }
  for (const m of rest.matchAll(AUTO_YES)) found.push({ value: true, fragment: fragment(m[0]), source });
  return found;
}

/** Human text for a refill rule, used in evidence and conflict notes. */
export function describeRefill(value: RefillRule | RefillFinding['value']): string {
  switch (value.kind) {
    case 'days':
      return `${value.days} days`;
    case 'lifetime':
      return 'lifetime';
    case 'none':
      return 'no refill';
    case 'offered':
      return 'refill mentioned, window not stated';
    default:
      return 'unknown';
  }
}

/** Orders strong values from the most to the least restrictive: none < shorter days < lifetime. */
export function restrictiveness(value: RefillValue): number {
  if (value.kind === 'none') return 0;
  if (value.kind === 'days') return value.days;
  return Number.POSITIVE_INFINITY;
}
