import type { Channel, Clock } from '@smmbot/core';
import { MemoryKeyValueStore, MemoryRecordStore } from '@smmbot/storage-memory';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancerOptionsSchema, resolveRules, rulesSchema } from '../src/config.js';
import { SendWindow } from '../src/hours.js';
import { freshStats, Phone, pickPhone } from '../src/phones.js';
import { dailyCap, phoneCooldownMs, phoneScore, seniorityFactor, typingMs } from '../src/policy.js';
import { type ArrivalPattern, Hours, type SimConfig, simulate } from '../src/sim/index.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const storage = (clock: Clock) => ({ kv: new MemoryKeyValueStore(clock), store: new MemoryRecordStore() });
const defaults = rulesSchema.parse({});

describe('policy.ts against the spec table', () => {
  it('seniority factor: day 0 → 1.5, day 10 → 1.0, day 30 → 0.6, day 40 → 0.5, day 90+ → 0.3', () => {
    const s = defaults.seniority;
    expect(seniorityFactor(0, s)).toBe(1.5);
    expect(seniorityFactor(10, s)).toBe(1.0);
    expect(seniorityFactor(30, s)).toBeCloseTo(0.6, 12);
    expect(seniorityFactor(40, s)).toBe(0.5);
    expect(seniorityFactor(90, s)).toBe(0.3);
    expect(seniorityFactor(400, s)).toBe(0.3);
  });

  it('warm-up caps 20/50/100/200 by band, then max_daily_per_phone', () => {
    const caps = (max: number | null) =>
      [0, 3.99, 4, 7.99, 8, 14.99, 15, 29.99, 30, 365].map((age) =>
        dailyCap(age, { ...defaults, maxDailyPerPhone: max }),
      );
    expect(caps(null)).toEqual([20, 20, 50, 50, 100, 100, 200, 200, null, null]);
    expect(caps(500)).toEqual([20, 20, 50, 50, 100, 100, 200, 200, 500, 500]);
    // A global cap below a warm-up step bounds it too.
    expect(caps(80)).toEqual([20, 20, 50, 50, 80, 80, 80, 80, 80, 80]);
  });

  it('typing: 10 chars ≈ 1.6 s, 100 chars ≈ 4.3–4.8 s, 200+ chars 5.3–5.8 s', () => {
    const t = defaults.typing;
    expect(typingMs(10, t, 0)).toBe(Math.round(Math.sqrt(10) * 400 + 300)); // 1,565 ms
    expect(typingMs(10, t, 0) / 1000).toBeCloseTo(1.6, 1);
    expect(typingMs(100, t, 0)).toBe(4_300);
    expect(typingMs(100, t, 1)).toBe(4_800);
    expect(typingMs(200, t, 0)).toBe(5_300);
    expect(typingMs(5_000, t, 1)).toBe(5_800);
  });

  it('score = todaySent × seniority + failRate × 30 + 500 when cooling; cooldown = delayMax × seniority', () => {
    expect(phoneScore({ todaySent: 10, seniority: 1.5, failRate: 0, onCooldown: false })).toBe(15);
    expect(phoneScore({ todaySent: 10, seniority: 0.3, failRate: 0.1, onCooldown: true })).toBeCloseTo(3 + 3 + 500, 12);
    // Old phones (0.3) recover in ~1.8 s with the default 6 s delayMax; new ones (1.5) in 9 s.
    expect(phoneCooldownMs(6_000, 0.3)).toBe(1_800);
    expect(phoneCooldownMs(6_000, 1.5)).toBe(9_000);
  });

  it('a tenant or phone override changes only what it names (global rules stay in force)', () => {
    const options = balancerOptionsSchema.parse({
      rules: {
        maxDailyPerPhone: 150,
        delayMaxMs: 9_000,
        workingHours: { from: '09:00', to: '21:00', timezone: 'UTC+6' },
      },
      tenants: { t1: { recipientCooldownMs: 60_000 } },
      phones: { p1: { registeredAt: 0 }, p2: { dailyLimit: 40 } },
    });
    const p1 = resolveRules(options, 't1', 'p1');
    expect(p1).toMatchObject({ maxDailyPerPhone: 150, delayMaxMs: 9_000, recipientCooldownMs: 60_000 });
    expect(p1.workingHours).toEqual({ from: '09:00', to: '21:00', timezone: 'UTC+6' });
    expect(resolveRules(options, 't1', 'p2').maxDailyPerPhone).toBe(40);
    expect(resolveRules(options, 't2').recipientCooldownMs).toBe(3_600_000);
  });
});

describe('properties of the parts', () => {
  const hhmm = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59))
    .map(([h, m]) => `${pad(h)}:${pad(m)}`);
  const tz = fc.constantFrom('UTC', 'UTC+6', 'UTC-5', 'UTC+5:30', 'UTC+14', 'UTC-12');

  it('SendWindow agrees with an independent local-time window (isOpen, nextOpen, openMsBetween)', () => {
    fc.assert(
      fc.property(
        hhmm,
        hhmm,
        tz,
        fc.integer({ min: 0, max: 20 * DAY }),
        fc.integer({ min: 0, max: 3 * DAY }),
        (from, to, timezone, t, span) => {
          const hours = { from, to, timezone };
          const w = new SendWindow(hours);
          const ref = new Hours(hours);
          const at = Date.UTC(2026, 0, 1) + t;
          expect(w.isOpen(at)).toBe(ref.isOpen(at));
          const next = w.nextOpen(at);
          expect(ref.isOpen(next)).toBe(true);
          expect(ref.openMs(at, next)).toBe(0);
          expect(w.openMsBetween(at, at + span)).toBe(ref.openMs(at, at + span));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pickPhone returns the lowest-score eligible phone, or waits for a cooling winner', () => {
    const now = Date.UTC(2026, 0, 7, 8);
    const phoneArb = fc.record({
      age: fc.double({ min: 0, max: 120, noNaN: true }),
      todaySent: fc.integer({ min: 0, max: 250 }),
      sent: fc.integer({ min: 0, max: 500 }),
      failed: fc.integer({ min: 0, max: 60 }),
      cooling: fc.boolean(),
      busy: fc.boolean(),
      state: fc.constantFrom('connected', 'connected', 'connected', 'connecting', 'banned') as fc.Arbitrary<
        'connected' | 'connecting' | 'banned'
      >,
    });
    fc.assert(
      fc.property(
        fc.array(phoneArb, { minLength: 1, maxLength: 12 }),
        fc.option(fc.integer({ min: 5, max: 300 }), { nil: null }),
        (specs, max) => {
          const rules = rulesSchema.parse({ maxDailyPerPhone: max });
          const phones = specs.map((s, i) => {
            const stats = freshStats(now, now - s.age * DAY);
            stats.todaySent = s.todaySent;
            stats.totalSent = s.sent + s.todaySent;
            stats.totalFailed = s.failed;
            const p = new Phone(stub(`p${i}`), rules, stats);
            p.state = s.state;
            p.busy = s.busy;
            p.cooldownUntil = s.cooling ? now + 1_000 : 0;
            return p;
          });
          const pick = pickPhone(phones, now, { capApplies: true, newContact: true });
          const score = (p: Phone) => {
            const total = p.stats.totalSent + p.stats.totalFailed;
            return phoneScore({
              todaySent: p.stats.todaySent,
              seniority: seniorityFactor(p.ageDays(now), rules.seniority),
              failRate: total ? p.stats.totalFailed / total : 0,
              onCooldown: p.cooldownUntil > now,
            });
          };
          const room = (p: Phone) => {
            const cap = dailyCap(p.ageDays(now), rules);
            return cap === null || p.stats.todaySent < cap;
          };
          const eligible = phones.filter((p) => p.state === 'connected' && room(p) && !p.busy);
          const min = Math.min(...eligible.map(score));
          if (eligible.length === 0) {
            expect(pick.kind).not.toBe('phone');
            const kind = phones.some((p) => p.state === 'connected' && room(p))
              ? 'wait'
              : phones.some((p) => p.state === 'connected')
                ? 'full'
                : phones.some((p) => p.state !== 'banned')
                  ? 'offline'
                  : 'none';
            expect(pick.kind).toBe(kind);
          } else if (pick.kind === 'phone') {
            expect(eligible).toContain(pick.phone);
            expect(score(pick.phone)).toBeLessThanOrEqual(min + 1e-9);
            expect(pick.phone.cooldownUntil).toBeLessThanOrEqual(now);
          } else {
            expect(pick.kind).toBe('wait');
            const best = eligible.find((p) => score(p) <= min + 1e-9)!;
            expect(best.cooldownUntil).toBeGreaterThan(now);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('simulated runs (fast-check, virtual time)', () => {
  const arrivals: fc.Arbitrary<ArrivalPattern> = fc.oneof(
    fc.constant({ kind: 'uniform' as const }),
    fc.constant({ kind: 'daily' as const, timezone: 'UTC+6' }),
    fc.record({ kind: fc.constant('bursts' as const), perDay: fc.integer({ min: 1, max: 3 }) }),
    fc.constant({ kind: 'upfront' as const }),
  );
  const hours = fc.option(
    fc.record({
      from: fc.integer({ min: 0, max: 23 }).map((h) => `${pad(h)}:00`),
      to: fc.integer({ min: 0, max: 23 }).map((h) => `${pad(h)}:30`),
      timezone: fc.constantFrom('UTC', 'UTC+6', 'UTC-5', 'UTC+5:30'),
    }),
    { nil: null },
  );
  /** Warm-up steps that only grow (ages and caps), or the default. */
  const warmup = fc.option(
    fc
      .array(fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 15 })), { minLength: 1, maxLength: 4 })
      .map((steps) => {
        let until = 0;
        let cap = 0;
        return steps.map(([du, dc]) => {
          until += du;
          cap += dc;
          return { untilDays: until, cap };
        });
      }),
    { nil: undefined },
  );
  const config: fc.Arbitrary<SimConfig> = fc
    .record({
      seed: fc.integer(),
      days: fc.integer({ min: 1, max: 3 }),
      phones: fc.array(
        fc.record({
          ageDays: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.double({ min: 0, max: 40, noNaN: true })),
          dailyLimit: fc.option(fc.integer({ min: 2, max: 30 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      messages: fc.integer({ min: 5, max: 250 }),
      recipients: fc.integer({ min: 2, max: 60 }),
      arrivals,
      delayMin: fc.integer({ min: 0, max: 3_000 }),
      delaySpan: fc.integer({ min: 0, max: 6_000 }),
      maxDailyPerPhone: fc.option(fc.integer({ min: 3, max: 40 }), { nil: null }),
      recipientCooldownMs: fc.constantFrom(0, 600_000, HOUR),
      workingHours: hours,
      companyDailyLimit: fc.option(fc.integer({ min: 5, max: 80 }), { nil: null }),
      warmup,
      replies: fc.record({ workingHours: fc.boolean(), recipientCooldown: fc.boolean(), dailyCap: fc.boolean() }),
      rejectRate: fc.double({ min: 0, max: 0.15, noNaN: true }),
      transientRate: fc.double({ min: 0, max: 0.1, noNaN: true }),
      replyShare: fc.double({ min: 0, max: 0.3, noNaN: true }),
      maxInFlightSends: fc.constantFrom(1, 1, 2, 4),
      ban: fc.option(
        fc.record({
          phone: fc.nat(),
          afterMs: fc.integer({ min: 0, max: 2 * DAY }),
          mode: fc.constantFrom('link' as const, 'error' as const, 'both' as const),
        }),
        { nil: undefined },
      ),
    })
    .map((c) => ({
      seed: c.seed,
      days: c.days,
      phones: c.phones.map((p) => (p.dailyLimit === undefined ? { ageDays: p.ageDays } : p)),
      messages: c.messages,
      recipients: c.recipients,
      arrivals: c.arrivals,
      rules: {
        delayMinMs: c.delayMin,
        delayMaxMs: c.delayMin + c.delaySpan,
        maxDailyPerPhone: c.maxDailyPerPhone,
        recipientCooldownMs: c.recipientCooldownMs,
        workingHours: c.workingHours,
        companyDailyLimit: c.companyDailyLimit,
        ...(c.warmup ? { warmup: c.warmup } : {}),
        replies: { ...c.replies, delayMinMs: 300, delayMaxMs: 1_200 },
      },
      options: { maxInFlightSends: c.maxInFlightSends },
      rejectRate: c.rejectRate,
      transientRate: c.transientRate,
      replyShare: c.replyShare,
      ...(c.ban ? { ban: { ...c.ban, phone: c.ban.phone % c.phones.length } } : {}),
      recordDecisions: true,
    }));

  it('never breaks a rule, and every phone choice matches the score formula', async () => {
    await fc.assert(
      fc.asyncProperty(config, async (cfg) => {
        const r = await simulate(cfg, storage);
        expect(r.violations.slice(0, 5)).toEqual([]);
        // The run did something: every message ended somewhere.
        const accounted =
          r.delivered +
          r.repliesDelivered +
          r.failed +
          r.unfinished.queued +
          r.unfinished.pending +
          r.unfinished.sending;
        expect(accounted + r.refused).toBe(r.messages);
      }),
      { numRuns: Number(process.env.SIM_RUNS ?? 300) },
    );
    // ~1.5 s alone; generous so a loaded CI machine does not turn it into a timeout.
  }, 120_000);
});

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function stub(name: string): Channel {
  return {
    name,
    tenantId: 't1',
    capabilities: { groups: false, typing: true, formatting: 'whatsapp', maxTextLength: 4096, antiBan: true },
    send: async (message) => ({ message, sentAt: 0 }),
  };
}
