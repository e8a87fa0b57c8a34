import { afterEach, describe, expect, it } from 'vitest';
import { FREE_PLAN } from '../../src/config/plugin-defaults.js';
import { signUp } from '../full-host.js';
import { type ComposedHost, startFromConfig } from './compose-host.js';

let host: ComposedHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const MODULES = ['support', 'ai', 'marketing', 'send_api', 'tickets'];

describe('billing composed by default', () => {
  it('serves the Billing page’s routes on a fresh host: one free plan with everything, no limits', async () => {
    host = await startFromConfig({});
    const { owner } = await signUp(host, '+8801711000101', 'Fresh');
    const plans = await owner.call('GET', '/api/v1/billing/plans');
    expect(plans.status).toBe(200);
    expect(plans.body).toEqual({ plans: [expect.objectContaining({ id: 'free', price: 0 })], current_plan_id: 'free' });

    const sub = await owner.call('GET', '/api/v1/billing/subscription');
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ status: 'active', blocked: false, plan: { id: 'free' } });
    expect([...sub.body.modules].sort()).toEqual([...MODULES].sort());
    expect(sub.body.mediums).toEqual(expect.arrayContaining(['whatsapp', 'telegram', 'webchat']));

    const usage = await owner.call('GET', '/api/v1/billing/usage');
    expect(usage.status).toBe(200);
    for (const key of ['messages', 'ai_requests', 'phones', 'staff']) expect(usage.body[key].limit).toBeNull();
    expect((await owner.call('GET', '/api/v1/billing/invoices')).body).toEqual({ invoices: [], total: 0 });
    expect((await owner.call('GET', '/api/v1/billing/portal')).status).toBe(200);
    // Every module is in the free plan: marketing answers as it did before billing was composed.
    expect((await owner.call('GET', '/api/v1/marketing/messages')).status).toBe(200);
  });

  it('pins the config’s own tenants to the free plan and keeps answering their web chat', async () => {
    host = await startFromConfig({ tenants: [{ id: 'shop' }] });
    const billing = await import('@smmbot/billing');
    const core = host.engine.container.resolve(billing.BillingToken);
    expect(await core.subscriptions.get('shop')).toMatchObject({ plan_id: 'free', status: 'active' });
    expect(await core.limitOf('shop', 'staff')).toBeNull();
    const res = await fetch(`${host.base}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chatId: 'c1', senderId: 'u1', text: 'help' }),
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).not.toMatch(/plan/);
  });

  it('uses the config’s billing when it lists one: its plans only, no built-in free plan', async () => {
    host = await startFromConfig({
      plugins: [
        {
          use: '@smmbot/billing',
          options: {
            plans: [
              { id: 'basic', name: 'Basic', price: 900, currency: 'usd', interval: 'month', mediums: ['webchat'] },
            ],
            defaultPlan: 'basic',
          },
        },
      ],
    });
    const { owner } = await signUp(host, '+8801711000102', 'Listed');
    const plans = await owner.call('GET', '/api/v1/billing/plans');
    expect(plans.body.plans.map((p: { id: string }) => p.id)).toEqual(['basic']);
    expect(plans.body.current_plan_id).toBe('basic');
  });

  it('describes the built-in plan as the billing package validates plans', async () => {
    const { planInputSchema } = await import('@smmbot/billing');
    const plan = planInputSchema.parse(FREE_PLAN);
    expect(plan.modules).toEqual(MODULES);
    expect(Object.values(plan.limits).every((v) => v === null)).toBe(true);
  });
});
