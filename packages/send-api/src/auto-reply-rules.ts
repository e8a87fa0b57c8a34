import safeRegex from 'safe-regex2';

export const MATCH_TYPES = ['contains', 'exact', 'startsWith', 'regex'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

export interface RulePattern {
  match: MatchType;
  pattern: string;
  /** Regex rules only; `i` is the one flag allowed (no `g`/`y` state, no `s`/`m` surprises). */
  flags?: '' | 'i';
}

/** Long patterns are where nested or alternating repetition hides; real rules are short. */
export const MAX_REGEX_LENGTH = 200;
export const MAX_TEXT_PATTERN_LENGTH = 500;
/** Only the start of a long message is matched: bounds the work per message even for a safe regex. */
export const MAX_MATCHED_TEXT = 4096;

/**
 * Why a rule's pattern cannot be accepted, in words for the person who wrote it; undefined when it is
 * fine. Regexes run on every customer message in the Node event loop, so one with catastrophic
 * backtracking (`(a+)+$` on "aaaa…!") would stall every tenant: safe-regex2 rejects star height > 1
 * and more than 25 quantifiers, and the length cap keeps the rest small.
 */
export function rulePatternProblem(rule: RulePattern): string | undefined {
  if (rule.match !== 'regex') {
    if (rule.flags) return 'flags are only for regex rules (text rules always ignore case)';
    return rule.pattern.length > MAX_TEXT_PATTERN_LENGTH
      ? `the pattern is too long (${rule.pattern.length} characters; at most ${MAX_TEXT_PATTERN_LENGTH})`
      : undefined;
  }
  if (rule.pattern.length > MAX_REGEX_LENGTH) {
    return `the regex is too long (${rule.pattern.length} characters; at most ${MAX_REGEX_LENGTH})`;
  }
  try {
    new RegExp(rule.pattern, rule.flags ?? '');
  } catch (err) {
    return `not a valid regular expression: ${(err as Error).message}`;
  }
  if (!safeRegex(rule.pattern)) {
    return (
      `the regex /${rule.pattern}/ could take exponential time on some messages: it repeats a group that ` +
      'itself repeats (like (a+)+ or (\\d+\\s?)+), has more than 25 quantifiers, or uses syntax the safety ' +
      'check cannot read (lookbehind); rewrite it without nested repetition'
    );
  }
  return undefined;
}

export type Matcher = (text: string) => boolean;

const compiled = new Map<string, Matcher>();

/** A matcher for a rule already accepted by `rulePatternProblem`; compiled once per pattern. */
export function matcherFor(rule: RulePattern): Matcher {
  const key = `${rule.match}\u0000${rule.flags ?? ''}\u0000${rule.pattern}`;
  let matcher = compiled.get(key);
  if (!matcher) {
    matcher = buildMatcher(rule);
    // Rules come from config and from tenants' edits: a bounded cache, not one entry per edit forever.
    if (compiled.size >= 5_000) compiled.clear();
    compiled.set(key, matcher);
  }
  return matcher;
}

function buildMatcher(rule: RulePattern): Matcher {
  if (rule.match === 'regex') {
    const re = new RegExp(rule.pattern, rule.flags ?? '');
    return (text) => re.test(text.slice(0, MAX_MATCHED_TEXT));
  }
  const pattern = normalize(rule.pattern);
  if (rule.match === 'exact') return (text) => normalize(text) === pattern;
  if (rule.match === 'startsWith') return (text) => normalize(text).startsWith(pattern);
  return (text) => normalize(text).includes(pattern);
}

/** Case and surrounding or repeated spaces do not matter to a text rule. */
function normalize(text: string): string {
  return text.slice(0, MAX_MATCHED_TEXT).trim().replace(/\s+/g, ' ').toLowerCase();
}
