import { describe, expect, it } from 'vitest';
import {
  applyServiceRuleOverride,
  isWithinRefillWindow,
  type PanelService,
  parseServiceRules,
  refillWindowEnds,
  resolveServiceRules,
  rulesJson,
  type ServiceRules,
  serviceRuleOverridesSchema,
  startWindowEnds,
} from '../../src/index.js';
import { days, INSTANT, LIFETIME, NONE, perDay, perHour, UNKNOWN, UNKNOWN_REFILL, within } from './expect.js';

describe('description, category and the panel refill flag', () => {
  it('scans the description: Refill, start and speed lines', () => {
    const rules = parseServiceRules('Instagram Followers', {
      description: '✅ Refill: 365 Days\n⚡ Start: 0-1 Hour\n🚀 Speed: 10K/Day',
    });
    expect(rules.refill).toEqual(days(365));
    expect(rules.startTime).toEqual(within(0, 60));
    expect(rules.speed).toEqual(perDay(10_000));
    expect(rules.evidence[0]).toBe('refill(description): "refill: 365 days" → 365 days');
  });

  it('name and description disagree: the shorter window wins, with a conflict note', () => {
    const rules = parseServiceRules('Instagram Followers | 365Days Refill♻️', { description: 'Refill: 130 Days' });
    expect(rules.refill).toEqual(days(130));
    expect(rules.conflicts).toEqual([
      'refill: name "365days refill" says 365 days; kept the most restrictive, 130 days (description "refill: 130 days")',
    ]);
    // Whichever text holds the shorter window.
    expect(parseServiceRules('Refill 30 Days', { description: 'Refill - Lifetime' }).refill).toEqual(days(30));
  });

  it('"❌ Refill: No Refill" in a description beats a lifetime name, with a conflict note', () => {
    const rules = parseServiceRules('Followers | Lifetime', { description: '❌ Refill: No Refill' });
    expect(rules.refill).toEqual(NONE);
    expect(rules.autoRefill).toBe(false);
    expect(rules.conflicts?.[0]).toMatch(
      /^refill: name "lifetime" says lifetime; kept the most restrictive, no refill/,
    );
  });

  it('a category window or [ Lifetime ] applies when the name says nothing', () => {
    expect(parseServiceRules('Instagram Followers', { category: 'Instagram [ Lifetime ]' }).refill).toEqual(LIFETIME);
    expect(parseServiceRules('Instagram Followers', { category: 'Instagram [ No Refill ]' }).refill).toEqual(NONE);
    expect(parseServiceRules('Instagram Followers', { category: 'Instagram [Guaranteed]' }).refill).toEqual(
      UNKNOWN_REFILL,
    );
  });

  it('the name beats the description for start time and speed, with conflict notes', () => {
    const rules = parseServiceRules('Likes | Instant | 50k/Day', { description: 'Start: 0-6 Hours\nSpeed: 5k/Day' });
    expect(rules.startTime).toEqual(INSTANT);
    expect(rules.speed).toEqual(perDay(50_000));
    expect(rules.conflicts).toHaveLength(2);
  });

  it('the panel flag is only a hint: the text wins, a disagreement is noted', () => {
    const jap = parseServiceRules('Instagram Followers [Refill: 30D]', { panelRefillFlag: false });
    expect(jap.refill).toEqual(days(30));
    expect(jap.conflicts).toEqual(["refill: the panel's refill flag is off but the text says 30 days; kept the text"]);

    const noRefill = parseServiceRules('Likes | No Refill', { panelRefillFlag: true });
    expect(noRefill.refill).toEqual(NONE);
    expect(noRefill.conflicts?.[0]).toContain('flag is on');

    expect(parseServiceRules('Likes | 365 Days Refill', { panelRefillFlag: true }).conflicts).toBeUndefined();
  });

  it('the panel flag decides only when the text says nothing about refill', () => {
    const off = parseServiceRules('Instagram Likes', { panelRefillFlag: false });
    expect(off.refill).toEqual(NONE);
    expect(off.evidence[0]).toMatch(/^refill\(panel flag\): off/);
    const on = parseServiceRules('Instagram Likes', { panelRefillFlag: true });
    expect(on.refill).toEqual(UNKNOWN_REFILL);
    expect(on.autoRefill).toBe(UNKNOWN);
    expect(on.evidence[0]).toMatch(/^refill\(panel flag\): on/);
    expect(parseServiceRules('Instagram Likes').evidence).toEqual([]);
  });
});

describe('resolveServiceRules (per-tenant overrides by service id)', () => {
  const service: PanelService = {
    id: '1042',
    name: 'Instagram Followers | 30 Days Refill | Instant | 10k/Day',
    category: 'Instagram Followers',
    refill: false,
  };

  it('without an override: the parse of name, description, category and flag', () => {
    const rules = resolveServiceRules(service, {});
    expect(rules.refill).toEqual(days(30));
    expect(rules.conflicts).toEqual([
      "refill: the panel's refill flag is off but the text says 30 days; kept the text",
    ]);
  });

  it('applies the override of that id only, says so in evidence, drops settled conflicts', () => {
    const overrides = { '1042': { refill: LIFETIME, speed: perHour(100) }, '7': { refill: NONE } };
    const rules = resolveServiceRules(service, overrides);
    expect(rules.refill).toEqual(LIFETIME);
    expect(rules.speed).toEqual(perHour(100));
    expect(rules.startTime).toEqual(INSTANT);
    expect(rules.evidence).toEqual([
      'startTime(name): "instant" → instant',
      'refill(override): tenant override for service 1042 → lifetime (parsed: 30 days)',
      'speed(override): tenant override for service 1042 → 100/hour (2400/day) (parsed: 10000/day)',
    ]);
    expect(rules.conflicts).toBeUndefined();
    expect(resolveServiceRules({ ...service, id: '8' }, overrides).refill).toEqual(days(30));
  });

  it('overriding refill keeps autoRefill consistent', () => {
    const none = resolveServiceRules(service, { '1042': { refill: NONE } });
    expect(none.autoRefill).toBe(false);
    expect(none.evidence).toContain(
      'autoRefill(override): tenant override for service 1042 → false (follows the overridden refill)',
    );
    const reopened = resolveServiceRules({ id: '5', name: 'Likes | No Refill' }, { '5': { refill: days(7) } });
    expect(reopened.refill).toEqual(days(7));
    expect(reopened.autoRefill).toBe(UNKNOWN);
    const both = resolveServiceRules({ id: '5', name: 'No Refill' }, { '5': { refill: days(7), autoRefill: true } });
    expect(both.autoRefill).toBe(true);
  });

  it('an hourly speed override without perDay is normalized', () => {
    const override = { speed: { perHour: 50 } } as unknown as Partial<ServiceRules>;
    expect(applyServiceRuleOverride(parseServiceRules('x'), override).speed).toEqual(perHour(50));
  });

  it('ignores inherited keys: a service id like "constructor" has no override', () => {
    const rules = resolveServiceRules({ id: 'constructor', name: 'R30' }, {});
    expect(rules.refill).toEqual(days(30));
    expect(rules.evidence.some((e) => e.includes('override'))).toBe(false);
  });

  it('passes description, category and the refill flag to the parser', () => {
    const rules = resolveServiceRules(
      { id: '9', name: 'Views', description: 'Guarantee - 30 Days', category: 'YouTube', refill: true },
      {},
    );
    expect(rules.refill).toEqual(days(30));
    expect(rules.conflicts).toBeUndefined();
  });

  it('validates stored overrides with the schema', () => {
    const ok = serviceRuleOverridesSchema.parse({
      '1': { refill: { kind: 'days', days: 30 }, speed: { perHour: 10 } },
    });
    expect(ok['1']?.speed).toEqual(perHour(10));
    expect(serviceRuleOverridesSchema.safeParse({ '1': { refill: { kind: 'days', days: 0 } } }).success).toBe(false);
    expect(serviceRuleOverridesSchema.safeParse({ '1': { refill: { kind: 'weeks' } } }).success).toBe(false);
    expect(serviceRuleOverridesSchema.safeParse({ '1': { startTime: { minMinutes: 9, maxMinutes: 1 } } }).success).toBe(
      false,
    );
    expect(serviceRuleOverridesSchema.safeParse({ '1': { refil: NONE } }).success).toBe(false);
  });
});

describe('window helpers', () => {
  const completedAt = new Date('2024-03-01T10:00:00Z');

  it('refillWindowEnds: days → completedAt + days; lifetime → never; none/unknown → undefined', () => {
    expect(refillWindowEnds({ refill: days(30) }, completedAt)).toEqual(new Date('2024-03-31T10:00:00Z'));
    expect(refillWindowEnds(parseServiceRules('[ 1 Year REFILL]'), completedAt)).toEqual(
      new Date('2025-03-01T10:00:00Z'),
    );
    expect(refillWindowEnds({ refill: LIFETIME }, completedAt)).toBe('never');
    expect(refillWindowEnds({ refill: NONE }, completedAt)).toBeUndefined();
    expect(refillWindowEnds({ refill: UNKNOWN_REFILL }, completedAt)).toBeUndefined();
    expect(refillWindowEnds({ refill: days(30) }, new Date('not a date'))).toBeUndefined();
  });

  it('isWithinRefillWindow: inclusive end, false without refill, undefined when unknown', () => {
    const r30 = { refill: days(30) };
    expect(isWithinRefillWindow(r30, completedAt, new Date('2024-03-31T10:00:00Z'))).toBe(true);
    expect(isWithinRefillWindow(r30, completedAt, new Date('2024-03-31T10:00:01Z'))).toBe(false);
    expect(isWithinRefillWindow({ refill: LIFETIME }, completedAt, new Date('2030-01-01'))).toBe(true);
    expect(isWithinRefillWindow({ refill: NONE }, completedAt, completedAt)).toBe(false);
    expect(isWithinRefillWindow({ refill: UNKNOWN_REFILL }, completedAt, completedAt)).toBeUndefined();
  });

  it('startWindowEnds: createdAt + upper bound; instant → createdAt (+ grace); unknown → undefined', () => {
    const createdAt = new Date('2024-03-01T10:00:00Z');
    expect(startWindowEnds(parseServiceRules('Start Time 24-48 Hours'), createdAt)).toEqual(
      new Date('2024-03-03T10:00:00Z'),
    );
    expect(startWindowEnds({ startTime: within(0, 5) }, createdAt)).toEqual(new Date('2024-03-01T10:05:00Z'));
    expect(startWindowEnds({ startTime: INSTANT }, createdAt)).toEqual(createdAt);
    expect(startWindowEnds({ startTime: INSTANT }, createdAt, { instantGraceMinutes: 15 })).toEqual(
      new Date('2024-03-01T10:15:00Z'),
    );
    expect(startWindowEnds({ startTime: UNKNOWN }, createdAt)).toBeUndefined();
  });
});

describe('rulesJson', () => {
  it('prints the parsed rules as pretty JSON', () => {
    const json = rulesJson('Instagram Followers | 30D Refill | 0-1 Hour Start Time | 10k/Day');
    expect(json).toContain('\n  "refill": {\n    "kind": "days",\n    "days": 30\n  },');
    expect(JSON.parse(json)).toEqual(
      parseServiceRules('Instagram Followers | 30D Refill | 0-1 Hour Start Time | 10k/Day'),
    );
  });
});
