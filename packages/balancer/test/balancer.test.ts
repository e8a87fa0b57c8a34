import { ChannelError, QuotaError } from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { describe, expect, it } from 'vitest';
import { HOUR, msg, rig } from './harness.js';

describe('LocalBalancer: durable queue', () => {
  it('stores the message before it resolves, then sends it with the same id', async () => {
    const r = await rig();
    const receipt = await r.balancer.send(msg({ id: 'm-1' }));
    expect(receipt.status).toBe('queued');
    expect((await r.queue.get('t1', 'm-1'))?.state).toBe('queued');
    await r.clock.advance(20_000);
    expect(r.phones[0]!.sends.map((s) => s.message.id)).toEqual(['m-1']);
    const job = await r.balancer.status('t1', 'm-1');
    expect(job).toMatchObject({ state: 'sent', phone: 'p1', attempts: 1 });
  });

  it('is idempotent on the message id: a second enqueue stores and sends nothing new', async () => {
    const r = await rig();
    const first = await r.balancer.enqueue(msg({ id: 'same' }));
    const second = await r.balancer.enqueue(msg({ id: 'same', text: 'changed' }));
    expect([first.created, second.created]).toEqual([true, false]);
    await r.clock.advance(60_000);
    expect(r.phones[0]!.sends).toHaveLength(1);
    expect(r.phones[0]!.sends[0]!.message.text).toBe('hello there');
  });

  it('refuses a channel of another tenant and an unknown channel', async () => {
    const r = await rig({ phones: ['p1', 't2/q1'] });
    await expect(r.balancer.enqueue(msg({ channel: 'q1' }))).rejects.toBeInstanceOf(ChannelError);
    await expect(r.balancer.enqueue(msg({ channel: 'nope' }))).rejects.toBeInstanceOf(ChannelError);
    expect(await r.balancer.status('t2', 'x')).toBeUndefined();
  });

  it('sends to non-anti-ban channels at once, without pacing', async () => {
    const web = new FakeChannel('web', 't1');
    const r = await rig({ extra: [web] });
    await r.balancer.send(msg({ channel: 'web', id: 'w1' }));
    await r.clock.advance(1);
    expect(web.sent.map((m) => m.id)).toEqual(['w1']);
    expect(r.phones[0]!.typings).toHaveLength(0);
  });
});

describe('LocalBalancer: pacing and rules', () => {
  it('shows typing for √len × 400 ms + 300–800 ms before the send', async () => {
    const r = await rig();
    await r.balancer.enqueue(msg({ text: 'x'.repeat(100) }));
    await r.clock.advance(30_000);
    const [typing] = r.phones[0]!.typings;
    expect(typing!.ms).toBeGreaterThanOrEqual(4_000 + 300);
    expect(typing!.ms).toBeLessThanOrEqual(4_000 + 800);
    expect(r.phones[0]!.sends[0]!.at - typing!.at).toBe(typing!.ms);
  });

  it('sends support replies before marketing traffic queued earlier', async () => {
    const r = await rig();
    for (let i = 0; i < 3; i++)
      await r.balancer.enqueue(msg({ id: `mkt-${i}`, chatId: `g${i}`, priority: 'marketing' }));
    await r.balancer.enqueue(msg({ id: 'reply', chatId: 'cust', priority: 'support' }));
    await r.clock.advance(10 * 60_000);
    const order = r.phones[0]!.sends.map((s) => s.message.id);
    // The first marketing message may already be on its way; the reply overtakes the rest.
    expect(order.indexOf('reply')).toBeLessThanOrEqual(1);
    expect(order).toHaveLength(4);
  });

  it('keeps one hour between two messages to the same recipient while others go', async () => {
    const r = await rig();
    await r.balancer.enqueue(msg({ id: 'a1', chatId: 'alice' }));
    await r.balancer.enqueue(msg({ id: 'a2', chatId: 'alice' }));
    await r.balancer.enqueue(msg({ id: 'b1', chatId: 'bob' }));
    await r.clock.advance(2 * HOUR);
    const sends = r.phones[0]!.sends;
    expect(sends.map((s) => s.message.id)).toEqual(['a1', 'b1', 'a2']);
    const at = (id: string) => sends.find((s) => s.message.id === id)!.at;
    expect(at('a2') - at('a1')).toBeGreaterThanOrEqual(HOUR);
    expect(at('a2') - at('a1')).toBeLessThan(HOUR + 60_000);
  });

  it('defers to tomorrow when the warm-up cap is reached, spread after midnight', async () => {
    const r = await rig({ options: { rules: { recipientCooldownMs: 0, delayMinMs: 100, delayMaxMs: 200 } } });
    for (let i = 0; i < 25; i++) await r.balancer.enqueue(msg({ id: `m${i}`, chatId: `c${i}` }));
    await r.clock.advance(6 * HOUR);
    expect(r.phones[0]!.sends).toHaveLength(20);
    const pending = await r.balancer.status('t1', 'm24');
    expect(pending?.state).toBe('pending');
    const midnight = Date.UTC(2026, 0, 6);
    expect(pending!.notBefore).toBeGreaterThanOrEqual(midnight);
    expect(pending!.notBefore).toBeLessThan(midnight + r.options.rules.deferSpreadMs);
    await r.clock.advanceTo(midnight + HOUR);
    const late = r.phones[0]!.sends.slice(20);
    expect(late).toHaveLength(5);
    for (const s of late) expect(s.at).toBeGreaterThanOrEqual(midnight);
    expect(new Set(late.map((s) => Math.floor(s.at / 60_000))).size).toBeGreaterThan(1);
  });

  it('waits for the working-hours window in the company time zone', async () => {
    // 10:00 UTC is 16:00 at UTC+6; the window 09:00–15:00 local is closed until tomorrow 03:00 UTC.
    const r = await rig({ options: { rules: { workingHours: { from: '09:00', to: '15:00', timezone: 'UTC+6' } } } });
    await r.balancer.enqueue(msg({ id: 'late' }));
    await r.balancer.enqueue(msg({ id: 'reply', chatId: 'cust', priority: 'support' }));
    await r.clock.advance(HOUR);
    expect(r.phones[0]!.sends.map((s) => s.message.id)).toEqual(['reply']);
    await r.clock.advanceTo(Date.UTC(2026, 0, 6, 3, 2, 0));
    const sent = r.phones[0]!.sends.find((s) => s.message.id === 'late')!;
    expect(sent.at).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 6, 3));
  });

  it('refuses non-reply traffic over the monthly quota with a QuotaError; replies still go', async () => {
    const r = await rig({ options: { rules: { monthlyLimit: 2 } } });
    await r.balancer.enqueue(msg({ chatId: 'a' }));
    await r.balancer.enqueue(msg({ chatId: 'b' }));
    await expect(r.balancer.enqueue(msg({ chatId: 'c' }))).rejects.toBeInstanceOf(QuotaError);
    await expect(r.balancer.enqueue(msg({ chatId: 'd', priority: 'support' }))).resolves.toMatchObject({
      created: true,
    });
  });
});
