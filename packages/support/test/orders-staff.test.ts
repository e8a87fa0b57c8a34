import { type BotPlugin, type PanelClient, type PanelOrder, SecretBox, Tokens } from '@smmbot/core';
import { ProviderServiceToken, providers } from '@smmbot/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITIES, type IdentityRecord, identityId, type LogDraft, supportState } from '../src/index.js';
import { supportHarness } from './harness.js';

type H = Awaited<ReturnType<typeof supportHarness>>;
let h: H | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const DAY = 86_400_000;
const secrets: BotPlugin = {
  name: 'test:secrets',
  register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox('s'.repeat(32)) }),
};
const PROVIDERS = ['a', 'b', 'c', 'd'].map((x) => ({
  name: `Provider ${x.toUpperCase()}`,
  url: `https://smmprovider-${x}.example/api/v2`,
  key: 'provider-key',
  isActive: false,
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

const utc = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 10)} ${new Date(ms).toISOString().slice(11, 16)} UTC`;
const staff = (harness: H, text: string) => harness.say(text, { sender: 'staff-1' });

describe('refill verify <ids>', () => {
  it('shows panel counts, what they imply and the refill verdict per order', async () => {
    const { h, last } = await start();
    const [reply] = await staff(h, 'refill verify 1001 1002 1009 999999');
    const lines = reply!.split('\n');
    const o = h.sim.state.getOrder(1001)!;
    const v = h.sim.state.view(o);
    expect(lines[0]).toBe(
      `#1001 | Completed (${utc(v.lastUpdate)}) | Start: ${v.startCount} | Qty: ${o.quantity} | Remains: 0 | ` +
        `Delivered: ${o.quantity} | Target: ${v.startCount + o.quantity} | Live: n/a (panel data only) | ` +
        `Refill: eligible (30 days, until ${utc(v.lastUpdate + 30 * DAY)})`,
    );
    expect(lines[1]).toMatch(
      /^#1002 \| Completed .* \| Refill: expired \(30 days, ended \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/,
    );
    expect(lines[2]).toMatch(/^#1009 \| .* \| Refill: no refill on this service$/);
    expect(lines[3]).toBe('Order #999999: not found. Please check the number.');
    expect(last()).toMatchObject({ action: 'staff.refill_verify', result: 'partial' });
    expect(h.sim.state.refills).toHaveLength(0);
  });

  it('works on any customer’s order, and is refused to customers', async () => {
    const { h, last } = await start();
    const alice = h.sim.state.orders.find((o) => o.user === 'alice')!.id;
    expect((await staff(h, `refill verify ${alice}`))[0]).toMatch(new RegExp(`^#${alice} \\| `));
    expect(await h.say('refill verify 1001')).toEqual(['Sorry, you do not have permission to use this command.']);
    expect(last()).toMatchObject({ action: 'staff.refill_verify', result: 'refused', reason: 'permission_denied' });
  });
});

describe('<ids> provider status', () => {
  it('shows the provider order id and status per order, with no ownership check', async () => {
    const { h, last } = await start();
    const alice = h.sim.state.orders.find((o) => o.user === 'alice')!;
    const [reply] = await staff(h, `1001,1004, ${alice.id} provider status`);
    expect(reply!.split('\n')).toEqual([
      `#1001 | Provider OID: ${h.sim.state.getOrder(1001)!.externalId} | Provider Status: Completed (panel view)`,
      `#1004 | Provider OID: ${h.sim.state.getOrder(1004)!.externalId} | Provider Status: Pending (panel view)`,
      expect.stringMatching(new RegExp(`^#${alice.id} \\| Provider OID: ${alice.externalId} \\| Provider Status: `)),
    ]);
    expect(last()).toMatchObject({
      action: 'staff.provider_status',
      result: 'info',
      providerOrderIds: [
        h.sim.state.getOrder(1001)!.externalId,
        h.sim.state.getOrder(1004)!.externalId,
        alice.externalId,
      ],
    });
  });

  it('is refused to customers', async () => {
    const { h } = await start();
    expect(await h.say('1001 provider status')).toEqual(['Sorry, you do not have permission to use this command.']);
  });

  it('asks the provider’s own API when the provider service can open a client', async () => {
    const { h } = await start();
    const asked: string[][] = [];
    const fake: PanelClient = {
      name: 'provider-api',
      capabilities: new Set(['orders.get']),
      getOrders: async (ids) => {
        asked.push(ids);
        return ids.map((id): PanelOrder => ({ id, status: 'in_progress', startCount: 10, remains: 5 }));
      },
    };
    const service = h.engine.container.resolve(ProviderServiceToken) as unknown as { client?: unknown };
    service.client = async () => fake;
    const external = h.sim.state.getOrder(1001)!.externalId;
    expect(await staff(h, '1001 provider status')).toEqual([
      `#1001 | Provider OID: ${external} | Provider Status: In progress`,
    ]);
    expect(asked).toEqual([[external]]);
    const [verify] = await staff(h, 'refill verify 1001');
    expect(verify).toContain('Live (provider): In progress, start 10, remains 5 — MISMATCH with panel');
  });
});
