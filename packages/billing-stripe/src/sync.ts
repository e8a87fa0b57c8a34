import type { Billing, Invoice, Subscription } from '@smmbot/billing';
import { type KeyValueStore, type Logger, SYSTEM_TENANT, type TenantId } from '@smmbot/core';
import type Stripe from 'stripe';
import { idOf, invoiceStatus, periodEnd, type PriceMap, subscriptionStatus } from './mapping.js';

export const PROVIDER = 'stripe';
const customerKey = (customer: string) => `billing:stripe:customer:${customer}`;

/**
 * Writes what Stripe says into billing's records: the workspace's subscription (plan, status,
 * period end, Stripe ids) and its invoices. Subscription changes carry the provider's time and are
 * applied only when newer than the last one (webhooks may arrive out of order).
 */
export class StripeSync {
  constructor(private readonly deps: { billing: () => Billing; kv: KeyValueStore; prices: PriceMap; logger: Logger }) {}

  /** Remembers which workspace a Stripe customer is (installation-wide). */
  async linkCustomer(customer: string, tenant: TenantId): Promise<void> {
    await this.deps.kv.set(SYSTEM_TENANT, customerKey(customer), tenant);
  }

  /** The workspace of a Stripe object: its metadata, else the customer link. */
  async tenantOf(
    metadata: Stripe.Metadata | null | undefined,
    customer: string | undefined,
  ): Promise<TenantId | undefined> {
    const named = metadata?.tenant;
    if (named) return named;
    if (!customer) return undefined;
    return this.deps.kv.get<string>(SYSTEM_TENANT, customerKey(customer));
  }

  /** Applies a Stripe subscription; `at` is the event's (or the API answer's) time in ms. */
  async applySubscription(tenant: TenantId, sub: Stripe.Subscription, at: number): Promise<Subscription | undefined> {
    const billing = this.deps.billing();
    const current = await billing.subscriptions.get(tenant);
    const last = current?.external?.last_event_at;
    if (last !== undefined && at < last && current?.external?.subscription_id === sub.id) {
      this.deps.logger.info({ tenant, subscription: sub.id }, 'older Stripe subscription state ignored');
      return undefined;
    }
    const plan = await this.deps.prices.planOfSubscription(sub);
    const planId = plan?.id ?? current?.plan_id;
    if (!planId) {
      this.deps.logger.warn({ tenant, subscription: sub.id }, 'Stripe subscription on a price no plan maps to');
      return undefined;
    }
    const customer = idOf(sub.customer);
    if (customer) await this.linkCustomer(customer, tenant);
    const saved = await billing.subscriptions.set(tenant, {
      plan_id: planId,
      status: subscriptionStatus(sub.status),
      current_period_end: periodEnd(sub),
      provider: PROVIDER,
      external: { customer_id: customer, subscription_id: sub.id, last_event_at: at },
    });
    billing.invalidate(tenant);
    return saved;
  }

  /** Changes the subscription's status (and period end) when the event is not older than the last applied. */
  async setStatus(
    tenant: TenantId,
    change: Pick<Subscription, 'status'> & { current_period_end?: number },
    at: number,
  ): Promise<boolean> {
    const billing = this.deps.billing();
    const current = await billing.subscriptions.get(tenant);
    if (!current) return false;
    if ((current.external?.last_event_at ?? 0) > at) return false;
    await billing.subscriptions.update(tenant, {
      ...change,
      provider: PROVIDER,
      external: { ...current.external, last_event_at: at },
    });
    billing.invalidate(tenant);
    return true;
  }

  /** Creates or updates the workspace's copy of a Stripe invoice; drafts are skipped. */
  async upsertInvoice(
    tenant: TenantId,
    inv: Stripe.Invoice,
    status = invoiceStatus(inv.status),
  ): Promise<Invoice | undefined> {
    if (!status || !inv.id) return undefined;
    const billing = this.deps.billing();
    const lines = inv.lines?.data ?? [];
    const priced = lines.map((l) => idOf(l.pricing?.price_details?.price)).find((p) => p !== undefined);
    const plan = await this.deps.prices.planOf(priced);
    const sub = await billing.subscriptions.get(tenant);
    const ends = lines.map((l) => l.period?.end).filter((n): n is number => typeof n === 'number');
    return billing.invoices.upsert(tenant, inv.id, {
      plan_id: plan?.id ?? sub?.plan_id ?? 'unknown',
      amount: status === 'paid' ? inv.amount_paid : inv.amount_due,
      currency: inv.currency.toUpperCase(),
      provider: PROVIDER,
      status,
      external_id: inv.id,
      hosted_url: inv.hosted_invoice_url ?? undefined,
      ...(inv.number ? { number: inv.number } : {}),
      ...(ends.length > 0 ? { period_end: Math.max(...ends) * 1000 } : {}),
      ...(status === 'paid' && inv.status_transitions?.paid_at
        ? { paid_at: inv.status_transitions.paid_at * 1000 }
        : {}),
    });
  }

  /** The subscription an invoice belongs to (API 2025-03-31 and later: `parent.subscription_details`). */
  static subscriptionOfInvoice(inv: Stripe.Invoice): { id?: string; metadata?: Stripe.Metadata | null } {
    const details = inv.parent?.subscription_details;
    const legacy = (inv as unknown as { subscription?: string | { id: string } }).subscription;
    return { id: idOf(details?.subscription ?? legacy), metadata: details?.metadata };
  }
}
