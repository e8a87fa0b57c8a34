import { basicCommands } from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Options, start } from './helpers.js';

const DAY = 86_400_000;
let app: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function withChannels(options: Options) {
  const web = new FakeChannel('web', 'acme');
  const tg = new FakeChannel('tg', 'acme');
  app = await start({
    before: [web.plugin(), tg.plugin()],
    after: [basicCommands()],
    options: { channelMediums: { web: 'webchat', tg: 'telegram' }, ...options },
  });
  return { web, tg, send: (c: FakeChannel) => app!.engine.handle(c.message('help')) };
}

describe('subscriptions expire on the clock', () => {
  it('a trial ends on its day and the workspace falls back to the free plan', async () => {
    const c = await withChannels({ defaultPlan: 'pro', trialDays: 14, onExpiry: 'free', freePlan: 'free' });
    const owner = app!.as('owner:acme');
    expect((await owner.get('/api/v1/billing/subscription')).body).toMatchObject({
      status: 'trialing',
      blocked: false,
      fallback: false,
      plan: { id: 'pro' },
      subscription: { current_period_end: '2026-01-24T12:00:00.000Z' },
    });
    expect((await c.send(c.tg)).status).toBe('answered');

    await app!.clock.advance(14 * DAY - 1);
    expect((await c.send(c.tg)).status).toBe('answered');
    await app!.clock.advance(1);
    const lapsed = await owner.get('/api/v1/billing/subscription');
    expect(lapsed.body).toMatchObject({ status: 'expired', blocked: false, fallback: true, plan: { id: 'free' } });
    expect(lapsed.body.mediums).toEqual(['webchat']);
    expect(await c.send(c.tg)).toMatchObject({ status: 'dropped', reason: 'plan_medium' });
    expect((await c.send(c.web)).status).toBe('answered');

    const list = await app!.as('master').get('/api/v1/master/billing/workspaces');
    expect(list.body.workspaces.find((w: { workspace: string }) => w.workspace === 'acme')).toMatchObject({
      plan_id: 'pro',
      status: 'expired',
    });
  });

  it('a paid period ends after the grace days and blocks; paying again resumes from now', async () => {
    const c = await withChannels({ graceDays: 3 });
    const owner = app!.as('owner:acme');
    const master = app!.as('master');
    const pay = async (reference: string) => {
      const invoice = (await owner.post('/api/v1/billing/checkout', { plan_id: 'pro' })).body.invoice;
      await owner.post('/api/v1/billing/payment-reference', { invoice_id: invoice.id, reference });
      return (await master.post(`/api/v1/master/billing/payment-references/${invoice.id}/approve`)).body;
    };
    expect((await pay('TRX-1')).subscription.current_period_end).toBe('2026-02-10T12:00:00.000Z');
    expect((await c.send(c.tg)).status).toBe('answered');

    await app!.clock.advanceTo(Date.UTC(2026, 1, 13, 11, 59));
    expect((await owner.get('/api/v1/billing/subscription')).body.status).toBe('active');
    expect((await c.send(c.tg)).status).toBe('answered');
    await app!.clock.advanceTo(Date.UTC(2026, 1, 13, 12, 0));
    expect((await owner.get('/api/v1/billing/subscription')).body).toMatchObject({ status: 'expired', blocked: true });
    expect(await c.send(c.tg)).toMatchObject({ status: 'dropped', reason: 'plan_blocked' });
    expect(c.tg.sent).toHaveLength(2);

    const renewed = await pay('TRX-2');
    expect(renewed.subscription).toMatchObject({ status: 'active', current_period_end: '2026-03-13T12:00:00.000Z' });
    expect((await c.send(c.tg)).status).toBe('answered');
  });

  it('gives a workspace added at runtime the default plan’s trial', async () => {
    await withChannels({ defaultPlan: 'pro', trialDays: 7 });
    expect(await app!.engine.addTenant('initech')).toBe(true);
    const sub = await app!.billing.subscriptions.get('initech');
    expect(sub).toMatchObject({ plan_id: 'pro', status: 'trialing', current_period_end: Date.UTC(2026, 0, 17, 12) });
    const list = await app!.as('master').get('/api/v1/master/billing/workspaces');
    expect(list.body.workspaces.map((w: { workspace: string }) => w.workspace)).toEqual(['acme', 'globex', 'initech']);
  });

  it('lets the master set a workspace’s subscription by hand', async () => {
    await withChannels({});
    const master = app!.as('master');
    const set = await master.put('/api/v1/master/billing/workspaces/globex/subscription', {
      plan_id: 'pro',
      current_period_end: '2026-06-01T00:00:00.000Z',
    });
    expect(set.body.subscription).toMatchObject({ plan_id: 'pro', status: 'active' });
    expect((await app!.as('owner:globex').get('/api/v1/billing/subscription')).body.blocked).toBe(false);
    expect((await master.put('/api/v1/master/billing/workspaces/nobody/subscription', { plan_id: 'pro' })).status).toBe(
      404,
    );
    expect(
      (await app!.as('owner:globex').put('/api/v1/master/billing/workspaces/globex/subscription', { plan_id: 'pro' }))
        .status,
    ).toBe(403);
  });
});
