import { type BotPlugin, type PanelOrder, SecretBox, Tokens } from '@smmbot/core';
import { providers } from '@smmbot/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITIES, type IdentityRecord, identityId, type LogDraft, supportState } from '../src/index.js';
import { ownsOrder, sameUser } from '../src/orders/index.js';
import { supportHarness } from './harness.js';

type H = Awaited<ReturnType<typeof supportHarness>>;
let h: H | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

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
      lastActiveAt: now,
      createdAt: now,
    });
}

const secrets: BotPlugin = {
  name: 'test:secrets',
  register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox('s'.repeat(32)) }),
};
/** Every sim provider, each with its own escalation group: any dispatch would show up there. */
const PROVIDERS = ['a', 'b', 'c', 'd'].map((x) => ({
  name: `Provider ${x.toUpperCase()}`,
  url: `https://smmprovider-${x}.example/api/v2`,
  key: 'provider-key',
  isActive: false,
  escalationGroup: { channel: 'wa', chatId: `provider-group-${x}` },
}));

async function start() {
  const drafts: LogDraft[] = [];
  const capture: BotPlugin = {
    name: 'test:capture',
    apply: ({ hooks }) => hooks.settled.tap('capture', (turn) => void drafts.push({ ...supportState(turn).log })),
  };
  h = await supportHarness({
    support: { admins: [{ channel: 'wa', address: 'staff-1', role: 'staff' }] },
    plugins: [secrets, providers({ syncOnBoot: false, providers: PROVIDERS }), capture],
  });
  await link(h, 'customer-1', 'demo');
  const service = h.sim.state.services.find((s) => /30 Days Refill/.test(s.name))!;
  const add = (status: 'completed' | 'in_progress' | 'partial') =>
    String(
      h!.sim.state.addOrder({ user: 'alice', serviceId: service.id, status, remains: status === 'completed' ? 0 : 100 })
        .id,
    );
  const alice = { completed: add('completed'), running: add('in_progress'), partial: add('partial') };
  return { h, drafts, alice };
}

const groupMessages = (harness: H) => harness.channel.sent.filter((m) => m.chatId.startsWith('provider-group-'));

describe('ownership: a customer never acts on another customer’s order', () => {
  const cases = [
    ['refill', 'completed'],
    ['cancel', 'running'],
    ['speed up', 'running'],
    ['refund', 'partial'],
    ['partial', 'running'],
    ['order', 'completed'],
    ['refill status', 'completed'],
  ] as const;

  it.each(cases)('%s on alice’s order is refused and nothing is dispatched', async (verb, which) => {
    const { h, drafts, alice } = await start();
    const id = alice[which];
    const before = { ...h.sim.state.getOrder(id)!.override };
    const replies = await h.say(`${verb} ${id}`);
    expect(replies).toEqual([`Order #${id} does not belong to your account.`]);
    expect(h.sim.state.getOrder(id)!.override).toEqual(before);
    expect(h.sim.state.refills).toHaveLength(0);
    expect(groupMessages(h)).toHaveLength(0);
    expect(drafts.at(-1)).toMatchObject({ orderIds: [id], result: 'refused', reason: 'not_owned' });
  });

  it('fake complete is staff-only, even on the customer’s own order', async () => {
    const { h } = await start();
    expect(await h.say('fake complete 1004')).toEqual(['Sorry, you do not have permission to use this command.']);
    expect(h.sim.state.view(1004).status).toBe('pending');
  });

  it('refuses per order in bulk: own orders go ahead, alice’s and unknown ones are refused', async () => {
    const { h, drafts, alice } = await start();
    const replies = await h.say(`cancel 1004 ${alice.running} 999999`);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('Cancellation requested for order #1004.');
    expect(replies[0]).toContain(`Order #${alice.running} does not belong to your account.`);
    expect(replies[0]).toContain('Order #999999: not found.');
    expect(h.sim.state.view(1004).status).toBe('canceled');
    expect(h.sim.state.view(Number(alice.running)).status).toBe('in_progress');
    expect(drafts.at(-1)).toMatchObject({ result: 'partial', orderIds: ['1004', alice.running, '999999'] });
  });

  it('matches the linked username trimmed and case-insensitively', async () => {
    const { h, alice } = await start();
    await link(h, 'customer-2', '  ALICE ');
    const [reply] = await h.say(`cancel ${alice.running}`, { sender: 'customer-2' });
    expect(reply).toContain(`Cancellation requested for order #${alice.running}`);
  });

  it('lets staff act on any customer’s order', async () => {
    const { h, alice } = await start();
    const [refill] = await h.say(`refill ${alice.completed}`, { sender: 'staff-1' });
    expect(refill).toContain(`Refill requested for order #${alice.completed}`);
    expect(h.sim.state.refills.map((r) => String(r.orderId))).toEqual([alice.completed]);
    const [done] = await h.say(`fake complete ${alice.running}`, { sender: 'staff-1' });
    expect(done).toBe(`Order #${alice.running} marked as completed.`);
    expect(h.sim.state.view(Number(alice.running)).status).toBe('completed');
  });
});

describe('sameUser / ownsOrder', () => {
  const order = (user?: string): PanelOrder => ({ id: '1', status: 'completed', user });
  it('compares trimmed, case-insensitive usernames and never matches a missing one', () => {
    expect(sameUser(' Demo ', 'demo')).toBe(true);
    expect(sameUser('demo', 'demo2')).toBe(false);
    expect(sameUser(undefined, 'demo')).toBe(false);
    expect(sameUser('', '')).toBe(false);
    expect(ownsOrder({ panelUser: 'demo', anyOwner: false, key: 'k' }, order('DEMO'))).toBe(true);
    expect(ownsOrder({ panelUser: 'demo', anyOwner: false, key: 'k' }, order(undefined))).toBe(false);
    expect(ownsOrder({ anyOwner: false, key: 'k' }, order('demo'))).toBe(false);
    expect(ownsOrder({ anyOwner: true, key: 'k' }, order('alice'))).toBe(true);
  });
});
