import { type BotPlugin, parseServiceRules, Tokens } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITIES, type IdentityRecord, identityId, type LogDraft, supportState } from '../src/index.js';
import { supportHarness } from './harness.js';

type H = Awaited<ReturnType<typeof supportHarness>>;
let h: H | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const MIN = 60_000;
const DAY = 86_400_000;
const S30 = 'Instagram Followers | Low Drop | 30 Days Refill | 100K Per Day';

async function start() {
  const drafts: LogDraft[] = [];
  const capture: BotPlugin = {
    name: 'test:capture',
    apply: ({ hooks }) => hooks.settled.tap('capture', (turn) => void drafts.push({ ...supportState(turn).log })),
  };
  h = await supportHarness({
    support: { admins: [{ channel: 'wa', address: 'staff-1', role: 'staff' }] },
    plugins: [capture],
  });
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
  const sim = h.sim.state;
  const serviceId = (test: (name: string) => boolean) => sim.services.find((s) => test(s.name))!.id;
  /** A demo order completed `ago` ms before now on the 30-day refill service. */
  const completedAgo = (ago: number) =>
    String(
      sim.addOrder({ user: 'demo', serviceId: serviceId((n) => n === S30), status: 'completed', statusAt: now - ago })
        .id,
    );
  return { h, drafts, serviceId, completedAgo };
}

/** Sends `text` and returns the single reply, after a pause long enough for any repeat guard. */
async function ask(harness: H, text: string, sender = 'customer-1') {
  await harness.clock.advance(6_000);
  const replies = await harness.say(text, { sender });
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

describe('refusal reasons through the engine', () => {
  it('refill: expired window (with its end), no refill, not completed, unknown rule (to staff)', async () => {
    const { h, drafts, serviceId } = await start();
    expect(await ask(h, 'refill 1002')).toMatch(
      /^Order #1002 is outside its 30-day refill period, which ended on \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/,
    );
    expect(drafts.at(-1)).toMatchObject({ result: 'refused', reason: 'refill_window_expired' });
    expect(await ask(h, 'refill 1009')).toBe('Order #1009 is for a service without refill.');
    expect(await ask(h, 'refill 1003')).toBe(
      'Order #1003 cannot be refilled: it is In progress. Refills are for completed orders.',
    );
    const unknown = serviceId((n) => parseServiceRules(n).refill.kind === 'unknown');
    const id = String(h.sim.state.addOrder({ user: 'demo', serviceId: unknown, status: 'completed' }).id);
    expect(await ask(h, `refill ${id}`)).toBe(
      `We could not confirm the refill period of order #${id}; our team will check it.`,
    );
    expect(drafts.at(-1)).toMatchObject({ orderIds: [id], result: 'refused', reason: 'refill_unknown_rule' });
    expect(h.sim.state.refills).toHaveLength(0);
  });

  it('groups the refusals of a bulk refill in one reply, one line per outcome', async () => {
    const { h } = await start();
    const reply = await ask(h, 'refill 1002 1009 1003 1010');
    expect(reply.split('\n')).toEqual([
      expect.stringMatching(/^Order #1002 is outside its 30-day refill period/),
      'Order #1009 is for a service without refill.',
      'Order #1003 cannot be refilled: it is In progress. Refills are for completed orders.',
      'Refill requested for order #1010. We will update you when it is done.',
    ]);
  });

  it('cancel, speed-up, refund, partial and fake complete refuse with their own reasons', async () => {
    const { h, serviceId } = await start();
    expect(await ask(h, 'cancel 1001')).toBe('Order #1001 cannot be canceled: it is Completed.');
    expect(await ask(h, 'speed up 1001')).toBe('Order #1001 cannot be sped up: it is Completed.');
    const slow = serviceId((n) => {
      const start = parseServiceRules(n).startTime;
      return start !== 'unknown' && 'maxMinutes' in start && start.maxMinutes === 360 && start.minMinutes === 0;
    });
    const fresh = String(h.sim.state.addOrder({ user: 'demo', serviceId: slow, startDelayMs: 5 * 3_600_000 }).id);
    expect(await ask(h, `speed up ${fresh}`)).toMatch(
      new RegExp(
        `^Order #${fresh} is still within its start time \\(0 minutes to 6 hours, until .+ UTC\\); please wait`,
      ),
    );
    expect(await ask(h, 'refund 1001')).toBe('Order #1001 cannot be refunded: it is Completed.');
    expect(await ask(h, 'refund 1008')).toBe('Order #1008 has already been refunded.');
    expect(await ask(h, 'refund 1007')).toBe('Order #1007 has already been refunded.');
    expect(await ask(h, 'partial 1004')).toBe('Order #1004 cannot be marked partial: it is Pending.');
    expect(await ask(h, 'fake complete 1001', 'staff-1')).toBe(
      'Order #1001 cannot be marked completed: it is Completed.',
    );
  });

  it('lets a speed-up through once the start window has passed', async () => {
    const { h, serviceId } = await start();
    const slow = serviceId((n) => /Start 0 - 6 Hours/.test(n));
    const id = String(h.sim.state.addOrder({ user: 'demo', serviceId: slow, startDelayMs: 8 * 3_600_000 }).id);
    expect(await ask(h, `speed up ${id}`)).toContain('still within its start time');
    await h.clock.advance(6 * 3_600_000);
    expect(await ask(h, `speed up ${id}`)).toBe(`Speed-up requested for order #${id}.`);
  });
});

describe('refill window edge (30 days from completion)', () => {
  it('accepts one minute before the end and refuses one minute after, naming the end', async () => {
    const { h, completedAgo } = await start();
    const inside = completedAgo(30 * DAY - MIN);
    const outside = completedAgo(30 * DAY + MIN);
    expect(await ask(h, `refill ${inside}`)).toBe(
      `Refill requested for order #${inside}. We will update you when it is done.`,
    );
    const ended = new Date(h.clock.now() - 6_000 - MIN).toISOString();
    expect(await ask(h, `refill ${outside}`)).toBe(
      `Order #${outside} is outside its 30-day refill period, which ended on ${ended.slice(0, 10)} ${ended.slice(11, 16)} UTC.`,
    );
  });

  it('closes the window as the clock passes its end', async () => {
    const { h, completedAgo } = await start();
    const id = completedAgo(30 * DAY - 2 * MIN);
    await h.clock.advance(3 * MIN);
    expect(await ask(h, `refill ${id}`)).toContain(`Order #${id} is outside its 30-day refill period`);
  });
});
