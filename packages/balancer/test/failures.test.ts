import { ChannelError } from '@smmbot/core';
import { VirtualClock } from '@smmbot/core';
import { FakePhone } from '@smmbot/core/testing';
import { describe, expect, it } from 'vitest';
import { balancerOptionsSchema } from '../src/config.js';
import { freshStats, Phone } from '../src/phones.js';
import { HOUR, msg, rig, seeded } from './harness.js';

const fail = (kind: string, extra: Record<string, unknown> = {}) =>
  new ChannelError(`simulated ${kind}`, { details: { kind }, ...extra });

/** Phone ages: p-old registered 100 days ago, p-new today. */
const aged = (start: number) => ({
  phones: { 'p-old': { registeredAt: start - 100 * 86_400_000 }, 'p-new': { registeredAt: start } },
  rules: { recipientCooldownMs: 0 },
});

describe('balancer: ban detection, alerts and rerouting', () => {
  it('reroutes pool traffic when a send says banned, with a critical alert and a "switched to" alert', async () => {
    const start = Date.UTC(2026, 0, 5, 10);
    const r = await rig({ phones: ['p-old', 'p-new'], start, options: aged(start) });
    const [old, young] = r.phones;
    old!.failNext(fail('banned'));
    await r.balancer.enqueue(msg({ id: 'x', channel: '*', route: 'pool' }));
    await r.clock.advance(60_000);
    expect(old!.sends).toHaveLength(0);
    expect(young!.sends.map((s) => s.message.id)).toEqual(['x']);
    const alerts = await r.balancer.alerts('t1');
    expect(alerts.map((a) => [a.type, a.severity, a.phone])).toEqual(
      expect.arrayContaining([
        ['banned', 'critical', 'p-old'],
        ['switched_to', 'info', 'p-old'],
      ]),
    );
    expect(alerts.find((a) => a.type === 'switched_to')!.details).toContain('p-new');
    const snap = await r.balancer.snapshot('t1');
    expect(snap.phones.find((p) => p.channel === 'p-old')!.state).toBe('banned');
  });

  it('a banned disconnect alerts at once; with no other phone it says so', async () => {
    const r = await rig({ phones: ['p1'] });
    r.phones[0]!.setLink({ state: 'banned', code: 403, reason: 'Connection Failure' });
    await r.clock.advance(1);
    const alerts = await r.balancer.alerts('t1', { status: 'active' });
    expect(alerts.map((a) => a.type).sort()).toEqual(['banned', 'no_phone']);
    // Reconnecting resolves the ban alert.
    r.phones[0]!.setLink({ state: 'connected' });
    await r.clock.advance(1);
    expect((await r.balancer.alerts('t1', { status: 'active' })).map((a) => a.type)).toEqual(['no_phone']);
  });

  it('a reply whose phone is banned fails (it must come from that number); it is not sent elsewhere', async () => {
    const start = Date.UTC(2026, 0, 5, 10);
    const r = await rig({ phones: ['p-old', 'p-new'], start, options: aged(start) });
    r.phones[0]!.setLink({ state: 'banned' });
    await r.balancer.enqueue(msg({ id: 'reply', channel: 'p-old', priority: 'support' }));
    await r.clock.advance(60_000);
    expect(r.phones[1]!.sends).toHaveLength(0);
    expect((await r.balancer.status('t1', 'reply'))?.state).toBe('failed');
  });

  it('warns after 5 failures in a row and resolves it on the next success', async () => {
    const r = await rig({ options: { rules: { recipientCooldownMs: 0 }, maxAttempts: 1 } });
    const phone = r.phones[0]!;
    phone.failNext(...Array.from({ length: 5 }, () => fail('rejected')));
    for (let i = 0; i < 6; i++) await r.balancer.enqueue(msg({ id: `m${i}`, chatId: `c${i}` }));
    await r.clock.advance(HOUR);
    const alerts = await r.balancer.alerts('t1');
    const streak = alerts.filter((a) => a.type === 'consecutive_failures');
    expect(streak).toHaveLength(1);
    expect(streak[0]!.status).toBe('resolved');
    expect((await r.balancer.status('t1', 'm0'))?.state).toBe('failed');
    expect((await r.balancer.status('t1', 'm5'))?.state).toBe('sent');
  });

  it('warns at ≥ 30 % failures after 20 sends, and again every 10 new failures', async () => {
    const r = await rig({
      options: {
        rules: { recipientCooldownMs: 0, delayMinMs: 0, delayMaxMs: 10 },
        maxAttempts: 1,
        phones: { p1: { registeredAt: 0 } },
      },
    });
    const phone = r.phones[0]!;
    // Alternate: fail, ok, ok → 33 % failures, never 5 in a row.
    const pattern: (Error | null)[] = [];
    for (let i = 0; i < 60; i++) pattern.push(i % 3 === 0 ? fail('rejected') : null);
    let n = 0;
    const realSend = phone.send.bind(phone);
    phone.send = async (m) => {
      const e = pattern[n++];
      if (e) throw e;
      return realSend(m);
    };
    for (let i = 0; i < 60; i++) await r.balancer.enqueue(msg({ id: `m${i}`, chatId: `c${i}` }));
    await r.clock.advance(4 * HOUR);
    const rate = (await r.balancer.alerts('t1')).filter((a) => a.type === 'failure_rate');
    // 20 failures in 60 sends: first alert once ≥ 20 sends (at 7 failures), then at 17.
    expect(rate).toHaveLength(2);
    expect(rate.every((a) => a.severity === 'warning')).toBe(true);
  });

  it('requeues at the front when the phone is reconnecting and sends once it is back', async () => {
    const r = await rig();
    const phone = r.phones[0]!;
    phone.failNext(fail('unavailable'));
    await r.balancer.enqueue(msg({ id: 'first' }));
    await r.balancer.enqueue(msg({ id: 'second', chatId: 'other' }));
    await r.clock.advance(2 * 60_000);
    expect(phone.sends.map((s) => s.message.id)).toEqual(['first', 'second']);
    expect((await r.balancer.status('t1', 'first'))?.attempts).toBe(2);
    // A dropped connection is not the phone's failure.
    expect((await r.balancer.snapshot('t1')).phones[0]!.totalFailed).toBe(0);
  });

  it('a 463 timelock keeps new-contact pool traffic off the phone', async () => {
    const start = Date.UTC(2026, 0, 5, 10);
    const r = await rig({ phones: ['p-old', 'p-new'], start, options: aged(start) });
    const [old, young] = r.phones;
    old!.failNext(fail('timelock', { retryAfterMs: 6 * HOUR }));
    await r.balancer.enqueue(msg({ id: 'a', channel: '*', route: 'pool', chatId: 'a' }));
    await r.balancer.enqueue(msg({ id: 'b', channel: '*', route: 'pool', chatId: 'b' }));
    await r.clock.advance(HOUR);
    expect(old!.sends).toHaveLength(0);
    expect(young!.sends.map((s) => s.message.id).sort()).toEqual(['a', 'b']);
    expect((await r.balancer.alerts('t1')).some((a) => a.type === 'timelock')).toBe(true);
    // A later delivery failure (NACK 463) reported by the platform does the same.
    old!.emitDelivery({ platformId: 'zzz', status: 'failed', code: 463 });
    expect((await r.balancer.snapshot('t1')).phones.find((p) => p.channel === 'p-old')!.timelockUntil).toBeGreaterThan(
      0,
    );
  });
});

describe('balancer: restart', () => {
  it('resends a job that was `sending` at the crash, with the same id, and not a `sent` one', async () => {
    const first = await rig();
    await first.queue.add({
      id: 'crashed',
      tenantId: 't1',
      message: { ...msg(), id: 'crashed' },
      state: 'sending',
      lane: 'system',
      seq: 1,
      notBefore: 0,
      attempts: 1,
      createdAt: 0,
      updatedAt: 0,
    });
    await first.queue.add({
      id: 'done',
      tenantId: 't1',
      message: { ...msg({ chatId: 'z' }), id: 'done' },
      state: 'sent',
      lane: 'system',
      seq: 2,
      notBefore: 0,
      attempts: 1,
      createdAt: 0,
      updatedAt: 0,
      sentAt: 0,
    });
    const second = await rig({ store: first.store, kv: first.kv });
    await second.clock.advance(60_000);
    expect(second.phones[0]!.sends.map((s) => s.message.id)).toEqual(['crashed']);
    expect((await second.balancer.status('t1', 'crashed'))?.attempts).toBe(2);
    // Numbering continues after the stored jobs.
    const next = await second.balancer.enqueue(msg({ id: 'new', chatId: 'n' }));
    expect((await second.balancer.status('t1', next.id))!.seq).toBe(3);
  });

  it("keeps phone stats (today's count, age) across a restart", async () => {
    const first = await rig({ options: { rules: { recipientCooldownMs: 0 } } });
    for (let i = 0; i < 3; i++) await first.balancer.enqueue(msg({ chatId: `c${i}` }));
    await first.clock.advance(HOUR);
    const second = await rig({ store: first.store, kv: first.kv, start: first.clock.now() });
    const snap = await second.balancer.snapshot('t1');
    expect(snap.phones[0]).toMatchObject({ todaySent: 3, totalSent: 3, dailyCap: 20 });
  });
});

describe('balancer: snapshot', () => {
  it('reports per-phone seniority, score, counts, cooldown and the next phone', async () => {
    const start = Date.UTC(2026, 0, 5, 10);
    const r = await rig({ phones: ['p-old', 'p-new'], start, options: aged(start) });
    await r.balancer.enqueue(msg({ channel: '*', route: 'pool' }));
    await r.clock.advance(15_000);
    const snap = await r.balancer.snapshot('t1');
    const old = snap.phones.find((p) => p.channel === 'p-old')!;
    const young = snap.phones.find((p) => p.channel === 'p-new')!;
    expect(old).toMatchObject({ ageDays: 100, seniority: 0.3, todaySent: 1, totalSent: 1, dailyCap: null });
    expect(young).toMatchObject({ ageDays: 0, seniority: 1.5, todaySent: 0, dailyCap: 20 });
    // 1 × 0.3 + 0 + cooling 500 while within delayMax × 0.3 = 1.8 s of the send.
    expect(old.lastSentAt).not.toBeNull();
    // The young phone has sent nothing: 0 beats the veteran's 0.3.
    expect(snap.nextPhone).toBe('p-new');
    expect(old.score).toBeCloseTo(0.3 + (old.cooldownUntil ? 500 : 0), 5);
  });
});

describe('balancer: the inlined score is the spec formula', () => {
  it('Phone.score equals phoneScore (policy.ts) over ages, counts, failures and cooldowns', () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 10));
    const rules = balancerOptionsSchema.parse({}).rules;
    const random = seeded(7);
    for (let i = 0; i < 500; i++) {
      const now = clock.now() + Math.floor(random() * 10 * 86_400_000);
      const stats = freshStats(now, now - Math.floor(random() * 120 * 86_400_000));
      stats.todaySent = Math.floor(random() * 200);
      stats.totalSent = stats.todaySent + Math.floor(random() * 1000);
      stats.totalFailed = Math.floor(random() * 100);
      const phone = new Phone(new FakePhone(`p${i}`, 't1', clock), rules, stats);
      phone.cooldownUntil = random() < 0.5 ? now + 1_000 : 0;
      expect(phone.score(now)).toBeCloseTo(phone.formulaScore(now), 9);
    }
  });
});
