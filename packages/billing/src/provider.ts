import type { TenantId } from '@smmbot/core';
import type { InjectionToken } from 'tsyringe';
import type { InvoiceBook } from './invoices.js';
import type { SubscriptionBook } from './subscriptions.js';
import type { Invoice, Plan, Subscription } from './types.js';

/** What checkout and plan changes come back with. */
export type CheckoutResult =
  /** Pay on the provider's page (Stripe Checkout). */
  | { kind: 'redirect'; url: string; session_id?: string }
  /** Pay the invoice by hand and submit the payment reference (the manual flow). */
  | { kind: 'invoice'; invoice: Invoice; instructions: string }
  /** Done at once: a free plan, or a provider that changed the plan in place. */
  | { kind: 'activated'; subscription: Subscription };

export interface PortalResult {
  /** The provider's self-service page; null when there is none (manual billing). */
  url: string | null;
  instructions?: string;
}

export interface ProviderRequest {
  tenant: TenantId;
  plan: Plan;
  subscription?: Subscription;
}

/**
 * How money is collected. `@smmbot/billing` ships the manual provider (invoices paid by bank transfer
 * or mobile money, approved by the master); `@smmbot/billing-stripe` registers Stripe under
 * `BillingProviderToken`. The routes only ever talk to this interface.
 */
export interface BillingProvider {
  readonly name: string;
  checkout(request: ProviderRequest): Promise<CheckoutResult>;
  /** Moves the workspace to another plan (Stripe: the subscription item's price; manual: a new invoice). */
  changePlan(request: ProviderRequest): Promise<CheckoutResult>;
  portal(request: { tenant: TenantId; subscription?: Subscription }): Promise<PortalResult>;
  /** Pulls the provider's invoices into the workspace's list (best effort; the routes log failures). */
  syncInvoices?(tenant: TenantId, subscription?: Subscription): Promise<void>;
}

export const BillingProviderToken = Symbol('smmbot.billing.Provider') as InjectionToken<BillingProvider>;

/** `12345` minor units of `USD` → `123.45`. */
export const formatAmount = (amount: number): string => (amount / 100).toFixed(2);

/** Fills `{amount}`, `{currency}`, `{number}`, `{invoice_id}`, `{plan}` in the payment instructions. */
export function renderInstructions(template: string, invoice: Invoice, plan: Plan): string {
  const vars: Record<string, string> = {
    amount: formatAmount(invoice.amount),
    currency: invoice.currency,
    number: invoice.number,
    invoice_id: invoice.id,
    plan: plan.name,
  };
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

/**
 * Manual billing: checkout issues an invoice (or returns the one still waiting for payment) with
 * payment instructions; the owner pays outside smmbot and submits the payment reference; the master
 * approves it and the subscription is extended. Free plans switch at once.
 */
export class ManualProvider implements BillingProvider {
  readonly name = 'manual';

  constructor(
    private readonly deps: { invoices: InvoiceBook; subscriptions: SubscriptionBook; instructions: string },
  ) {}

  async checkout({ tenant, plan }: ProviderRequest): Promise<CheckoutResult> {
    if (plan.price === 0) {
      const subscription = await this.deps.subscriptions.set(tenant, {
        plan_id: plan.id,
        status: 'active',
        current_period_end: null,
        provider: this.name,
      });
      return { kind: 'activated', subscription };
    }
    const invoice =
      (await this.deps.invoices.unpaidFor(tenant, plan.id)) ??
      (await this.deps.invoices.create(tenant, {
        plan_id: plan.id,
        amount: plan.price,
        currency: plan.currency,
        provider: this.name,
      }));
    return { kind: 'invoice', invoice, instructions: renderInstructions(this.deps.instructions, invoice, plan) };
  }

  /** The new plan takes effect when its invoice is paid (approved); a free plan at once. */
  changePlan(request: ProviderRequest): Promise<CheckoutResult> {
    return this.checkout(request);
  }

  async portal(): Promise<PortalResult> {
    return {
      url: null,
      instructions:
        'Billing is manual: pay an open invoice (GET /api/v1/billing/invoices) and submit its payment reference.',
    };
  }
}
