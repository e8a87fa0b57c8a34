import { VirtualClock } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedStorage, start } from './helpers.js';

const MASTER = '/api/v1/master/billing';
const business = {
  id: 'business',
  name: 'Business',
  price: 9900,
  currency: 'usd',
  interval: 'year',
  modules: ['support', 'tickets'],
  mediums: ['whatsapp_cloud', 'telegram'],
  limits: { messages_per_month: 50_000 },
};

let app: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('plans: the master’s CRUD', () => {
  it('lists the seeded plans, creates, changes and removes plans', async () => {
    app = await start();
    const master = app.as('master');
    const seeded = await master.get(`${MASTER}/plans`);
    expect(seeded.status).toBe(200);
    expect(seeded.body.plans.map((p: { id: string }) => p.id)).toEqual(['free', 'pro']);
    expect(seeded.body.plans[1]).toMatchObject({ currency: 'USD', price: 2500, limits: { phones: 2 } });

    const created = await master.post(`${MASTER}/plans`, business);
    expect(created.status).toBe(200);
    expect(created.body.plan).toMatchObject({
      id: 'business',
      currency: 'USD',
      interval: 'year',
      active: true,
      limits: { messages_per_month: 50_000, phones: null, staff: null, ai_requests: null },
    });
    expect((await master.post(`${MASTER}/plans`, business)).status).toBe(409);

    const bad = await master.post(`${MASTER}/plans`, { ...business, id: 'Bad Id', mediums: ['fax'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.join('\n')).toMatch(/body\.id/);
    expect(bad.body.error.issues.join('\n')).toMatch(/body\.mediums/);

    const patched = await master.patch(`${MASTER}/plans/business`, { price: 12_000, limits: { phones: 3 } });
    expect(patched.status).toBe(200);
    expect(patched.body.plan).toMatchObject({ price: 12_000, limits: { phones: 3, messages_per_month: 50_000 } });
    expect((await master.patch(`${MASTER}/plans/nope`, { price: 1 })).status).toBe(404);

    expect((await master.delete(`${MASTER}/plans/business`)).body).toEqual({ deleted: true });
    expect((await master.delete(`${MASTER}/plans/business`)).status).toBe(404);
  });

  it('refuses a workspace session (403) and no session (401) on every plan endpoint', async () => {
    app = await start();
    for (const user of ['owner:acme', 'staff:acme', undefined]) {
      const as = app.as(user);
      const want = user ? 403 : 401;
      expect((await as.get(`${MASTER}/plans`)).status).toBe(want);
      expect((await as.post(`${MASTER}/plans`, business)).status).toBe(want);
      expect((await as.patch(`${MASTER}/plans/pro`, { price: 1 })).status).toBe(want);
      expect((await as.delete(`${MASTER}/plans/free`)).status).toBe(want);
    }
    const plans = await app.as('master').get(`${MASTER}/plans`);
    expect(plans.body.plans.map((p: { id: string; price: number }) => [p.id, p.price])).toEqual([
      ['free', 0],
      ['pro', 2500],
    ]);
  });

  it('keeps a plan that a workspace is on (409) and offers only active plans to workspaces', async () => {
    app = await start({ options: { assign: { acme: 'pro' } } });
    const master = app.as('master');
    const inUse = await master.delete(`${MASTER}/plans/pro`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toMatch(/used by 1 workspace/);

    await master.patch(`${MASTER}/plans/pro`, { active: false });
    const offered = await app.as('owner:acme').get('/api/v1/billing/plans');
    expect(offered.status).toBe(200);
    expect(offered.body).toEqual({ plans: [expect.objectContaining({ id: 'free' })], current_plan_id: 'pro' });
    // Staff may not see billing at all: the permission table says owner only.
    expect((await app.as('staff:acme').get('/api/v1/billing/plans')).status).toBe(403);
  });

  it('seeds only missing plans: the master’s edit survives a restart', async () => {
    const clock = new VirtualClock();
    const storage = sharedStorage(clock);
    app = await start({ clock, storage });
    await app.as('master').patch(`${MASTER}/plans/pro`, { price: 3000 });
    await app.stop();
    app = await start({ clock, storage });
    const plans = await app.as('master').get(`${MASTER}/plans`);
    expect(plans.body.plans.find((p: { id: string }) => p.id === 'pro').price).toBe(3000);
  });

  it('fails at boot when the options name a plan that does not exist', async () => {
    await expect(start({ options: { defaultPlan: 'gold' } })).rejects.toThrow(/plan "gold"/);
  });
});
