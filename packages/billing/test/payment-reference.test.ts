import { afterEach, describe, expect, it } from 'vitest';
import { start } from './helpers.js';

const BILLING = '/api/v1/billing';
const MASTER = '/api/v1/master/billing';

let app: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('manual payments: invoice, payment reference, the master’s review', () => {
  it('checkout → reference → approval pays the invoice and starts the subscription', async () => {
    app = await start();
    const acme = app.as('owner:acme');
    const before = await acme.get(`${BILLING}/subscription`);
    expect(before.body).toMatchObject({ status: 'none', blocked: true, plan: null, modules: [] });

    const checkout = await acme.post(`${BILLING}/checkout`, { plan_id: 'pro' });
    expect(checkout.status).toBe(200);
    expect(checkout.body).toMatchObject({ provider: 'manual', kind: 'invoice', url: null, subscription: null });
    const invoice = checkout.body.invoice;
    expect(invoice).toMatchObject({
      plan_id: 'pro',
      amount: 2500,
      currency: 'USD',
      status: 'open',
      number: 'INV-000001',
    });
    expect(checkout.body.instructions).toContain('25.00 USD');
    expect(checkout.body.instructions).toContain(invoice.id);
    // Checking out again returns the invoice still waiting, not a second one.
    expect((await acme.post(`${BILLING}/checkout`, { plan_id: 'pro' })).body.invoice.id).toBe(invoice.id);

    const submitted = await acme.post(`${BILLING}/payment-reference`, { invoice_id: invoice.id, reference: 'TRX-123' });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'pending_review', reference: 'TRX-123' });
    expect(
      (await acme.post(`${BILLING}/payment-reference`, { invoice_id: invoice.id, reference: 'TRX-124' })).status,
    ).toBe(409);

    // Only the master sees the review queue.
    expect((await acme.get(`${MASTER}/payment-references`)).status).toBe(403);
    const queue = await app.as('master').get(`${MASTER}/payment-references`);
    expect(queue.body.total).toBe(1);
    expect(queue.body.references[0]).toMatchObject({ id: invoice.id, workspace: 'acme', reference: 'TRX-123' });
    expect((await acme.post(`${MASTER}/payment-references/${invoice.id}/approve`)).status).toBe(403);

    const approved = await app.as('master').post(`${MASTER}/payment-references/${invoice.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.invoice).toMatchObject({ status: 'paid', paid_at: '2026-01-10T12:00:00.000Z' });
    expect(approved.body.subscription).toMatchObject({
      plan_id: 'pro',
      status: 'active',
      current_period_end: '2026-02-10T12:00:00.000Z',
    });
    expect((await app.as('master').post(`${MASTER}/payment-references/${invoice.id}/approve`)).status).toBe(409);
    expect((await app.as('master').get(`${MASTER}/payment-references`)).body.total).toBe(0);

    const after = await acme.get(`${BILLING}/subscription`);
    expect(after.body).toMatchObject({ status: 'active', blocked: false, plan: { id: 'pro' } });
    expect(after.body.modules).toContain('ai');
    expect((await app.as('owner:globex').get(`${BILLING}/subscription`)).body).toMatchObject({
      status: 'none',
      blocked: true,
    });

    // Paying the next period early extends from the current end, not from today.
    const renewal = (await acme.post(`${BILLING}/checkout`, { plan_id: 'pro' })).body.invoice;
    expect(renewal.id).not.toBe(invoice.id);
    await acme.post(`${BILLING}/payment-reference`, { invoice_id: renewal.id, reference: 'TRX-200' });
    const renewed = await app.as('master').post(`${MASTER}/payment-references/${renewal.id}/approve`);
    expect(renewed.body.subscription.current_period_end).toBe('2026-03-10T12:00:00.000Z');

    const workspaces = await app.as('master').get(`${MASTER}/workspaces`);
    expect(workspaces.body.workspaces).toEqual([
      {
        workspace: 'acme',
        plan_id: 'pro',
        status: 'active',
        current_period_end: '2026-03-10T12:00:00.000Z',
        provider: 'manual',
      },
      { workspace: 'globex', plan_id: null, status: 'none', current_period_end: null, provider: null },
    ]);
  });

  it('a rejected reference reopens the invoice; a reference used elsewhere is refused', async () => {
    app = await start();
    const acme = app.as('owner:acme');
    const globex = app.as('owner:globex');
    const a = (await acme.post(`${BILLING}/checkout`, { plan_id: 'pro' })).body.invoice;
    await acme.post(`${BILLING}/payment-reference`, { invoice_id: a.id, reference: 'TRX-777' });
    const g = (await globex.post(`${BILLING}/checkout`, { plan_id: 'pro' })).body.invoice;
    expect(g.number).toBe('INV-000001'); // numbering is per workspace
    const reused = await globex.post(`${BILLING}/payment-reference`, { invoice_id: g.id, reference: 'TRX-777' });
    expect(reused.status).toBe(409);

    const rejected = await app
      .as('master')
      .post(`${MASTER}/payment-references/${a.id}/reject`, { reason: 'not received' });
    expect(rejected.body.invoice).toMatchObject({ status: 'open', reference: null, rejection_reason: 'not received' });
    expect((await acme.get(`${BILLING}/subscription`)).body.status).toBe('none');
    const again = await acme.post(`${BILLING}/payment-reference`, { invoice_id: a.id, reference: 'TRX-778' });
    expect(again.body).toMatchObject({ status: 'pending_review', rejection_reason: null });
    expect((await app.as('master').post(`${MASTER}/payment-references/nope/approve`)).status).toBe(404);
  });

  it('switches to a free plan at once, without an invoice', async () => {
    app = await start();
    const res = await app.as('owner:acme').post(`${BILLING}/change-plan`, { plan_id: 'free' });
    expect(res.body).toMatchObject({
      kind: 'activated',
      invoice: null,
      subscription: { plan_id: 'free', status: 'active' },
    });
    expect((await app.as('owner:acme').get(`${BILLING}/invoices`)).body).toEqual({ invoices: [], total: 0 });
    expect((await app.as('owner:acme').post(`${BILLING}/change-plan`, { plan_id: 'free' })).status).toBe(409);
    expect((await app.as('owner:acme').post(`${BILLING}/checkout`, { plan_id: 'gold' })).status).toBe(404);
  });
});

describe('workspace isolation', () => {
  it('a workspace never reads or touches another’s invoices or subscription', async () => {
    app = await start();
    const acme = app.as('owner:acme');
    const globex = app.as('owner:globex');
    const invoice = (await acme.post(`${BILLING}/checkout`, { plan_id: 'pro' })).body.invoice;

    expect((await acme.get(`${BILLING}/invoices/${invoice.id}`)).body.id).toBe(invoice.id);
    expect((await globex.get(`${BILLING}/invoices/${invoice.id}`)).status).toBe(404);
    expect((await globex.get(`${BILLING}/invoices`)).body).toEqual({ invoices: [], total: 0 });
    const steal = await globex.post(`${BILLING}/payment-reference`, { invoice_id: invoice.id, reference: 'TRX-1' });
    expect(steal.status).toBe(404);
    expect((await acme.get(`${BILLING}/invoices/${invoice.id}`)).body).toMatchObject({
      status: 'open',
      reference: null,
    });

    // The workspace comes from the session only: a body naming another one is refused.
    const smuggled = await globex.post(`${BILLING}/checkout`, { plan_id: 'pro', workspace: 'acme' });
    expect(smuggled.status).toBe(400);
    expect((await acme.get(`${BILLING}/invoices`)).body.total).toBe(1);
    expect((await app.as().get(`${BILLING}/invoices`)).status).toBe(401);
  });
});
