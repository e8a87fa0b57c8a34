import type { Billing, InvoiceStatus, Plan, SubscriptionStatus } from '@smmbot/billing';
import type Stripe from 'stripe';
import type { StripeOptions } from './options.js';

/**
 * Stripe's subscription statuses → billing's. `past_due` keeps access while Stripe retries the
 * payment; `incomplete` (first payment not made), `incomplete_expired`, `unpaid` (retries
 * exhausted) and `paused` give none, so they read `expired`.
 */
export function subscriptionStatus(status: string): SubscriptionStatus {
  switch (status) {
    case 'active':
    case 'trialing':
    case 'past_due':
    case 'canceled':
      return status;
    default:
      return 'expired';
  }
}

/** Stripe's invoice statuses → billing's; drafts are not shown (undefined). */
export function invoiceStatus(status: string | null): InvoiceStatus | undefined {
  switch (status) {
    case 'paid':
      return 'paid';
    case 'open':
      return 'open';
    case 'void':
      return 'void';
    case 'uncollectible':
      return 'failed';
    default:
      return undefined;
  }
}

/** The period end of a subscription in epoch ms: the items' (API 2025-03-31 and later) or the legacy top-level field. */
export function periodEnd(sub: Stripe.Subscription): number | null {
  const ends = (sub.items?.data ?? []).map((i) => i.current_period_end).filter((n) => typeof n === 'number');
  const legacy = (sub as unknown as { current_period_end?: number }).current_period_end;
  const end = ends.length > 0 ? Math.max(...ends) : legacy;
  return typeof end === 'number' ? end * 1000 : null;
}

/** The customer id of a field that may be expanded. */
export const idOf = (v: string | { id: string } | null | undefined): string | undefined =>
  typeof v === 'string' ? v : (v?.id ?? undefined);

/** Prices ↔ plans: the `prices` option first, then each plan's `provider_refs.stripe`. */
export class PriceMap {
  constructor(
    private readonly billing: () => Billing,
    private readonly options: StripeOptions,
  ) {}

  priceOf(plan: Plan): string | undefined {
    return this.options.prices[plan.id] ?? plan.provider_refs.stripe;
  }

  async planOf(priceId: string | undefined): Promise<Plan | undefined> {
    if (!priceId) return undefined;
    const configured = Object.entries(this.options.prices).find(([, p]) => p === priceId)?.[0];
    if (configured) return this.billing().catalog.get(configured);
    return this.billing().catalog.byProviderRef('stripe', priceId);
  }

  /** The plan a subscription is on: its price (a portal change keeps old metadata), else its `plan_id` metadata. */
  async planOfSubscription(sub: Stripe.Subscription): Promise<Plan | undefined> {
    const byPrice = await this.planOf(sub.items?.data?.[0]?.price?.id);
    if (byPrice) return byPrice;
    const id = sub.metadata?.plan_id;
    return id ? this.billing().catalog.get(id) : undefined;
  }
}
