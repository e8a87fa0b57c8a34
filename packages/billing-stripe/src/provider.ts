import {
  BillingError,
  type BillingProvider,
  type CheckoutResult,
  type PortalResult,
  type ProviderRequest,
  type Subscription,
} from '@smmbot/billing';
import type { Clock, Logger, TenantId } from '@smmbot/core';
import type Stripe from 'stripe';
import { describeStripeError, providerError } from './client.js';
import type { PriceMap } from './mapping.js';
import type { StripeOptions } from './options.js';
import { PROVIDER, type StripeSync } from './sync.js';

const LIVE = new Set(['trialing', 'active', 'past_due']);

export interface StripeProviderDeps {
  stripe: Stripe;
  options: StripeOptions;
  prices: PriceMap;
  sync: StripeSync;
  clock: Clock;
  logger: Logger;
}

/**
 * Billing through Stripe: Checkout Sessions for new subscriptions (the workspace travels as
 * `client_reference_id` and metadata), plan changes as an update of the subscription item's price,
 * Billing Portal sessions, and the customer's invoices. Webhooks (see `webhook.ts`) keep the state.
 */
export class StripeProvider implements BillingProvider {
  readonly name = PROVIDER;

  constructor(private readonly deps: StripeProviderDeps) {}

  async checkout({ tenant, plan, subscription }: ProviderRequest): Promise<CheckoutResult> {
    const price = this.price(plan);
    const ext = subscription?.provider === PROVIDER ? subscription.external : undefined;
    if (ext?.subscription_id && subscription && LIVE.has(subscription.status)) {
      throw new BillingError(409, 'E_CONFLICT', 'the workspace already has a Stripe subscription; use change-plan');
    }
    const metadata = { tenant, plan_id: plan.id };
    const session = await this.call(tenant, 'checkout', () =>
      this.deps.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price, quantity: 1 }],
        client_reference_id: tenant,
        ...(ext?.customer_id ? { customer: ext.customer_id } : {}),
        metadata,
        subscription_data: { metadata },
        success_url: this.deps.options.successUrl,
        cancel_url: this.deps.options.cancelUrl,
      }),
    );
    if (!session.url) throw new BillingError(502, 'E_PROVIDER', 'Stripe returned a checkout session without a URL');
    return { kind: 'redirect', url: session.url, session_id: session.id };
  }

  /** Swaps the subscription item's price in place (prorated per `prorationBehavior`) and applies the answer. */
  async changePlan({ tenant, plan, subscription }: ProviderRequest): Promise<CheckoutResult> {
    const price = this.price(plan);
    const id = this.liveSubscription(subscription);
    const current = await this.call(tenant, 'retrieve subscription', () => this.deps.stripe.subscriptions.retrieve(id));
    const item = current.items.data[0];
    if (!item) throw new BillingError(409, 'E_CONFLICT', 'the Stripe subscription has no item to change');
    const updated = await this.call(tenant, 'change plan', () =>
      this.deps.stripe.subscriptions.update(id, {
        items: [{ id: item.id, price }],
        proration_behavior: this.deps.options.prorationBehavior,
        metadata: { tenant, plan_id: plan.id },
      }),
    );
    const saved = await this.deps.sync.applySubscription(tenant, updated, this.deps.clock.now());
    if (!saved) throw new BillingError(502, 'E_PROVIDER', 'Stripe answered with a subscription no plan maps to');
    this.deps.logger.info({ tenant, plan: plan.id, subscription: id }, 'plan changed in Stripe');
    return { kind: 'activated', subscription: saved };
  }

  async portal({ tenant, subscription }: { tenant: TenantId; subscription?: Subscription }): Promise<PortalResult> {
    const customer = subscription?.provider === PROVIDER ? subscription.external?.customer_id : undefined;
    if (!customer)
      throw new BillingError(409, 'E_CONFLICT', 'the workspace has no Stripe customer yet; check out first');
    const returnUrl = this.deps.options.portalReturnUrl ?? new URL(this.deps.options.successUrl).origin;
    const session = await this.call(tenant, 'portal', () =>
      this.deps.stripe.billingPortal.sessions.create({ customer, return_url: returnUrl }),
    );
    return { url: session.url };
  }

  /** Copies the customer's latest Stripe invoices into the workspace's list. */
  async syncInvoices(tenant: TenantId, subscription?: Subscription): Promise<void> {
    const customer = subscription?.provider === PROVIDER ? subscription.external?.customer_id : undefined;
    if (!customer) return;
    const page = await this.call(tenant, 'list invoices', () =>
      this.deps.stripe.invoices.list({ customer, limit: 24 }),
    );
    for (const invoice of page.data) await this.deps.sync.upsertInvoice(tenant, invoice);
  }

  private price(plan: ProviderRequest['plan']): string {
    const price = this.deps.prices.priceOf(plan);
    if (!price) throw new BillingError(409, 'E_CONFLICT', `plan "${plan.id}" has no Stripe price`);
    return price;
  }

  private liveSubscription(subscription: Subscription | undefined): string {
    const id = subscription?.provider === PROVIDER ? subscription.external?.subscription_id : undefined;
    if (!id || !subscription || !LIVE.has(subscription.status)) {
      throw new BillingError(409, 'E_CONFLICT', 'the workspace has no live Stripe subscription; use checkout');
    }
    return id;
  }

  /** One API call; failures are logged without the request and answered as 502. */
  private async call<T>(tenant: TenantId, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.deps.logger.warn({ tenant, call: what, stripe: describeStripeError(err) }, 'Stripe call failed');
      throw providerError(err);
    }
  }
}
