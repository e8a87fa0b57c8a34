import { type BotPlugin, Tokens } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITIES, type IdentityRecord, identityId, type LogDraft, supportState } from '../src/index.js';
import { supportHarness } from './harness.js';

let h: Awaited<ReturnType<typeof supportHarness>> | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(serviceRules: Record<string, Record<string, unknown>>) {
  const drafts: LogDraft[] = [];
  const capture: BotPlugin = {
    name: 'test:capture',
    apply: ({ hooks }) => hooks.settled.tap('capture', (turn) => void drafts.push({ ...supportState(turn).log })),
  };
  h = await supportHarness({ support: { serviceRules: serviceRules as never }, plugins: [capture] });
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
  return { h, drafts };
}

describe('per-tenant service-rule overrides', () => {
  it('an owner override by service id wins over what the service name says', async () => {
    // Order 1009's service name says "no refill".
    const plain = await start({});
    expect(await plain.h.say('refill 1009')).toEqual(['Order #1009 is for a service without refill.']);
    const serviceId = String(plain.h.sim.state.orders.find((o) => o.id === 1009)!.serviceId);
    await plain.h.stop();
    h = undefined;

    const { h: h2, drafts } = await start({ default: { [serviceId]: { refill: { kind: 'lifetime' } } } });
    const reply = (await h2.say('refill 1009')).join('\n');
    expect(reply).not.toContain('without refill');
    expect(drafts.at(-1)?.reason ?? '').not.toContain('refill_no_refill');
  });

  it('rejects an invalid override at start with its path', async () => {
    await expect(start({ default: { '1': { refill: { kind: 'days', days: 0 } } } })).rejects.toThrow(/serviceRules/);
  });
});
