import { segmentsOf, stripProviderId } from './normalize.js';
import {
  type AutoFinding,
  describeRefill,
  findAuto,
  findRefill,
  type RefillFinding,
  type RefillValue,
  restrictiveness,
} from './refill.js';
import { describeSpeed, findSpeed, type SpeedFinding } from './speed.js';
import { describeStart, findStart, type StartFinding, sameStart } from './start.js';
import type {
  ParseServiceRulesOptions,
  RefillRule,
  RuleSource,
  ServiceRules,
  SpeedRule,
  StartTimeRule,
} from './types.js';

const SOURCE_ORDER: Record<RuleSource, number> = { name: 0, description: 1, category: 2 };

interface Finding {
  fragment: string;
  source: RuleSource;
}

const quote = (f: Finding) => `${f.source} "${f.fragment}"`;
const cite = (field: string, f: Finding, meaning: string) => `${field}(${f.source}): "${f.fragment}" → ${meaning}`;

/**
 * Reads what a service promises from its name, description and category (all scanned the same
 * way; the panel's refill flag is only a fallback hint). See `./index.ts` for the decisions taken
 * on ambiguous names.
 */
export function parseServiceRules(name: string, options: ParseServiceRulesOptions = {}): ServiceRules {
  const texts: [RuleSource, string | undefined][] = [
    ['name', stripProviderId(name)],
    ['description', options.description],
    ['category', options.category],
  ];
  const refills: RefillFinding[] = [];
  const autos: AutoFinding[] = [];
  const starts: StartFinding[] = [];
  const speeds: SpeedFinding[] = [];
  for (const [source, text] of texts) {
    if (!text) continue;
    for (const segment of segmentsOf(text)) {
      refills.push(...findRefill(segment, source));
      autos.push(...findAuto(segment, source));
      const start = findStart(segment, source);
      starts.push(...start.findings);
      speeds.push(...findSpeed(start.rest, source));
    }
  }
  const evidence: string[] = [];
  const conflicts: string[] = [];
  const refill = decideRefill(refills, options.panelRefillFlag, evidence, conflicts);
  const autoRefill = decideAuto(refill, autos, evidence, conflicts);
  const startTime = decideStart(starts, evidence, conflicts);
  const speed = decideSpeed(speeds, evidence, conflicts);
  return { refill, autoRefill, startTime, speed, evidence, ...(conflicts.length > 0 ? { conflicts } : {}) };
}

/** Pretty JSON of the parsed rules, for `smmbot rules "<name>"`. */
export function rulesJson(name: string, options?: ParseServiceRulesOptions): string {
  return JSON.stringify(parseServiceRules(name, options), null, 2);
}

function decideRefill(
  findings: RefillFinding[],
  flag: boolean | undefined,
  evidence: string[],
  conflicts: string[],
): RefillRule {
  const strong = findings.filter((f): f is RefillFinding & { value: RefillValue } => f.strong);
  const weakNone = findings.find((f) => !f.strong && f.value.kind === 'none');
  const offered = findings.find((f) => !f.strong && f.value.kind === 'offered');
  let rule: RefillRule;
  if (strong.length > 0) {
    // The most restrictive strong finding wins: no refill < a shorter window < lifetime.
    const chosen = strong.reduce((best, f) => (restrictiveness(f.value) < restrictiveness(best.value) ? f : best));
    rule = { ...chosen.value };
    const meaning = describeRefill(rule);
    for (const f of dedupe(strong.filter((s) => describeRefill(s.value) === meaning))) {
      evidence.push(cite('refill', f, meaning));
    }
    const others = dedupe(strong.filter((s) => describeRefill(s.value) !== meaning));
    if (others.length > 0) {
      const said = others.map((f) => `${quote(f)} says ${describeRefill(f.value)}`).join('; ');
      conflicts.push(`refill: ${said}; kept the most restrictive, ${meaning} (${quote(chosen)})`);
    }
    if (rule.kind !== 'none' && weakNone) {
      conflicts.push(`refill: ${quote(weakNone)} suggests no refill; kept ${meaning} (${quote(chosen)})`);
    }
    if (rule.kind === 'none' && offered) {
      conflicts.push(`refill: ${quote(offered)} mentions refill; kept no refill (${quote(chosen)})`);
    }
  } else if (weakNone && offered) {
    rule = { kind: 'unknown' };
    evidence.push(cite('refill', offered, describeRefill(offered.value)));
    conflicts.push(`refill: ${quote(weakNone)} suggests no refill but ${quote(offered)} mentions refill`);
  } else if (weakNone) {
    rule = { kind: 'none' };
    evidence.push(cite('refill', weakNone, 'no refill'));
  } else if (offered) {
    rule = { kind: 'unknown' };
    evidence.push(cite('refill', offered, describeRefill(offered.value)));
  } else {
    if (flag === undefined) return { kind: 'unknown' };
    evidence.push(
      flag
        ? 'refill(panel flag): on → refill offered, window not stated (hint: the text says nothing)'
        : 'refill(panel flag): off → no refill (hint: the text says nothing)',
    );
    return flag ? { kind: 'unknown' } : { kind: 'none' };
  }
  const textSaysRefill = rule.kind !== 'none';
  if (flag !== undefined && flag !== textSaysRefill) {
    conflicts.push(
      `refill: the panel's refill flag is ${flag ? 'on' : 'off'} but the text says ${
        rule.kind === 'unknown' ? 'refill is offered' : describeRefill(rule)
      }; kept the text`,
    );
  }
  return rule;
}

function decideAuto(refill: RefillRule, autos: AutoFinding[], evidence: string[], conflicts: string[]) {
  const yes = autos.find((f) => f.value);
  const no = autos.find((f) => !f.value);
  if (refill.kind === 'none') {
    evidence.push('autoRefill: false because the service has no refill');
    if (yes) conflicts.push(`autoRefill: ${quote(yes)} mentions auto refill but the service has no refill`);
    return false;
  }
  if (yes) {
    evidence.push(cite('autoRefill', yes, 'auto refill'));
    if (no) conflicts.push(`autoRefill: ${quote(no)} contradicts ${quote(yes)}; kept auto refill`);
    return true;
  }
  if (no) {
    evidence.push(cite('autoRefill', no, 'no auto refill'));
    return false;
  }
  return 'unknown';
}

function decideStart(findings: StartFinding[], evidence: string[], conflicts: string[]): StartTimeRule {
  const measurable = findings.filter((f) => f.value !== 'slow');
  if (measurable.length === 0) {
    const slow = findings[0];
    if (slow) evidence.push(cite('startTime', slow, describeStart('slow')));
    return 'unknown';
  }
  // The name first, then the description, then the category; within a text, the most explicit phrase.
  const chosen = [...measurable].sort((a, b) => SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] || b.rank - a.rank)[0]!;
  const value = chosen.value as Exclude<StartTimeRule, 'unknown'>;
  evidence.push(cite('startTime', chosen, describeStart(value)));
  const others = dedupe(measurable.filter((f) => !sameStart(f.value, value)));
  if (others.length > 0) {
    const said = others.map((f) => `${quote(f)} says ${describeStart(f.value)}`).join('; ');
    conflicts.push(`startTime: ${said}; kept ${describeStart(value)} (${quote(chosen)})`);
  }
  return value;
}

function decideSpeed(findings: SpeedFinding[], evidence: string[], conflicts: string[]): SpeedRule {
  const chosen = [...findings].sort((a, b) => SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source])[0];
  if (!chosen) return 'unknown';
  const meaning = describeSpeed(chosen.value);
  evidence.push(cite('speed', chosen, meaning));
  const others = dedupe(findings.filter((f) => describeSpeed(f.value) !== meaning));
  if (others.length > 0) {
    const said = others.map((f) => `${quote(f)} says ${describeSpeed(f.value)}`).join('; ');
    conflicts.push(`speed: ${said}; kept ${meaning} (${quote(chosen)})`);
  }
  return chosen.value;
}

function dedupe<T extends Finding>(findings: T[]): T[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = quote(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
