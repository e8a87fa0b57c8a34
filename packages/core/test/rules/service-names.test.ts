import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseServiceRules, type RefillRule, type SpeedRule, type StartTimeRule } from '../../src/index.js';
import { days, INSTANT, LIFETIME, NONE, perDay, perHour, UNKNOWN, within } from './expect.js';

/** The real-world names, read at test time from the repo copy (comments and blank lines skipped). */
const FILE = new URL('../../../../bench/data/service-names.txt', import.meta.url);
const fileNames = readFileSync(FILE, 'utf8')
  .split(/\r?\n/)
  .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));

const REFILL_UNKNOWN: RefillRule = { kind: 'unknown' };
const U = UNKNOWN;

type Row = [name: string, refill: RefillRule, autoRefill: boolean | 'unknown', start: StartTimeRule, speed: SpeedRule];

// Names are verbatim (trailing spaces, double spaces, Unicode italics, emoji included).
// biome-ignore format: one row per name reads as a table
const TABLE: Row[] = [
  ['Twitter Followers [ X ] | 100k/D | Non Refil | Super instant', NONE, false, INSTANT, perDay(100000)],
  ['Twitter Likes [ X ] | 100k/D | Super Fast | Refill 30 Days | instant ♻️⚡', days(30), 'unknown', INSTANT, perDay(100000)],
  ['Twitter Likes [ X ] | 100k/D | Super Fast | Refill - Lifetime | instant ♻️⚡', LIFETIME, 'unknown', INSTANT, perDay(100000)],
  ['Instagram Followers | Old Accounts With 15 Posts | 30k Per Day | 365 Days Refill', days(365), 'unknown', U, perDay(30000)],
  // Mechanism without a window: auto refill, window unknown.
  ['Instagram Zero Drop followers | Auto Refill Every 24 Hours |', REFILL_UNKNOWN, true, U, U],
  ['Instagram Followers | Non Drop | Lifetime Refill | Ultra Fast | One Click Done I', LIFETIME, 'unknown', U, U],
  ['Instagram Followers | Low Drop | 30 Days Refill | 100K Per Day', days(30), 'unknown', U, perDay(100000)],
  ['Instagram Likes | Old Account With Profile Post | 50K Per Day | No Refill', NONE, false, U, perDay(50000)],
  // A single start value is an upper bound: "1 Hour Start Time" → 0-60 minutes.
  ['IInstagram 90% Pure Active Indian Followers | Low Drop | 2K Per Day l Lifetime Refill | 1 Hour Start Time', LIFETIME, 'unknown', within(0, 60), perDay(2000)],
  ['Instagram Indian Custom Comment | Start 0 - 6 Hours', REFILL_UNKNOWN, 'unknown', within(0, 360), U],
  ['Instagram Share | Instant | Working | Stable 365 Days Refill', days(365), 'unknown', INSTANT, U],
  // "0-1/H" belongs to the start time, not to the speed.
  ['Instagram Story Views + Impressions | 10K/D | 0-1/H Start Time', REFILL_UNKNOWN, 'unknown', within(0, 60), perDay(10000)],
  // "700-1k/Day": the k does not apply to 700 (the range would go down), so 700/day.
  ['Snapchat Followers [ Start - Instant ] [ Speed 700-1k/Day ] Refill 30 Days ♻️🔥', days(30), 'unknown', INSTANT, perDay(700)],
  ['Telegram 100% Active And Online Member | Only In This Service | Non Drop | LIfetime Refill | 100K Per Day', LIFETIME, 'unknown', U, perDay(100000)],
  ['Telegram Member | 100K Per Day | Lifetime Refill On Fresh | 0-1 Hour Start Time', LIFETIME, 'unknown', within(0, 60), perDay(100000)],
  ['Telegram Members | 60 Days Refill | Instant Almost', days(60), 'unknown', INSTANT, U],
  ['Telegram Member | Non Drop | 100K Per Day | 90 Days Refill | 5 Minutes Start Time', days(90), 'unknown', within(0, 5), perDay(100000)],
  ['Telegram Member | 50K Per Day | 10% Drop Possible | Lifetime Refill | Instant Start', LIFETIME, 'unknown', INSTANT, perDay(50000)],
  // Traps: "Activity for 30Days", "30Days Premium" are subscription lengths, not refill.
  ['Telegram Premium Bot Start + Add Note + Activity for 30Days | 30Days Premium | Instant', REFILL_UNKNOWN, 'unknown', INSTANT, U],
  ['YouTube Retention Views | 60-65 Sec | 50K Per Day | HQ Non Drop | Lifetime Refill | 0-1 Hour Start Time', LIFETIME, 'unknown', within(0, 60), perDay(50000)],
  // "2 - 3 Minute" is retention, not a start time.
  ['Youtube Views | Retention 2 - 3 Minute | Lifetime Refill | 1K Per Day | 1 - 5 Hours Start Time', LIFETIME, 'unknown', within(60, 300), perDay(1000)],
  ['Youtube Views | No Drop | 1 - 2K Per Day| Real Ads | 0 - 12 Hours Start Time', REFILL_UNKNOWN, 'unknown', within(0, 720), perDay(1000)],
  ['Youtube Short Views | 5 % Drop Possible | Lifetime Refill | 1 - 2K Per Day | 1 Hour Start Time', LIFETIME, 'unknown', within(0, 60), perDay(1000)],
  ['Facebook Followers | Page\\Profile | Low Drop | No Refill | 30K Per Day | 0-1 Hour Start Time', NONE, false, within(0, 60), perDay(30000)],
  // "10 Minutes Time": a duration tied to "time" is read as the start time.
  ['Facebook Group Members | Lifetime Refill | 50K Per Day | 10 Minutes Time', LIFETIME, 'unknown', within(0, 10), perDay(50000)],
  // A bare "1-6 Hours" is not tied to "start": unknown, not guessed.
  ['Facebook Reels Views | Low Drop | 200K Per Day | No Refill | 1-6 Hours', NONE, false, U, perDay(200000)],
  ['Facebook Comment Likes | Drop Possible | 5 Days Refill', days(5), 'unknown', U, U],
  ['Facebook Video Views | 10k-20k/Day | Non Drop | Lifetime Guarantee  |', LIFETIME, 'unknown', U, perDay(10000)],
  ['Instagram Followers | Real | Max 100k | 5k-20k/Day | 365D Refill | ♻️', days(365), 'unknown', U, perDay(5000)],
  ['Instagram Followers | Max 1M | Non Drop | 50k/Day | 365 Days Refill♻️', days(365), 'unknown', U, perDay(50000)],
  ['Instagram Followers | Real | Max 1M | 50k-100k/Day | Non Drop | 365Days Refill♻️', days(365), 'unknown', U, perDay(50000)],
  ['Instagram Followers | Max 10M | 30k-50k/Day | Non Drop | 130D Refill |♻️', days(130), 'unknown', U, perDay(30000)],
  // "⛔" is weak: the stated window wins (a conflict note is added, see below).
  ['Instagram Followers | Real | Good Quality | 10k/Day | 30D Refill ♻️⛔', days(30), 'unknown', U, perDay(10000)],
  ['Instagram Followers | Bot | Max 10k | 10k/day | No Refill |', NONE, false, U, perDay(10000)],
  ['Instagram Likes | Real | Max 10k | 10k/Hour | Lifetime Guarantee | ♻️♻️', LIFETIME, 'unknown', U, perHour(10000)],
  ['Tiktok Followers | Real | Max 100k | 10k-20k/Day | 120 Days Refill | ♻️', days(120), 'unknown', U, perDay(10000)],
  ['Youtube Views | Max 1M | 2k-5k/Day | Non Drop | Lifetime Refill♻️', LIFETIME, 'unknown', U, perDay(2000)],
  // "NEVER DROP" is not a refill promise.
  ['Youtube Superfast Views | SUGGESTED VIEWS+ 2% Free Likes | 500k/Day | NEVER DROP |🔥🔥', REFILL_UNKNOWN, 'unknown', U, perDay(500000)],
  ['YouTube Subscribers [ R365 ] [ 100 - 150 / Day ] Fast', days(365), 'unknown', U, perDay(100)],
  ['Instagram Likes [ 50k / Day ] [ R30 ] Instant', days(30), 'unknown', INSTANT, perDay(50000)],
  // "2 Years" is account age; AR30 is a 30-day auto refill.
  ['Instagram Followers [ Best From 2 Years ] [ AR30 ] Instant', days(30), true, INSTANT, U],
  ['Instagram Followers [ Best From 3 Years ] [ Lifetime ] Instant', LIFETIME, 'unknown', INSTANT, U],
  ['Instagram Followers [ 𝑳𝒊𝒇𝒆𝒕𝒊𝒎𝒆 ] [ 𝑶𝒍𝒅 𝑨𝒄𝒄𝒐𝒖𝒏𝒕 ]', LIFETIME, 'unknown', U, U],
  ['Instagram Followers [ 50k / Day ] [ lifetime ] Fast', LIFETIME, 'unknown', U, perDay(50000)],
  ['Instagram Followers [ 100% Russian 🇷🇺 Followers ] [ R30 ] Fast', days(30), 'unknown', U, U],
  // "Slow" describes speed, not the start.
  ['Instagram Followers [ Indian Mix ] 🇮🇳 [ 1K / Day ] Slow', REFILL_UNKNOWN, 'unknown', U, perDay(1000)],
  ['Instagram Views [ 50k / hour ] [ Non Drop ] Fast', REFILL_UNKNOWN, 'unknown', U, perHour(50000)],
  ['Instagram Followers [ 100k / Day ] [ Old Account ] Instant', REFILL_UNKNOWN, 'unknown', INSTANT, perDay(100000)],
  // "30 Days"/"10 Days" without refill vocabulary (the ♻️ was stripped in the source): unknown.
  ['TikTok Likes [ Max 5M ] | Real and Bot Accounts | Cancel Enable | 30 Days   | Instant Start', REFILL_UNKNOWN, 'unknown', INSTANT, U],
  ['TikTok Followers [ Max 5M ] | LQ Accounts | Cancel Enable | Low Drop | 10 Days   | Instant Start', REFILL_UNKNOWN, 'unknown', INSTANT, U],
];

describe('service-names.txt: every real name has an expected result', () => {
  it('reads the file (header and comment lines skipped)', () => {
    expect(fileNames.length).toBeGreaterThanOrEqual(50);
    expect(fileNames.some((n) => n.startsWith('#'))).toBe(false);
  });

  it('the table covers exactly the names in the file', () => {
    const tableNames = TABLE.map(([name]) => name);
    expect(new Set(tableNames).size).toBe(tableNames.length);
    expect(fileNames.filter((n) => !tableNames.includes(n))).toEqual([]);
    expect(tableNames.filter((n) => !fileNames.includes(n))).toEqual([]);
  });

  it.each(TABLE)('%s', (name, refill, autoRefill, startTime, speed) => {
    const rules = parseServiceRules(name);
    expect({
      refill: rules.refill,
      autoRefill: rules.autoRefill,
      startTime: rules.startTime,
      speed: rules.speed,
    }).toEqual({ refill, autoRefill, startTime, speed });
    // Every decided field names the fragment that decided it.
    if (refill.kind !== 'unknown') expect(rules.evidence.some((e) => e.startsWith('refill('))).toBe(true);
    if (startTime !== 'unknown') expect(rules.evidence.some((e) => e.startsWith('startTime('))).toBe(true);
    if (speed !== 'unknown') expect(rules.evidence.some((e) => e.startsWith('speed('))).toBe(true);
  });

  it('only the ⛔-beside-a-window name reports a conflict', () => {
    const withConflicts = fileNames.filter((n) => parseServiceRules(n).conflicts);
    expect(withConflicts).toEqual(['Instagram Followers | Real | Good Quality | 10k/Day | 30D Refill ♻️⛔']);
    expect(parseServiceRules(withConflicts[0]!).conflicts).toEqual([
      'refill: name "⛔" suggests no refill; kept 30 days (name "30d refill")',
    ]);
  });
});
