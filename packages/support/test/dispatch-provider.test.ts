import { type BotPlugin, SecretBox, Tokens, VirtualClock } from '@smmbot/core';
import { createPanelSim } from '@smmbot/panel-sim';
import { type NewProviderInput, providers } from '@smmbot/providers';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IDENTITIES,
  type IdentityRecord,
  identityId,
  type LogDraft,
  type SupportOptions,
  supportState,
} from '../src/index.js';
import { supportHarness } from './harness.js';

type H = Awaited<ReturnType<typeof supportHarness>>;
let h: H | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const secrets: BotPlugin = {
  name: 'test:secrets',
  register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox('s'.repeat(32)) }),
};

/** The sim's providers (orders name them by domain), each with its own group unless `noGroup` lists it. */
function providerList(options: { skip?: string[]; noGroup?: string[] } = {}): NewProviderInput[] {
  return ['a', 'b', 'c', 'd']
    .filter((x) => !options.skip?.includes(x))
    .map((x) => ({
      name: `Provider ${x.toUpperCase()}`,
      url: `https://smmprovider-${x}.example/api/v2`,
      key: 'provider-key',
      isActive: false,
      ...(options.noGroup?.includes(x) ? {} : { escalationGroup: { channel: 'wa', chatId: `provider-group-${x}` } }),
    }));
}

async function start(support: Partial<SupportOptions>, list = providerList()) {
  const drafts: LogDraft[] = [];
  const capture: BotPlugin = {
    name: 'test:capture',
    apply: ({ hooks }) => hooks.settled.tap('capture', (turn) => void drafts.push({ ...supportState(turn).log })),
  };
  h = await supportHarness({
    support,
    plugins: [secrets, providers({ syncOnBoot: false, providers: list }), capture],
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
  return { h, drafts, last: () => drafts.at(-1)! };
}

/** The harness's data (same seed and start time), known before a harness is built. */
const seeded = createPanelSim({ clock: new VirtualClock(Date.UTC(2026, 10, 1, 12, 0, 0)), seed: 1 }).state;
/** The letter of an order's provider (`smmprovider-c.example` → `c`) and its provider order id. */
const upstream = (id: number) => {
  const o = seeded.getOrder(id)!;
  return { letter: /smmprovider-(\w)\./.exec(o.provider)![1]!, external: o.externalId, domain: o.provider };
};
const groupMessages = (harness: H) =>
  harness.channel.sent.filter((m) => m.chatId.startsWith('provider-group-')).map((m) => `${m.chatId}: ${m.text}`);
const customerReplies = (harness: H) =>
  harness.channel.sent.filter((m) => m.chatId === 'customer-1').map((m) => m.text);

describe('provider-group route', () => {
  it('sends one clean command per provider with the provider order ids (provider-first)', async () => {
    const { h, last } = await start({ dispatch: 'provider-first' });
    const ids = [1001, 1006, 1010];
    await h.say(`refill ${ids.join(' ')}`);
    const expected = new Map<string, string[]>();
    for (const id of ids) {
      const u = upstream(id);
      expected.set(u.letter, [...(expected.get(u.letter) ?? []), u.external]);
    }
    expect(groupMessages(h).sort()).toEqual(
      [...expected].map(([letter, exts]) => `provider-group-${letter}: ${exts.join(',')} refill`).sort(),
    );
    expect(h.channel.sent.find((m) => m.chatId.startsWith('provider-group-'))).toMatchObject({ priority: 'support' });
    expect(h.sim.state.refills).toHaveLength(0);
    expect(customerReplies(h)).toEqual([
      'Refill requested for order #1001, #1006, #1010. We will update you when it is done.',
    ]);
    const log = last();
    expect(log).toMatchObject({
      result: 'ok',
      orderIds: ['1001', '1006', '1010'],
      reason: 'submitted:provider-group x3',
    });
    expect(log.providerOrderIds).toEqual(ids.map((id) => upstream(id).external));
    expect(log.provider).toContain(`Provider ${upstream(1001).letter.toUpperCase()}`);
    await h.clock.advance(6_000);
    expect((await h.say('refill status 1001'))[0]).toMatch(
      /^A refill of order #1001 was requested on \d{4}-\d\d-\d\d \d\d:\d\d UTC and is being handled\.$/,
    );
  });

  it('falls back to the provider group when the panel lacks the capability (panel-first)', async () => {
    const { h } = await start({});
    (h.engine.container.resolve(Tokens.Panel).capabilities as Set<string>).delete('orders.speedup');
    expect(await h.say('speed up 1003')).toContain('Speed-up requested for order #1003.');
    const u = upstream(1003);
    expect(groupMessages(h)).toEqual([`provider-group-${u.letter}: ${u.external} speed`]);
    expect(h.sim.state.getOrder(1003)!.resends).toBe(0);
  });

  it('uses the provider’s own command template when it has one; panel-first uses the panel', async () => {
    const u = upstream(1004);
    const { h } = await start({
      dispatch: 'provider-first',
      providerCommandsByProvider: { [`provider ${u.letter}`]: { cancel: 'please cancel {ids} asap' } },
    });
    expect(h.sim.state.getOrder(1004)!.externalId).toBe(u.external);
    await h.say('cancel 1004');
    expect(groupMessages(h)).toEqual([`provider-group-${u.letter}: please cancel ${u.external} asap`]);
    expect(h.sim.state.view(1004).status).toBe('pending');
    await h.stop();
    const panelFirst = await start({});
    await panelFirst.h.say('cancel 1004');
    expect(groupMessages(panelFirst.h)).toEqual([]);
    expect(panelFirst.h.sim.state.view(1004).status).toBe('canceled');
  });
});

describe('missing routes', () => {
  it('provider_missing: the order’s provider is not in the provider table', async () => {
    const u = upstream(1001);
    const { h, last } = await start({ dispatch: 'provider-only' }, providerList({ skip: [u.letter] }));
    expect(await h.say('refill 1001')).toEqual([
      'We could not find the provider for order #1001; our team will handle it.',
    ]);
    expect(last()).toMatchObject({ result: 'refused', reason: 'provider_missing', provider: u.domain });
    expect(groupMessages(h)).toEqual([]);
  });

  it('route_missing: the provider has no group', async () => {
    const u = upstream(1001);
    const { h, last } = await start({ dispatch: 'provider-only' }, providerList({ noGroup: [u.letter] }));
    expect(await h.say('refill 1001')).toEqual([
      'We could not send the refill request for order #1001 automatically; our team will handle it.',
    ]);
    expect(last()).toMatchObject({
      result: 'refused',
      reason: 'route_missing',
      provider: `Provider ${u.letter.toUpperCase()}`,
    });
    expect(h.sim.state.refills).toHaveLength(0);
  });

  it('a provider group that cannot be reached is an error, with no cooldown', async () => {
    const { h, last } = await start({ dispatch: 'provider-only' });
    h.channel.failNext(new Error('group send failed'));
    await h.say('refill 1001');
    expect(customerReplies(h)).toEqual([
      'We could not send the refill request for order #1001 right now. Please try again later.',
    ]);
    expect(last()).toMatchObject({ result: 'error', reason: 'dispatch_failed' });
    await h.clock.advance(6_000);
    await h.say('refill 1001');
    expect(customerReplies(h).at(-1)).toBe('Refill requested for order #1001. We will update you when it is done.');
  });
});
