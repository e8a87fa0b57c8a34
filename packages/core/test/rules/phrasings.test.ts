import { describe, expect, it } from 'vitest';
import {
  normalizeServiceText,
  parseServiceRules,
  type RefillRule,
  type SpeedRule,
  type StartTimeRule,
  segmentsOf,
} from '../../src/index.js';
import { days, INSTANT, LIFETIME, NONE, perDay, perHour, UNKNOWN, UNKNOWN_REFILL, within } from './expect.js';

/** Each phrase alone and inside a realistic name, to check that separators do not change the result. */
const inName = (phrase: string) => [phrase, `Instagram Followers | Real | ${phrase} | Fast`];

describe('normalization', () => {
  it('applies NFKC, folds case, maps dashes, drops variation selectors, collapses spaces', () => {
    expect(normalizeServiceText('𝗥𝗘𝗙𝗜𝗟𝗟   30D – 𝗟𝗶𝗳𝗲𝘁𝗶𝗺𝗲 — ♻️')).toBe('refill 30d - lifetime - ♻');
    expect(normalizeServiceText('𝗠𝗶𝗻 𝟭𝟬𝗞 | ｍａｘ　１Ｍ')).toBe('min 10k | max 1m');
    expect(normalizeServiceText('Speed: 1,000,000 per day')).toBe('speed: 1000000 per day');
  });

  it('splits on separators and tolerates unbalanced brackets', () => {
    expect(segmentsOf('Instagram [R30 Days | 10k/Day')).toEqual(['instagram', 'r30 days', '10k/day']);
    expect(segmentsOf('Refill: 30 Days.\nStart: Instant')).toEqual(['refill: 30 days', 'start: instant']);
    expect(segmentsOf('Speed 1.5k/day')).toEqual(['speed 1.5k/day']);
  });
});

describe('refill windows (tied to refill vocabulary)', () => {
  const cases: [string, number, boolean | 'unknown'][] = [
    ['30 Days Refill', 30, 'unknown'],
    ['Refill 30 Days', 30, 'unknown'],
    ['30D Refill', 30, 'unknown'],
    ['365D Refill', 365, 'unknown'],
    ['365Days Refill♻️', 365, 'unknown'],
    ['[Refill: 30D]', 30, 'unknown'],
    ['[Refill: 60 Days]', 60, 'unknown'],
    ['(Refill 30D)', 30, 'unknown'],
    ['[ 30 days refill ]', 30, 'unknown'],
    ['[20day Refill]', 20, 'unknown'],
    ['[25Days Auto Refill]', 25, true],
    ['2Days Refill', 2, 'unknown'],
    ['[ 1 Year REFILL]', 365, 'unknown'],
    ['R30', 30, 'unknown'],
    ['[ R365 ]', 365, 'unknown'],
    ['R60', 60, 'unknown'],
    ['AR30', 30, true],
    ['AR365', 365, true],
    ['[R30 Days', 30, 'unknown'],
    ['30 Days ♻️', 30, 'unknown'],
    ['REFILL 25 HARI', 25, 'unknown'],
    ['𝗥𝗘𝗙𝗜𝗟𝗟 30D', 30, 'unknown'],
    ['Refill 15 Days ⚡️♻️', 15, 'unknown'],
    ['Stable 365 Days Refill', 365, 'unknown'],
    ['Guarantee - 30 Days', 30, 'unknown'],
    ['Guarantee – 30 Days', 30, 'unknown'],
    ['Auto Repair - 30 Days', 30, true],
    ['Refill 2 Months', 60, 'unknown'],
    ['Refill: 6 Months', 180, 'unknown'],
    ['3 Weeks Refill', 21, 'unknown'],
    ['2 Years Guarantee', 730, 'unknown'],
    ['30 Days Refill No Cancel', 30, 'unknown'],
    ['30D Refill 2 Years Old Accounts', 30, 'unknown'],
  ];
  it.each(cases.flatMap(([phrase, n, auto]) => inName(phrase).map((text) => [text, n, auto] as const)))(
    '%s → %i days',
    (text, n, auto) => {
      const rules = parseServiceRules(text);
      expect(rules.refill).toEqual(days(n));
      expect(rules.autoRefill).toBe(auto);
      expect(rules.evidence.find((e) => e.startsWith('refill('))).toContain(`→ ${n} days`);
      expect(rules.conflicts).toBeUndefined();
    },
  );
});

describe('lifetime refill', () => {
  const phrases = [
    'Lifetime Refill',
    'LifeTime Refill',
    'LIfetime Refill',
    'Refill - Lifetime',
    'Refill — Lifetime',
    'Lifetime Guarantee',
    'Lifetime Guaranteed',
    'Lifetime Guarantee(d)',
    '[ Lifetime ]',
    'lifetime',
    '𝗟𝗶𝗳𝗲𝘁𝗶𝗺𝗲 𝗚𝘂𝗮𝗿𝗮𝗻𝘁𝗲𝗲',
    '𝑳𝒊𝒇𝒆𝒕𝒊𝒎𝒆',
  ];
  it.each(phrases.flatMap(inName))('%s → lifetime', (text) => {
    expect(parseServiceRules(text).refill).toEqual(LIFETIME);
  });

  it('"Lifetime Premium" is a subscription, not a refill', () => {
    expect(parseServiceRules('Telegram Lifetime Premium').refill).toEqual(UNKNOWN_REFILL);
  });
});

describe('no refill', () => {
  const phrases = ['No Refill', '[Refill: No]', 'Non Refill', 'Non Refil', 'Non-Refill', '⛔', 'Not Guaranteed'];
  it.each(phrases.flatMap(inName))('%s → none', (text) => {
    const rules = parseServiceRules(text);
    expect(rules.refill).toEqual(NONE);
    expect(rules.autoRefill).toBe(false);
  });

  it('reads "Not Guaranteed" in the category', () => {
    const rules = parseServiceRules('Instagram Followers | 10k/Day', {
      category: 'Instagram Followers [Not Guaranteed]',
    });
    expect(rules.refill).toEqual(NONE);
    expect(rules.evidence).toContain('refill(category): "not guaranteed" → no refill');
  });

  it('"0 Days Refill" is no refill', () => {
    expect(parseServiceRules('0 Days Refill').refill).toEqual(NONE);
  });

  it.each(['Non Drop', 'No Drop', 'NEVER DROP', 'Zero Drop', 'Refill No Drop'])(
    '"%s" is not a refill promise',
    (text) => {
      const rules = parseServiceRules(`Instagram Followers | ${text}`);
      expect(rules.refill.kind).not.toBe('none');
      expect(rules.refill.kind).not.toBe('days');
      expect(rules.refill.kind).not.toBe('lifetime');
    },
  );
});

describe('traps never become refill windows', () => {
  it.each([
    'Drop – 100%',
    '30Days Premium',
    '7 Days Premium',
    'Activity for 30Days',
    '30+ Days',
    'Min 10K',
    'Max 1M',
    '𝗠𝗶𝗻 𝟭𝟬𝗞',
    '[ 1 Hour Start Time ]',
    '5 % Drop Possible',
    'Low Drop | 10 Days',
    'Low Drop 10 Days',
    '30 Days',
    '25186 - Instagram Followers',
    'Best From 2 Years',
  ])('%s → refill unknown, no evidence', (text) => {
    const rules = parseServiceRules(text);
    expect(rules.refill).toEqual(UNKNOWN_REFILL);
    expect(rules.evidence.filter((e) => e.startsWith('refill'))).toEqual([]);
  });

  it('Auto Refill Every 24 Hours: a mechanism, auto refill, window unknown', () => {
    const rules = parseServiceRules('Instagram Zero Drop followers | Auto Refill Every 24 Hours |');
    expect(rules.refill).toEqual(UNKNOWN_REFILL);
    expect(rules.autoRefill).toBe(true);
    expect(rules.evidence).toContain('autoRefill(name): "auto refill every 24 hours" → auto refill');
    expect(rules.startTime).toBe(UNKNOWN);
  });

  it('Refill Button Active: refill mentioned, no window; beside Lifetime Guarantee → lifetime', () => {
    expect(parseServiceRules('Refill Button Active').refill).toEqual(UNKNOWN_REFILL);
    expect(parseServiceRules('Refill Button Active').evidence[0]).toContain('window not stated');
    expect(parseServiceRules('Lifetime Guarantee | Refill Button Active').refill).toEqual(LIFETIME);
  });

  it('Min/Max quantities are not speeds, a start time is not a refill', () => {
    const rules = parseServiceRules('Instagram Followers | Min 10K | Max 1M | [ 1 Hour Start Time ]');
    expect(rules.speed).toBe(UNKNOWN);
    expect(rules.refill).toEqual(UNKNOWN_REFILL);
    expect(rules.startTime).toEqual(within(0, 60));
  });

  it('a numeric provider id prefix is ignored', () => {
    expect(parseServiceRules('25186 - Instagram Followers | 1 Hour Start Time').startTime).toEqual(within(0, 60));
    expect(parseServiceRules('25186 - 1 - 2 Hours Start Time').startTime).toEqual(within(60, 120));
    expect(parseServiceRules('25186 - 1K/Day').speed).toEqual(perDay(1000));
    expect(parseServiceRules('25186 - 30 Days Refill').refill).toEqual(days(30));
  });

  it('"30D Refill ♻️⛔": the stated window wins over a bare ⛔, with a conflict note', () => {
    const rules = parseServiceRules('30D Refill ♻️⛔');
    expect(rules.refill).toEqual(days(30));
    expect(rules.conflicts).toEqual(['refill: name "⛔" suggests no refill; kept 30 days (name "30d refill")']);
  });
});

describe('start time', () => {
  const cases: [string, StartTimeRule][] = [
    ['Instant', INSTANT],
    ['Super instant', INSTANT],
    ['Instant Start', INSTANT],
    ['[ Start - Instant ]', INSTANT],
    ['Start Time 0-5 Minutes', within(0, 5)],
    ['0-1 Hour Start Time', within(0, 60)],
    ['0-1/H Start Time', within(0, 60)],
    ['Start 0 - 6 Hours', within(0, 360)],
    ['1 - 5 Hours Start Time', within(60, 300)],
    ['[Start Time: 0 - 1 Hr]', within(0, 60)],
    ['[Start Time: 0-3 Hours]', within(0, 180)],
    ['Start Time 24-48 Hours', within(1440, 2880)],
    ['[1-6 Hours Start]', within(60, 360)],
    ['1 Hour Start Time', within(0, 60)],
    ['5 Minutes Start Time', within(0, 5)],
    ['10 Minutes Time', within(0, 10)],
    ['Start Time: 1 Day', within(0, 1440)],
    ['Usually Starts Slowly', UNKNOWN],
    ['Not Instant', UNKNOWN],
    ['1-6 Hours', UNKNOWN],
    ['Retention 2 - 3 Minute', UNKNOWN],
    ['60-65 Sec', UNKNOWN],
  ];
  it.each(cases.flatMap(([phrase, rule]) => inName(phrase).map((text) => [text, rule] as const)))(
    '%s',
    (text, rule) => {
      expect(parseServiceRules(text).startTime).toEqual(rule);
    },
  );

  it('"Usually Starts Slowly" is recognized but unknown', () => {
    expect(parseServiceRules('Usually Starts Slowly').evidence).toEqual([
      'startTime(name): "usually starts slowly" → starts slowly (no time stated)',
    ]);
  });

  it('an explicit start phrase beats a bare "Instant", with a conflict note', () => {
    const rules = parseServiceRules('Instant | 0-1 Hour Start Time');
    expect(rules.startTime).toEqual(within(0, 60));
    expect(rules.conflicts?.[0]).toMatch(/^startTime: name "instant" says instant; kept 0-60 minutes/);
  });
});

describe('speed', () => {
  const cases: [string, SpeedRule][] = [
    ['100k/D', perDay(100_000)],
    ['30k Per Day', perDay(30_000)],
    ['Speed 100K+ / DAY', perDay(100_000)],
    ['Speed 50K+ Per DAY', perDay(50_000)],
    ['[ 50k / Day ]', perDay(50_000)],
    ['[Speed: Up to 100K/D]', perDay(100_000)],
    ['Day 50K', perDay(50_000)],
    ['Per Day 20-50', perDay(20)],
    ['[200/300 P/H]', perHour(200)],
    ['[100k P/D Speed]', perDay(100_000)],
    ['500k Per Hour', perHour(500_000)],
    ['SPEED 3-10k/days', perDay(3_000)],
    ['Speed 50/80 M Per Day', perDay(50_000_000)],
    ['10k-20k/Day', perDay(10_000)],
    ['1 - 2K Per Day', perDay(1_000)],
    ['Speed 700-1k/Day', perDay(700)],
    ['100 - 150 / Day', perDay(100)],
    ['Speed: 1,000 per day', perDay(1_000)],
    ['1.5k/day', perDay(1_500)],
    ['Min 10K', UNKNOWN],
    ['Max 1M', UNKNOWN],
    ['Super Fast', UNKNOWN],
    ['30 Days 50K', UNKNOWN],
    ['0-1/H Start Time', UNKNOWN],
  ];
  it.each(cases.flatMap(([phrase, rule]) => inName(phrase).map((text) => [text, rule] as const)))(
    '%s',
    (text, rule) => {
      expect(parseServiceRules(text).speed).toEqual(rule);
    },
  );

  it('hourly speeds keep perHour and are normalized to perDay', () => {
    expect(parseServiceRules('500k Per Hour').speed).toEqual({ perHour: 500_000, perDay: 12_000_000 });
  });

  it('the first speed wins; a different one is a conflict note', () => {
    const rules = parseServiceRules('10k per day | 500 per hour');
    expect(rules.speed).toEqual(perDay(10_000));
    expect(rules.conflicts).toEqual([
      'speed: name "500 per hour" says 500/hour (12000/day); kept 10000/day (name "10k per day")',
    ]);
  });
});

describe('evidence', () => {
  it('names the fragment that decided each field', () => {
    const rules = parseServiceRules('Snapchat Followers [ Start - Instant ] [ Speed 700-1k/Day ] Refill 30 Days ♻️🔥');
    expect(rules.evidence).toEqual([
      'refill(name): "30 days ♻" → 30 days',
      'startTime(name): "start - instant" → instant',
      'speed(name): "700-1k/day" → 700/day',
    ]);
  });

  it('a refill rule is a plain value (no shared state between calls)', () => {
    const a = parseServiceRules('R30').refill as Extract<RefillRule, { kind: 'days' }>;
    a.days = 1;
    expect(parseServiceRules('R30').refill).toEqual(days(30));
  });
});
