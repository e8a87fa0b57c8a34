import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, fixture, fixtureJson } from './fake-stripe.js';
import { BUSINESS_PRICE, expectNoSecrets, PRO_PRICE, start } from './helpers.js';

const SUB = 'sub_1SxAcmePro0000000000001';
let app: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  if (app) expectNoSecrets(app.raw);
  await app?.stop();
  app = undefined;
});

/** Acme checked out Pro: the fake knows the subscription and the webhook linked it. */
async function subscribed() {
  app = await start();
  app.fake.subscriptions.set(SUB, fixtureJson('subscription'));
  expect((await app.event(fixture('checkout.session.completed'))).body.outcome).toBe('applied');
  app.fake.requests.length = 0;
  return app;
}

describe('Stripe provider: outgoing calls against a local fake Stripe', () => {
  it('creates a Checkout Session carrying the workspace, and answers with its URL', async () => {
    app = await start();
    const res = await app.owner('acme').post('/api/v1/billing/checkout', { plan_id: 'pro' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: 'stripe', kind: 'redirect', invoice: null });
    expect(res.body.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_fake/);
    const [call] = app.fake.calls('POST', '/v1/checkout/sessions');
    expect(call!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(call!.headers['stripe-version']).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(call!.form).toMatchObject({
      mode: 'subscription',
      'line_items[0][price]': PRO_PRICE,
      'line_items[0][quantity]': '1',
      client_reference_id: 'acme',
      'metadata[tenant]': 'acme',
      'metadata[plan_id]': 'pro',
      'subscription_data[metadata][tenant]': 'acme',
      success_url: 'https://app.example.com/billing?session={CHECKOUT_SESSION_ID}',
    });
    const free = await app.owner('acme').post('/api/v1/billing/checkout', { plan_id: 'free' });
    expect(free).toMatchObject({ status: 409, body: { error: { message: 'plan "free" has no Stripe price' } } });
  });

  it('changes the plan in place: the subscription item gets the new price', async () => {
    app = await start();
    expect((await app.owner('acme').post('/api/v1/billing/change-plan', { plan_id: 'business' })).status).toBe(409);
    await app.stop();
    const a = await subscribed();
    const res = await a.owner('acme').post('/api/v1/billing/change-plan', { plan_id: 'business' });
    expect(res.body).toMatchObject({ kind: 'activated', subscription: { plan_id: 'business', status: 'active' } });
    const [update] = a.fake.calls('POST', `/v1/subscriptions/${SUB}`);
    expect(update!.form).toMatchObject({
      'items[0][id]': 'si_TxAcmePro00001',
      'items[0][price]': BUSINESS_PRICE,
      proration_behavior: 'create_prorations',
      'metadata[plan_id]': 'business',
    });
    expect((await a.owner('acme').get('/api/v1/billing/subscription')).body.plan.id).toBe('business');
    // A live subscription is changed, not bought twice.
    expect((await a.owner('acme').post('/api/v1/billing/checkout', { plan_id: 'pro' })).status).toBe(409);
  });

  it('opens the customer portal for the workspace’s own customer', async () => {
    app = await start();
    expect((await app.owner('acme').get('/api/v1/billing/portal')).status).toBe(409);
    await app.stop();
    const a = await subscribed();
    const res = await a.owner('acme').get('/api/v1/billing/portal');
    expect(res.body).toEqual({
      provider: 'stripe',
      url: 'https://billing.stripe.com/p/session/test_fake_1',
      instructions: null,
    });
    expect(a.fake.calls('POST', '/v1/billing_portal/sessions')[0]!.form).toEqual({
      customer: 'cus_TxAcme00000001',
      return_url: 'https://app.example.com',
    });
    expect((await a.owner('globex').get('/api/v1/billing/portal')).status).toBe(409);
  });

  it('lists the customer’s Stripe invoices in the workspace’s invoices, once each', async () => {
    const a = await subscribed();
    a.fake.invoices = [fixtureJson('invoice.paid').data.object];
    const first = await a.owner('acme').get('/api/v1/billing/invoices');
    expect(a.fake.calls('GET', '/v1/invoices')[0]!.query).toEqual({ customer: 'cus_TxAcme00000001', limit: '24' });
    expect(first.body.invoices).toEqual([
      expect.objectContaining({
        id: 'in_1SxAcmeInv00000000000002',
        number: 'ACME1234-0002',
        status: 'paid',
        amount: 2500,
      }),
    ]);
    expect((await a.owner('acme').get('/api/v1/billing/invoices')).body.total).toBe(1);
    expect((await a.owner('globex').get('/api/v1/billing/invoices')).body.total).toBe(0);
  });

  it('answers a refused Stripe call with 502 and logs it without the request or the key', async () => {
    app = await start();
    app.fake.failNext = {
      status: 400,
      type: 'invalid_request_error',
      message: 'No such price: price_1SxPro…',
      code: 'resource_missing',
    };
    const res = await app.owner('acme').post('/api/v1/billing/checkout', { plan_id: 'pro' });
    expect(res).toMatchObject({ status: 502, body: { error: { code: 'E_PROVIDER' } } });
    expect(res.body.error.message).toMatch(/No such price/);
    const line = app.raw.find((l) => l.includes('Stripe call failed'));
    expect(JSON.parse(line!)).toMatchObject({ call: 'checkout', stripe: { status: 400, code: 'resource_missing' } });
  });

  it('sends through an injected fetch when one is given', async () => {
    const seen: string[] = [];
    const fake = { url: '' };
    app = await start({
      apiBase: 'https://api.stripe.com',
      fetch: (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        seen.push(url);
        return fetch(url.replace('https://api.stripe.com', fake.url), init);
      },
    });
    fake.url = app.fake.url;
    expect((await app.owner('acme').post('/api/v1/billing/checkout', { plan_id: 'pro' })).status).toBe(200);
    expect(seen).toEqual(['https://api.stripe.com/v1/checkout/sessions']);
  });
});
