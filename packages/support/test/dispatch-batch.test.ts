import { Tokens } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITIES, type IdentityRecord, identityId } from '../src/index.js';
import { supportHarness } from './harness.js';

let h: Awaited<ReturnType<typeof supportHarness>> | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const S30 = 'Instagram Followers | Low Drop | 30 Days Refill | 100K Per Day';

describe('bulk actions through the panel', () => {
  it('refills many orders with one panel request, and a redelivery acts once', async () => {
    h = await supportHarness();
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
    const service = h.sim.state.services.find((s) => s.name === S30)!.id;
    const ids = [1, 2, 3].map((d) =>
      String(
        h!.sim.state.addOrder({ user: 'demo', serviceId: service, status: 'completed', statusAt: now - d * 86_400_000 })
          .id,
      ),
    );
    h.sim.requests.reset();
    const reply = (await h.say(`refill ${ids.join(', ')}`)).join('\n');
    expect(reply).toMatch(/Refill requested for order/);
    for (const id of ids) expect(reply).toContain(id);
    expect(h.sim.requests.count('POST /adminapi/v2/orders/refill')).toBe(1);
    expect(h.sim.state.refills).toHaveLength(3);
  });
});
