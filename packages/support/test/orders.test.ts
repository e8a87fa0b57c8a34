import { type BotPlugin, Tokens } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITIES, type IdentityRecord, identityId, type LogDraft, supportState } from '../src/index.js';
import { type HarnessOptions, supportHarness } from './harness.js';

type H = Awaited<ReturnType<typeof supportHarness>>;
let h: H | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const STAFF = { channel: 'wa', address: 'staff-1', role: 'staff' as const };

/** Links a chat sender to a panel user by writing the identity record (no verification flow). */
async function link(harness: H, sender: string, panelUser: string) {
  const now = harness.clock.now();
  await harness.engine.container
    .resolve(Tokens.Store)
    .collection<IdentityRecord>(IDENTITIES)
    .upsert('default', {
      id: identityId('wa', sender),
      channel: 'wa',
      address: sender,
      aliases: [],
      panelUser,
      status: 'active',
      verifiedAt: now,
      verifiedBy: 'admin',
      lastActiveAt: now,
      createdAt: now,
    });
}

/** Each turn's log draft, as the message log receives it. */
const capture = (drafts: LogDraft[]): BotPlugin => ({
  name: 'test:capture',
  apply: ({ hooks }) => hooks.settled.tap('capture', (turn) => void drafts.push({ ...supportState(turn).log })),
});

async function start(options: HarnessOptions = {}) {
  const drafts: LogDraft[] = [];
  h = await supportHarness({
    ...options,
    support: { admins: [STAFF], ...options.support },
    plugins: [capture(drafts)],
  });
  await link(h, 'customer-1', 'demo');
  return { h, drafts, last: () => drafts.at(-1)! };
}

const S30 = 'Instagram Followers | Low Drop | 30 Days Refill | 100K Per Day';
const aliceOrder = (harness: H) => {
  const service = harness.sim.state.services.find((s) => s.name === S30)!;
  return String(harness.sim.state.addOrder({ user: 'alice', serviceId: service.id, status: 'completed' }).id);
};

describe('order <ids>', () => {
  it('shows one owned order in full, without the provider for a customer', async () => {
    const { h, last } = await start();
    const [reply] = await h.say('order 1001');
    expect(reply).toContain('*Order #1001*');
    expect(reply).toContain('Status: Completed');
    expect(reply).toContain('Charge:');
    expect(reply).not.toContain('Provider');
    expect(last()).toMatchObject({ action: 'order', orderIds: ['1001'], result: 'info' });
  });

  it('answers a mixed bulk look-up in one reply: owned, not owned, not found', async () => {
    const { h, last } = await start();
    const other = aliceOrder(h);
    const replies = await h.say(`check 1001, 1003, ${other}, 999999`);
    expect(replies).toHaveLength(1);
    const [reply] = replies;
    expect(reply).toContain('*Order #1001*');
    expect(reply).toContain('*Order #1003*');
    expect(reply).toContain(`Order #${other} does not belong to your account.`);
    expect(reply).toContain('Order #999999: not found.');
    expect(reply).not.toContain(`*Order #${other}*`);
    expect(last()).toMatchObject({ result: 'partial', orderIds: ['1001', '1003', other, '999999'] });
  });

  it('groups many orders by status', async () => {
    const { h } = await start();
    const [reply] = await h.say('order 1001 1002 1003 1004 1005 1009');
    expect(reply).toContain('*Completed (3)*: #1001, #1002, #1009');
    expect(reply).toMatch(/\*In progress \(1\)\*: #1003 \(remains \d+\)/);
    expect(reply).toMatch(/\*Pending \(1\)\*: #1004 \(remains \d+\)/);
    expect(reply).toContain('*Processing (1)*: #1005');
  });

  it('shows staff any order with its provider', async () => {
    const { h } = await start();
    const other = aliceOrder(h);
    const [reply] = await h.say(`order ${other}`, { sender: 'staff-1' });
    expect(reply).toContain(`*Order #${other}*`);
    expect(reply).toMatch(/Provider: smmprovider-\w\.example \| Provider OID: \d+/);
  });

  it('asks for an id, and refuses a chat that is not linked', async () => {
    const { h } = await start({ botConfig: { verification_enabled: false } });
    expect((await h.say('order'))[0]).toContain('Please send the order id');
    expect((await h.say('order 1001', { sender: 'stranger' }))[0]).toContain('not linked to a panel account');
  });

  it('refuses a rapid repeat of the same command, and answers again after the pause', async () => {
    const { h, last } = await start();
    await h.say('order 1001');
    expect((await h.say('order 1001'))[0]).toBe('Please wait 5 seconds before sending this command again.');
    expect(last()).toMatchObject({ result: 'refused', reason: 'command_cooldown' });
    expect((await h.say('order 1003'))[0]).toContain('*Order #1003*');
    await h.clock.advance(5_000);
    expect((await h.say('order 1001'))[0]).toContain('*Order #1001*');
  });

  it('says when ids beyond max_ids_per_message were left out', async () => {
    const { h } = await start({ botConfig: { max_ids_per_message: 2 } });
    const replies = await h.say('order 1001 1002 1003');
    expect(replies.join('\n')).toContain('Only the first 2 order ids were handled');
    expect(replies.join('\n')).not.toContain('#1003');
  });
});

describe('balance, services, ticket', () => {
  it('shows the linked user balance, then applies the balance cooldown until it expires', async () => {
    const { h, last } = await start();
    const amount = h.sim.state.balanceOf('demo').toFixed(2);
    expect((await h.say('balance'))[0]).toBe(`Your balance: *${amount} USD*`);
    expect(last()).toMatchObject({ action: 'balance', result: 'info' });
    await h.clock.advance(20_000);
    expect((await h.say('balance'))[0]).toBe('You checked your balance a moment ago. Please try again in 40 seconds.');
    expect(last()).toMatchObject({ result: 'refused', reason: 'balance_cooldown' });
    await h.clock.advance(40_000);
    expect((await h.say('balance'))[0]).toContain('Your balance:');
  });

  it('sends the services link, or the panel service count', async () => {
    const withUrl = await start({ botConfig: { services_url: 'https://panel.example/services' } });
    expect((await withUrl.h.say('services'))[0]).toBe(
      'See all services and prices here: https://panel.example/services',
    );
    await withUrl.h.stop();
    const { h: plain } = await start({ botConfig: { panel_url: 'https://panel.example/' } });
    const count = plain.sim.state.services.length;
    expect((await plain.say('services'))[0]).toBe(
      `We offer ${count} services. See them all here: https://panel.example/services`,
    );
  });

  it('shows the status of the user’s own tickets only', async () => {
    const { h } = await start();
    const own = h.sim.state.ticketsFor('demo')[0]!;
    const others = h.sim.state.ticketsFor('alice')[0]!;
    const [reply] = await h.say(`ticket ${own.id}`);
    expect(reply).toBe(`Ticket #${own.id}: ${own.status === 'pending' ? 'Pending' : 'Closed'} — ${own.subject}`);
    expect((await h.say(`ticket ${others.id}`))[0]).toBe(`Ticket #${others.id} does not belong to your account.`);
    expect((await h.say('ticket 99999'))[0]).toBe('Ticket #99999: not found.');
    expect((await h.say('ticket'))[0]).toContain('Please send the ticket id');
  });

  it('answers my username from the link', async () => {
    const { h } = await start();
    expect((await h.say('my username'))[0]).toBe('This chat is linked to the panel username *demo*.');
  });
});

describe('refill status', () => {
  it('has nothing before a refill, and is unavailable for a panel refill without refills.status', async () => {
    const { h } = await start();
    expect((await h.say('refill status 1001'))[0]).toBe('No refill request was found for order #1001.');
    expect((await h.say('refill 1001'))[0]).toContain('Refill requested for order #1001');
    await h.clock.advance(5_000);
    expect((await h.say('refill status 1001'))[0]).toBe(
      'Sorry, refill status requests are not available through this bot. Please contact support.',
    );
  });

  it('asks the panel when it can report refill progress', async () => {
    const { h } = await start();
    const panel = h.engine.container.resolve(Tokens.Panel);
    const asked: string[][] = [];
    (panel.capabilities as Set<string>).add('refills.status');
    panel.refillStatus = async (ids) => {
      asked.push(ids);
      return ids.map((refillId) => ({ refillId, status: 'in_progress' as const }));
    };
    await h.say('refill 1001');
    const refillId = String(h.sim.state.refills.at(-1)!.id);
    expect((await h.say('refill status 1001'))[0]).toBe('Refill of order #1001: In progress.');
    expect(asked).toEqual([[refillId]]);
  });
});
