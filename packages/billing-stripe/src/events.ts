import type { Logger } from '@smmbot/core';
import type Stripe from 'stripe';
import { idOf } from './mapping.js';
import { StripeSync } from './sync.js';

/** What handling an event did, for the log and the webhook's answer. */
export type EventOutcome = 'applied' | 'ignored' | 'unknown_workspace' | 'stale';

export const HANDLED = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
] as const;

/**
 * Maps Stripe events to billing state:
 * - `checkout.session.completed` (subscription mode): links the customer to the workspace
 *   (`client_reference_id`) and reads the new subscription from the API (status, price, period);
 * - `customer.subscription.created|updated`: plan (by price), status, period end;
 * - `customer.subscription.deleted`: canceled (the workspace lapses to the free plan or is blocked);
 * - `invoice.paid`: the invoice is paid, the subscription active until the paid line's period end;
 * - `invoice.payment_failed`: the invoice failed, the subscription is past due (a renewal's period
 *   moves on, as in Stripe, while Stripe retries; `customer.subscription.*` then says how it ends).
 */
export class StripeEvents {
  constructor(private readonly deps: { stripe: Stripe; sync: StripeSync; logger: Logger }) {}

  async apply(event: Stripe.Event): Promise<EventOutcome> {
    const at = event.created * 1000;
    const { sync } = this.deps;
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = event.data.object;
        const subId = idOf(session.subscription);
        if (session.mode !== 'subscription' || !subId) return 'ignored';
        const tenant = session.client_reference_id ?? (await sync.tenantOf(session.metadata, idOf(session.customer)));
        if (!tenant) return 'unknown_workspace';
        const customer = idOf(session.customer);
        if (customer) await sync.linkCustomer(customer, tenant);
        const sub = await this.deps.stripe.subscriptions.retrieve(subId);
        return (await sync.applySubscription(tenant, sub, at)) ? 'applied' : 'stale';
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const sub = event.data.object;
        const tenant = await sync.tenantOf(sub.metadata, idOf(sub.customer));
        if (!tenant) return 'unknown_workspace';
        const deleted = event.type === 'customer.subscription.deleted';
        const state = deleted ? { ...sub, status: 'canceled' as const } : sub;
        return (await sync.applySubscription(tenant, state, at)) ? 'applied' : 'stale';
      }
      case 'invoice.paid':
      case 'invoice.payment_failed': {
        const invoice = event.data.object;
        const parent = StripeSync.subscriptionOfInvoice(invoice);
        const tenant = await sync.tenantOf(parent.metadata, idOf(invoice.customer));
        if (!tenant) return 'unknown_workspace';
        const paid = event.type === 'invoice.paid';
        const saved = await sync.upsertInvoice(tenant, invoice, paid ? 'paid' : 'failed');
        if (!parent.id) return 'applied';
        // A paid invoice pays up to its line's period end; a failed renewal has already moved the
        // period on in Stripe (which retries the payment meanwhile); a failed first payment has not.
        const moves = paid || invoice.billing_reason === 'subscription_cycle';
        const end = moves && saved?.period_end ? { current_period_end: saved.period_end } : {};
        const change = { status: paid ? ('active' as const) : ('past_due' as const), ...end };
        return (await sync.setStatus(tenant, change, at)) ? 'applied' : 'stale';
      }
      default:
        return 'ignored';
    }
  }
}
