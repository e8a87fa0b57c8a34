import { type Clock, VirtualClock } from '@smmbot/core';
import { MemoryKeyValueStore, MemoryRecordStore } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { balancerOptionsSchema } from '../src/config.js';
import {
  type Attempt,
  capacity,
  checkRun,
  HeapClock,
  Hours,
  rulesFor,
  type SimConfig,
  simulate,
} from '../src/sim/index.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 5);
const storage = (clock: Clock) => ({ kv: new MemoryKeyValueStore(clock), store: new MemoryRecordStore() });
const hours = { from: '09:00', to: '21:00', timezone: 'UTC+6' };

describe('simulator', () => {
  it('fills every phone-day cap with zero rule violations (3 days, 6 phones, a ban)', async () => {
    const config: SimConfig = {
      seed: 7,
      days: 3,
      phones: [{ ageDays: 1 }, { ageDays: 5 }, { ageDays: 10 }, { ageDays: 20 }, { ageDays: 45 }, { ageDays: 100 }],
      messages: 700,
      recipients: 400,
      arrivals: { kind: 'daily', timezone: 'UTC+6' },
      rules: { maxDailyPerPhone: 40, workingHours: hours },
      rejectRate: 0.02,
      transientRate: 0.01,
      ban: { phone: 5, afterMs: DAY + 6 * HOUR, mode: 'both' },
    };
    const r = await simulate(config, storage);
    expect(r.violations).toEqual([]);
    // Capacity-bound: the caps (20, 50→… warm-up, 40) bind on every phone-day, the ban removes one.
    expect(r.capacity.capBound).toBeGreaterThan(0);
    expect(r.capacity.deliverable).toBeLessThan(r.capacity.demand);
    expect(r.utilisation).toBeGreaterThanOrEqual(0.99);
    expect(r.failed).toBeGreaterThan(0);
    expect(r.phones[5]).toMatchObject({ banned: true });
  });

  it('delivers the whole demand when it is under capacity, replies included, with no violations', async () => {
    const r = await simulate(
      {
        seed: 3,
        days: 2,
        phones: 4,
        messages: 300,
        recipients: 150,
        arrivals: { kind: 'bursts', perDay: 2, timezone: 'UTC+6' },
        rules: { maxDailyPerPhone: 200, workingHours: hours },
        replyShare: 0.1,
        ban: { phone: 3, afterMs: 30 * HOUR, mode: 'error' },
        recordDecisions: true,
      },
      storage,
    );
    expect(r.violations).toEqual([]);
    expect(r.utilisation).toBeGreaterThanOrEqual(0.99);
    expect(r.repliesDelivered).toBeGreaterThan(0);
    expect(r.decisionLog?.length).toBeGreaterThan(0);
  });

  it('runs the same on core VirtualClock as on the heap clock', async () => {
    const config: SimConfig = {
      seed: 11,
      days: 1,
      phones: 3,
      messages: 60,
      recipients: 20,
      arrivals: { kind: 'uniform' },
      rules: { maxDailyPerPhone: 15, workingHours: hours, companyDailyLimit: 40 },
      replyShare: 0.2,
      transientRate: 0.05,
      ban: { phone: 0, afterMs: 8 * HOUR, mode: 'link' },
    };
    const heap = await simulate({ ...config, recordDecisions: true }, storage);
    const core = await simulate({ ...config, recordDecisions: true, clock: (s) => new VirtualClock(s) }, storage);
    expect(core.delivered).toBe(heap.delivered);
    expect(core.attempts).toBe(heap.attempts);
    expect(core.decisions).toBe(heap.decisions);
    const times = (r: typeof heap) => r.decisionLog!.map((d) => `${d.at}:${d.jobId}:${d.kind}:${d.phone ?? ''}`);
    expect(times(core)).toEqual(times(heap));
    expect(core.attemptLog).toEqual(heap.attemptLog);
  });
});

describe('HeapClock', () => {
  it('fires due timers in time then creation order, skips cleared ones, settles promise chains between them', async () => {
    const clock = new HeapClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push('b@20'), 20);
    const gone = clock.setTimeout(() => seen.push('cleared'), 10);
    clock.setTimeout(() => seen.push('a@10'), 10);
    clock.setTimeout(async () => {
      seen.push('c@10');
      await Promise.resolve();
      await new Promise<void>((r) => queueMicrotask(r));
      seen.push(`c settled @${clock.now()}`);
      await clock.sleep(5);
      seen.push(`c slept @${clock.now()}`);
    }, 10);
    clock.clearTimeout(gone);
    expect(clock.pending).toBe(3);
    await clock.advance(15);
    expect(seen).toEqual(['a@10', 'c@10', 'c settled @10', 'c slept @15']);
    expect(clock.now()).toBe(15);
    await clock.advanceTo(100);
    expect(seen.at(-1)).toBe('b@20');
    expect(clock.pending).toBe(0);
  });

  it('stays correct when many cleared timers are compacted away', async () => {
    const clock = new HeapClock(0);
    const fired: number[] = [];
    const handles = Array.from({ length: 5_000 }, (_, i) => clock.setTimeout(() => fired.push(i), 5_000 - i));
    for (let i = 0; i < 5_000; i++) if (i % 3 !== 0) clock.clearTimeout(handles[i]!);
    await clock.advance(10_000);
    const expected = Array.from({ length: 5_000 }, (_, i) => i)
      .filter((i) => i % 3 === 0)
      .sort((a, b) => b - a);
    expect(fired).toEqual(expected);
  });
});

describe('checker', () => {
  const options = balancerOptionsSchema.parse({
    rules: {
      maxDailyPerPhone: 3,
      workingHours: hours,
      recipientCooldownMs: HOUR,
      companyDailyLimit: 4,
      delayMaxMs: 6_000,
    },
  });
  const open = START + 4 * HOUR; // 10:00 at UTC+6
  let seq = 0;
  const send = (phone: string, at: number, chatId: string, priority: Attempt['priority'] = 'marketing'): Attempt => ({
    seq: seq++,
    at,
    phone,
    jobId: `j${seq}`,
    chatId,
    priority,
    outcome: 'sent',
  });
  const old = { name: 'old', registeredAt: START - 100 * DAY };

  it('finds nothing in a clean log', () => {
    const attempts = [send('old', open, 'a'), send('old', open + 10_000, 'b'), send('old', open + 20_000, 'c')];
    expect(checkRun({ tenant: 't1', options, phones: [old], attempts })).toEqual([]);
  });

  it('flags each rule it checks', () => {
    const young = {
      name: 'young',
      registeredAt: START - 1 * DAY,
      ban: { at: open + HOUR, seq: 1_000, mode: 'link' as const },
    };
    seq = 0;
    const attempts = [
      send('old', open, 'a'),
      send('old', open + 1_000, 'b'), // phone cooldown (1.8 s for a 100-day phone)
      send('old', open + 60_000, 'a'), // recipient cooldown
      send('old', open + 120_000, 'c'), // 4th of the day: over the cap of 3
      send('old', START + 20 * HOUR, 'd'), // 02:00 local: outside the window; 5th company message
      send('old', START + 20 * HOUR + 30_000, 'x', 'support'), // a reply: exempt from all of that
    ];
    const late = { ...send('young', open + 2 * HOUR, 'e'), seq: 2_000 }; // after the ban
    const rules = checkRun({ tenant: 't1', options, phones: [old, young], attempts: [...attempts, late] }).map(
      (v) => v.rule,
    );
    expect(rules.sort()).toEqual(
      [
        'phone-cooldown',
        'recipient-cooldown',
        'daily-cap',
        'daily-cap',
        'working-hours',
        'company-daily-limit',
        'banned-phone',
      ].sort(),
    );
  });

  it('checks choices: the lowest score among eligible phones, waiting only for a cooling winner', () => {
    seq = 0;
    const fresh = { name: 'fresh', registeredAt: START - 100 * DAY };
    const attempts = [send('old', open, 'a')];
    const phones = [
      { name: 'old', usable: true, busy: false, timelockUntil: 0 },
      { name: 'fresh', usable: true, busy: false, timelockUntil: 0 },
    ];
    const base = { seq: 10, at: open + 60_000, jobId: 'x', lane: 2 as const, sticky: undefined, phones };
    const check = (d: Parameters<typeof checkRun>[0]['decisions']) =>
      checkRun({ tenant: 't1', options, phones: [old, fresh], attempts, decisions: d }).map((v) => v.rule);
    // old sent once today (score 0.3), fresh none (0): fresh must be chosen.
    expect(check([{ ...base, kind: 'start', phone: 'fresh' }])).toEqual([]);
    expect(check([{ ...base, kind: 'start', phone: 'old' }])).toEqual(['choice']);
    expect(check([{ ...base, kind: 'hold' }])).toEqual(['choice']);
    expect(check([{ ...base, kind: 'full' }])).toEqual(['choice']);
  });
});

describe('capacity', () => {
  const rules = rulesFor(balancerOptionsSchema.parse({ rules: { maxDailyPerPhone: 30 } }), 't1');
  const phone = (name: string, ageDays: number, aliveUntil = START + 2 * DAY) => ({
    name,
    registeredAt: START - ageDays * DAY,
    rules,
    aliveUntil,
  });
  const base = { start: START, end: START + 2 * DAY, hours: new Hours(hours), textLengths: [100] };

  it('is the sum of caps when demand is early and large, the demand when it is small', () => {
    const arrivals = new Array(500).fill(START);
    const c = capacity({ ...base, arrivals, phones: [phone('a', 1), phone('b', 100)] });
    // Day 1: 20 (warm-up) + 30; day 2: 20 + 30.
    expect(c.deliverable).toBe(100);
    expect(
      capacity({ ...base, arrivals: arrivals.slice(0, 70), phones: [phone('a', 1), phone('b', 100)] }).deliverable,
    ).toBe(70);
  });

  it('counts nothing after a ban and nothing for messages arriving after the last window', () => {
    const arrivals = [...new Array(100).fill(START), ...new Array(50).fill(START + DAY + 20 * HOUR)];
    const c = capacity({ ...base, arrivals, phones: [phone('a', 100, START + DAY), phone('b', 100)] });
    expect(c.deliverable).toBe(30 + 30 + 30);
  });

  it('is limited by pacing when there is no cap: open time ÷ the mean cycle', () => {
    const free = rulesFor(balancerOptionsSchema.parse({}), 't1');
    const oneHour = new Hours({ from: '10:00', to: '11:00', timezone: 'UTC' });
    const c = capacity({
      start: START,
      end: START + DAY,
      arrivals: new Array(10_000).fill(START),
      hours: oneHour,
      textLengths: [100],
      phones: [{ name: 'v', registeredAt: START - 200 * DAY, rules: free, aliveUntil: START + DAY }],
    });
    // Mean cycle: delay 4 s + typing 4 s + 0.55 s + cooldown 6 s × 0.3 = 10.35 s.
    expect(c.phoneDays[0]!.cycleMs).toBeCloseTo(10_350, 0);
    expect(c.deliverable).toBeCloseTo(HOUR / 10_350, 6);
    expect(c.paceBound).toBe(1);
  });
});
