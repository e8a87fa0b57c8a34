import { afterEach, describe, expect, it } from 'vitest';
import { fixture, fixtureJson } from './fake-stripe.js';
import { expectNoSecrets, hmac, sign, start } from './helpers.js';

const SUB = 'sub_1SxAcmePro0000000000001';
let app: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  if (app) expectNoSecrets(app.raw);
  await app?.stop();
  app = undefined;
});

async function withSubscription() {
  app = await start();
  app.fake.subscriptions.set(SUB, fixtureJson('subscription'));
  return app;
}

const handled = (raw: string[]) => raw.filter((l) => l.includes('"Stripe event handled"')).length;

describe('Stripe webhook: signed, idempotent', () => {
  it('applies a signed checkout.session.completed once, even when delivered twice', async () => {
    const a = await withSubscription();
    const body = fixture('checkout.session.completed');
    const first = await a.event(body);
    expect(first).toEqual({ status: 200, body: { received: true, duplicate: false, outcome: 'applied' } });
    const sub = await a.billing.subscriptions.get('acme');
    expect(sub).toMatchObject({
      plan_id: 'pro',
      status: 'active',
      provider: 'stripe',
      current_period_end: Date.UTC(2026, 1, 10, 12),
      external: { customer_id: 'cus_TxAcme00000001', subscription_id: SUB },
    });
    const second = await a.deliver(body, sign(body, a.now()));
    expect(second).toEqual({ status: 200, body: { received: true, duplicate: true, outcome: null } });
    expect(a.fake.calls('GET', `/v1/subscriptions/${SUB}`)).toHaveLength(1);
    expect(handled(a.raw)).toBe(1);
    expect(await a.billing.subscriptions.get('globex')).toBeUndefined();
  });

  it('refuses tampered, wrongly signed, stale and unsigned deliveries with 400, processing nothing', async () => {
    const a = await withSubscription();
    const body = fixture('checkout.session.completed');
    const now = a.now();
    const tampered = body.replace('"client_reference_id": "acme"', '"client_reference_id": "globex"');
    expect(tampered).not.toBe(body);
    const refused = [
      await a.deliver(tampered, sign(body, now)),
      await a.deliver(body, sign(body, now, 'whsec_someoneElsesSecret0000000000')),
      await a.deliver(body, sign(body, now - 301)),
      await a.deliver(body),
      await a.deliver(body, `t=${now}`),
      await a.deliver(body, `t=${now},v0=${hmac(body, now)}`),
      await a.deliver(body, 'garbage'),
    ];
    for (const r of refused) expect(r).toMatchObject({ status: 400, body: { error: { code: 'E_SIGNATURE' } } });
    expect(a.fake.requests).toEqual([]);
    expect(await a.billing.subscriptions.get('acme')).toBeUndefined();
    expect(await a.billing.subscriptions.get('globex')).toBeUndefined();

    // Nothing was claimed: the genuine delivery (299 s old, a rotated secret's v1 listed first) still applies.
    const rotated = `t=${now - 299},v1=${hmac(body, now - 299, 'whsec_oldSecret00000000000000')},v1=${hmac(body, now - 299)}`;
    expect((await a.deliver(body, rotated)).body.outcome).toBe('applied');
    expect((await a.billing.subscriptions.get('acme'))?.status).toBe('active');
  });

  it('follows the subscription through a failed and a paid invoice, a portal upgrade and cancellation', async () => {
    const a = await withSubscription();
    await a.event(fixture('checkout.session.completed'));

    expect((await a.event(fixture('invoice.payment_failed'))).body.outcome).toBe('applied');
    expect(await a.billing.subscriptions.get('acme')).toMatchObject({
      status: 'past_due',
      plan_id: 'pro',
      current_period_end: Date.UTC(2026, 2, 10, 12), // the renewal moved the period on; Stripe retries
    });
    expect((await a.billing.entitlement('acme')).blocked).toBe(false);
    const failed = await a.billing.invoices.get('acme', 'in_1SxAcmeInv00000000000002');
    expect(failed).toMatchObject({ status: 'failed', number: 'ACME1234-0002', amount: 2500, provider: 'stripe' });

    expect((await a.event(fixture('invoice.paid'))).body.outcome).toBe('applied');
    expect(await a.billing.subscriptions.get('acme')).toMatchObject({
      status: 'active',
      current_period_end: Date.UTC(2026, 2, 10, 12),
    });
    const invoices = await a.owner('acme').get('/api/v1/billing/invoices');
    expect(invoices.body.invoices).toEqual([
      expect.objectContaining({
        id: 'in_1SxAcmeInv00000000000002',
        status: 'paid',
        amount: 2500,
        currency: 'USD',
        hosted_url: expect.stringContaining('invoice.stripe.com'),
        period_end: '2026-03-10T12:00:00.000Z',
      }),
    ]);
    expect((await a.owner('globex').get('/api/v1/billing/invoices')).body.total).toBe(0);

    // The portal upgrade keeps the old metadata; the price says business.
    expect((await a.event(fixture('customer.subscription.updated'))).body.outcome).toBe('applied');
    expect((await a.billing.subscriptions.get('acme'))?.plan_id).toBe('business');

    const stale = fixtureJson('customer.subscription.updated');
    stale.id = 'evt_1SxSubUpdatedStale00001';
    stale.created -= 86_400;
    stale.data.object.status = 'past_due';
    expect((await a.event(JSON.stringify(stale, null, 2))).body.outcome).toBe('stale');
    expect(await a.billing.subscriptions.get('acme')).toMatchObject({ status: 'active', plan_id: 'business' });

    expect((await a.event(fixture('customer.subscription.deleted'))).body.outcome).toBe('applied');
    expect(await a.billing.subscriptions.get('acme')).toMatchObject({ status: 'canceled' });
    expect((await a.billing.entitlement('acme')).blocked).toBe(true);
  });

  it('acknowledges an event for a customer it does not know, changing nothing', async () => {
    const a = await withSubscription();
    const orphan = fixtureJson('invoice.paid');
    orphan.id = 'evt_1SxOrphan000000000000001';
    orphan.data.object.customer = 'cus_Unknown000000001';
    orphan.data.object.parent.subscription_details.metadata = {};
    const res = await a.event(JSON.stringify(orphan, null, 2));
    expect(res.body).toEqual({ received: true, duplicate: false, outcome: 'unknown_workspace' });
    expect(await a.billing.invoices.locate('in_1SxAcmeInv00000000000002')).toBeUndefined();
  });

  it('releases the claim when applying fails, so Stripe’s retry is applied', async () => {
    app = await start(); // the fake has no subscription yet: retrieving it fails
    const a = app;
    const body = fixture('checkout.session.completed');
    const failed = await a.event(body);
    expect(failed.status).toBe(500);
    a.fake.subscriptions.set(SUB, fixtureJson('subscription'));
    expect((await a.deliver(body, sign(body, a.now()))).body).toMatchObject({ duplicate: false, outcome: 'applied' });
  });
});
