import { type BotPlugin, type InboundMessage, Tokens, type WriteOptions } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITIES, type IdentityRecord, identityId, type LogDraft, supportState } from '../src/index.js';
import { type HarnessOptions, supportHarness } from './harness.js';

type H = Awaited<ReturnType<typeof supportHarness>>;
let h: H | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

interface Seen {
  log: LogDraft;
  priority: boolean;
}

async function start(options: HarnessOptions = {}) {
  const seen: Seen[] = [];
  const capture: BotPlugin = {
    name: 'test:capture',
    apply: ({ hooks }) =>
      hooks.settled.tap(
        'capture',
        (turn) => void seen.push({ log: { ...supportState(turn).log }, priority: turn.priority }),
      ),
  };
  h = await supportHarness({ ...options, plugins: [capture] });
  const now = h.clock.now();
  await h.engine.container
    .resolve(Tokens.Store)
    .collection<IdentityRecord>(IDENTITIES)
    .upsert('default', {
      id: identityId('wa', 'customer-1'),
      channel: 'wa',
      address: 'customer-1',
      aliases: [],
      panelUser: 'demo',
      status: 'active',
      lastActiveAt: now,
      createdAt: now,
    });
  const panel = h.engine.container.resolve(Tokens.Panel);
  /** Idempotency keys of every panel write, by method. */
  const keys: string[] = [];
  for (const method of ['refill', 'cancel', 'speedUp', 'markCompleted'] as const) {
    const original = panel[method]!;
    panel[method] = (ids: string[], o?: WriteOptions) => {
      keys.push(`${method}:${o?.idempotencyKey}`);
      return original(ids, o);
    };
  }
  return { h, seen, last: () => seen.at(-1)!, panel, keys };
}

const order = (harness: H, id: number) => harness.sim.state.getOrder(id)!;

describe('panel route', () => {
  it('refills through the panel with the idempotency key, and logs the provider context', async () => {
    const { h, last, keys } = await start();
    const replies = await h.say('refill 1001');
    expect(replies).toEqual(['Refill requested for order #1001. We will update you when it is done.']);
    expect(h.sim.state.refills.map((r) => r.orderId)).toEqual([1001]);
    expect(keys).toEqual(['refill:m1:1001:refill']);
    expect(last().log).toMatchObject({
      action: 'refill',
      orderIds: ['1001'],
      provider: order(h, 1001).provider,
      providerOrderIds: [order(h, 1001).externalId],
      result: 'ok',
      reason: 'submitted:panel',
    });
  });

  it('cancels, speeds up, marks partial and completes through the panel methods', async () => {
    const { h, keys } = await start({ support: { admins: [{ channel: 'wa', address: 'staff-1', role: 'owner' }] } });
    expect(await h.say('cancel 1004')).toEqual([
      'Cancellation requested for order #1004. If it cannot be stopped in time, it will complete as normal.',
    ]);
    expect(h.sim.state.view(1004).status).toBe('canceled');
    expect(await h.say('speed up 1005')).toEqual(['Speed-up requested for order #1005.']);
    expect(order(h, 1005).resends).toBe(1);
    const remains = h.sim.state.view(1003).remains;
    expect(await h.say('partial 1003')).toEqual(['Partial completion requested for order #1003.']);
    expect(h.sim.state.view(1003)).toMatchObject({ status: 'partial', remains });
    h.sim.state.addOrder({ user: 'demo', status: 'processing' });
    const stalled = h.sim.state.orders.at(-1)!.id;
    expect(await h.say(`fake complete ${stalled}`, { sender: 'staff-1' })).toEqual([
      `Order #${stalled} marked as completed.`,
    ]);
    expect(h.sim.state.view(stalled).status).toBe('completed');
    expect(keys).toEqual([
      'cancel:m1:1004:cancel',
      'speedUp:m2:1005:speedup',
      `markCompleted:m4:${stalled}:fake_complete`,
    ]);
  });

  it('refunds through the panel when it can, else leaves it to staff (route_missing)', async () => {
    const { h, panel, last } = await start();
    expect(await h.say('refund 1006')).toEqual([
      'We could not send the refund request for order #1006 automatically; our team will handle it.',
    ]);
    expect(last().log).toMatchObject({ result: 'refused', reason: 'route_missing' });
    const refunds: (string | undefined)[] = [];
    (panel.capabilities as Set<string>).add('orders.refund');
    panel.refund = async (ids, o) => {
      refunds.push(o?.idempotencyKey);
      return ids.map((orderId) => ({ orderId, ok: true }));
    };
    await h.clock.advance(6_000);
    expect(await h.say('refund 1006')).toEqual(['Refund requested for order #1006. Our team will review it.']);
    expect(refunds).toEqual(['m2:1006:refund']);
  });

  it('reports a panel refusal and sets no cooldown for it', async () => {
    const { h, last } = await start();
    // 1006 is partial: the bot allows a refill request, this panel only refills completed orders.
    const refused = 'The refill request for order #1006 was not accepted by the panel. Our team can check it.';
    expect(await h.say('refill 1006')).toEqual([refused]);
    expect(last().log).toMatchObject({ result: 'refused', reason: 'panel_rejected' });
    await h.clock.advance(6_000);
    expect(await h.say('refill 1006')).toEqual([refused]);
  });

  it('says when an action is switched off (panel-only without the capability)', async () => {
    const { h, panel } = await start({ support: { dispatch: 'panel-only' } });
    (panel.capabilities as Set<string>).delete('orders.speedup');
    expect(await h.say('speed up 1003')).toEqual([
      'Sorry, speed-up requests are not available through this bot. Please contact support.',
    ]);
    expect(order(h, 1003).resends).toBe(0);
  });
});

describe('idempotency and cooldowns', () => {
  const message = (text: string): InboundMessage => ({
    id: 'redelivered-1',
    tenantId: 'default',
    channel: 'wa',
    chat: { id: 'customer-1', kind: 'private' },
    sender: { id: 'customer-1' },
    text,
    sentAt: h!.clock.now(),
  });

  it('does not refill twice when the same message is delivered again', async () => {
    const { h } = await start();
    const first = await h.engine.handle(message('refill 1001'));
    await h.clock.advance(60_000);
    const again = await h.engine.handle(message('refill 1001'));
    expect(first.status).toBe('answered');
    expect(again.status).toBe('duplicate');
    expect(h.sim.state.refills).toHaveLength(1);
  });

  it('refuses a new request for the same order and action within cooldown_seconds', async () => {
    const { h, last } = await start();
    await h.say('refill 1001');
    await h.clock.advance(10_000);
    expect(await h.say('refill 1001')).toEqual([
      'A refill request for order #1001 is already in progress. You can ask again in 1 hour.',
    ]);
    expect(last().log).toMatchObject({ result: 'refused', reason: 'cooldown' });
    expect(h.sim.state.refills).toHaveLength(1);
  });

  it('lets the same action through again once the cooldown has expired', async () => {
    const { h } = await start({ botConfig: { cooldown_seconds: 120 } });
    expect(await h.say('speed up 1003')).toEqual(['Speed-up requested for order #1003.']);
    await h.clock.advance(60_000);
    expect(await h.say('speed up 1003')).toEqual([
      'A speed-up request for order #1003 is already in progress. You can ask again in 1 minute.',
    ]);
    // Another action on the same order has its own cooldown.
    expect(await h.say('cancel 1003')).toEqual([expect.stringContaining('Cancellation requested for order #1003')]);
    await h.clock.advance(61_000);
    expect(await h.say('speed up 1005')).toEqual(['Speed-up requested for order #1005.']);
    h.sim.state.getOrder(1003)!.override = undefined;
    expect(await h.say('speed up 1003')).toEqual(['Speed-up requested for order #1003.']);
    expect(order(h, 1003).resends).toBe(2);
  });

  it('runs a dirty command like a clean one and keeps the customer’s words in the log', async () => {
    const { h, last } = await start();
    const replies = await h.say('refill 1001 why is my order dropping so fast');
    expect(replies[0]).toBe('Refill requested for order #1001. We will update you when it is done.');
    expect(h.sim.state.refills).toHaveLength(1);
    expect(last().priority).toBe(true);
    expect(last().log.reason).toMatch(/^submitted:panel \| customer: ".*dropping so fast.*"$/i);
  });
});
