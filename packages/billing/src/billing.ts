import { type Clock, type KeyValueStore, type Logger, SYSTEM_TENANT, type TenantId } from '@smmbot/core';
import type { InjectionToken } from 'tsyringe';
import { BillingError, conflict, notFound, PlanError } from './errors.js';
import type { InvoiceBook } from './invoices.js';
import type { BillingOptions } from './options.js';
import { addInterval, DAY_MS } from './periods.js';
import type { PlanCatalog } from './plans.js';
import type { BillingProvider, CheckoutResult, PortalResult } from './provider.js';
import type { SubscriptionBook } from './subscriptions.js';
import {
  ENTITLED,
  type Entitlement,
  type Invoice,
  type LimitName,
  type Medium,
  type Module,
  type Subscription,
} from './types.js';

export interface BillingDeps {
  catalog: PlanCatalog;
  subscriptions: SubscriptionBook;
  invoices: InvoiceBook;
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  options: BillingOptions;
  /** The provider in force (Stripe when registered, else manual). */
  provider: () => BillingProvider;
}

/**
 * The billing facade other plugins and the routes use: what a workspace is entitled to (plan in
 * force, modules, mediums, limits), checkout and plan changes through the provider, and the manual
 * payment-reference flow. Every method takes the workspace; none reads across workspaces except the
 * master's approve/reject, which find the invoice's workspace in the index.
 */
export class Billing {
  private readonly cache = new Map<TenantId, { until: number; value: Entitlement }>();

  constructor(readonly deps: BillingDeps) {}

  get catalog(): PlanCatalog {
    return this.deps.catalog;
  }
  get subscriptions(): SubscriptionBook {
    return this.deps.subscriptions;
  }
  get invoices(): InvoiceBook {
    return this.deps.invoices;
  }
  get provider(): BillingProvider {
    return this.deps.provider();
  }

  /**
   * What the workspace may do now; reused for `cacheMs` but never past the moment the subscription
   * expires (writes on this node clear it).
   */
  async entitlement(tenant: TenantId): Promise<Entitlement> {
    const now = this.deps.clock.now();
    const hit = this.cache.get(tenant);
    if (hit && now < hit.until) return hit.value;
    const value = await this.compute(tenant);
    const sub = value.subscription;
    const ends =
      sub && ENTITLED.has(sub.status) && sub.current_period_end !== null
        ? sub.current_period_end + this.deps.options.graceDays * DAY_MS
        : Number.POSITIVE_INFINITY;
    this.cache.set(tenant, { until: Math.min(now + this.deps.options.cacheMs, ends), value });
    return value;
  }

  private async compute(tenant: TenantId): Promise<Entitlement> {
    const { options, catalog } = this.deps;
    const subscription = await this.ensureWorkspace(tenant);
    const status = subscription?.status ?? 'none';
    if (subscription && ENTITLED.has(subscription.status)) {
      const plan = await catalog.get(subscription.plan_id);
      if (plan) return { tenant, status, plan, blocked: false, fallback: false, subscription };
      this.deps.logger.error({ tenant, plan: subscription.plan_id }, 'the workspace is on a plan that does not exist');
    }
    const free = options.onExpiry === 'free' && options.freePlan ? await catalog.get(options.freePlan) : undefined;
    if (free) return { tenant, status, plan: free, blocked: false, fallback: true, subscription };
    return { tenant, status, blocked: true, fallback: false, subscription };
  }

  /** Clears the cached entitlement (after a write). */
  invalidate(tenant: TenantId): void {
    this.cache.delete(tenant);
  }

  /** Clears every cached entitlement (a plan changed). */
  invalidateAll(): void {
    this.cache.clear();
  }

  /**
   * The workspace's subscription; a workspace without one gets its pinned plan (`assign`, no end) or
   * the default plan (with the trial), when configured.
   */
  async ensureWorkspace(tenant: TenantId): Promise<Subscription | undefined> {
    const { subscriptions, options, clock } = this.deps;
    const existing = await subscriptions.get(tenant);
    if (existing) return existing;
    const pinned = options.assign[tenant];
    if (pinned) return subscriptions.ensure(tenant, { plan_id: pinned, status: 'active', current_period_end: null });
    if (!options.defaultPlan) return undefined;
    const trial = options.trialDays > 0;
    return subscriptions.ensure(tenant, {
      plan_id: options.defaultPlan,
      status: trial ? 'trialing' : 'active',
      current_period_end: trial ? clock.now() + options.trialDays * DAY_MS : null,
    });
  }

  async hasModule(tenant: TenantId, module: Module): Promise<boolean> {
    const e = await this.entitlement(tenant);
    return !e.blocked && !!e.plan?.modules.includes(module);
  }

  /** Throws a `PlanError` (customer-safe text) when the workspace's plan does not include `module`. */
  async requireModule(tenant: TenantId, module: Module): Promise<void> {
    const e = await this.entitlement(tenant);
    if (e.blocked) {
      throw new PlanError(`workspace ${tenant} has no active subscription (${e.status})`, { tenant, blocked: true });
    }
    if (!e.plan?.modules.includes(module)) {
      throw new PlanError(`plan "${e.plan?.id}" of workspace ${tenant} does not include the "${module}" module`, {
        tenant,
        plan: e.plan?.id,
        module,
      });
    }
  }

  async allowsMedium(tenant: TenantId, medium: Medium): Promise<boolean> {
    const e = await this.entitlement(tenant);
    return !e.blocked && !!e.plan?.mediums.includes(medium);
  }

  /** The plan's limit (null: unlimited); 0 when the workspace is blocked. */
  async limitOf(tenant: TenantId, name: LimitName): Promise<number | null> {
    const e = await this.entitlement(tenant);
    return e.blocked || !e.plan ? 0 : e.plan.limits[name];
  }

  async checkout(tenant: TenantId, planId: string): Promise<CheckoutResult> {
    const plan = await this.catalog.get(planId);
    if (!plan?.active) throw notFound(`plan "${planId}"`);
    const subscription = await this.subscriptions.get(tenant);
    try {
      return await this.provider.checkout({ tenant, plan, subscription });
    } finally {
      this.invalidate(tenant);
    }
  }

  async changePlan(tenant: TenantId, planId: string): Promise<CheckoutResult> {
    const plan = await this.catalog.get(planId);
    if (!plan?.active) throw notFound(`plan "${planId}"`);
    const subscription = await this.subscriptions.get(tenant);
    if (subscription?.plan_id === planId && subscription.status !== 'expired' && subscription.status !== 'canceled') {
      throw conflict(`the workspace is already on plan "${planId}"`);
    }
    try {
      return await this.provider.changePlan({ tenant, plan, subscription });
    } finally {
      this.invalidate(tenant);
    }
  }

  async portal(tenant: TenantId): Promise<PortalResult> {
    return this.provider.portal({ tenant, subscription: await this.subscriptions.get(tenant) });
  }

  /** The owner says they paid an open manual invoice: it waits for the master's review. */
  async submitReference(tenant: TenantId, invoiceId: string, reference: string): Promise<Invoice> {
    const invoice = await this.invoices.require(tenant, invoiceId);
    if (invoice.provider !== 'manual') throw conflict(`invoice ${invoice.number} is paid through ${invoice.provider}`);
    if (invoice.status !== 'open') {
      throw conflict(`invoice ${invoice.number} is ${invoice.status}; only an open invoice takes a payment reference`);
    }
    const reused = await this.invoices.index.find(SYSTEM_TENANT, { where: { reference }, limit: 1 });
    if (reused.total > 0) throw conflict('this payment reference was already submitted for another invoice');
    return this.invoices.patch(tenant, invoiceId, {
      status: 'pending_review',
      reference,
      reference_submitted_at: this.deps.clock.now(),
      rejection_reason: undefined,
    });
  }

  /**
   * The master approves a submitted reference: the invoice is paid and the subscription moves to
   * the invoice's plan, extended by one interval (from its current end when it is still running on
   * that plan, else from now).
   */
  async approve(invoiceId: string): Promise<{ invoice: Invoice; subscription: Subscription }> {
    return this.underLock(invoiceId, async (tenant) => {
      const invoice = await this.invoices.require(tenant, invoiceId);
      if (invoice.status !== 'pending_review') throw conflict(`invoice ${invoice.number} is ${invoice.status}`);
      const plan = await this.catalog.require(invoice.plan_id);
      const now = this.deps.clock.now();
      const sub = await this.subscriptions.get(tenant);
      const running = sub && ENTITLED.has(sub.status) && sub.plan_id === plan.id && sub.current_period_end !== null;
      const from = running ? Math.max(now, sub.current_period_end ?? now) : now;
      const end = addInterval(from, plan.interval);
      const subscription = await this.subscriptions.set(tenant, {
        plan_id: plan.id,
        status: 'active',
        current_period_end: end,
        provider: 'manual',
      });
      const paid = await this.invoices.patch(tenant, invoiceId, { status: 'paid', paid_at: now, period_end: end });
      this.deps.logger.info({ tenant, invoice: invoice.number, plan: plan.id, until: end }, 'payment approved');
      return { invoice: paid, subscription };
    });
  }

  /** The master rejects a reference: the invoice is open again and can take another one. */
  async reject(invoiceId: string, reason: string): Promise<Invoice> {
    return this.underLock(invoiceId, async (tenant) => {
      const invoice = await this.invoices.require(tenant, invoiceId);
      if (invoice.status !== 'pending_review') throw conflict(`invoice ${invoice.number} is ${invoice.status}`);
      this.deps.logger.info({ tenant, invoice: invoice.number }, 'payment reference rejected');
      return this.invoices.patch(tenant, invoiceId, {
        status: 'open',
        reference: undefined,
        reference_submitted_at: undefined,
        rejection_reason: reason,
      });
    });
  }

  private async underLock<T>(invoiceId: string, fn: (tenant: TenantId) => Promise<T>): Promise<T> {
    const entry = await this.invoices.locate(invoiceId);
    if (!entry) throw notFound(`invoice "${invoiceId}"`);
    const lock = await this.deps.kv.acquireLock(SYSTEM_TENANT, `billing:invoice:${invoiceId}`, 30_000);
    if (!lock) throw new BillingError(409, 'E_IN_PROGRESS', 'this invoice is being reviewed right now');
    try {
      return await fn(entry.workspace);
    } finally {
      this.invalidate(entry.workspace);
      await lock.release();
    }
  }
}

export const BillingToken = Symbol('smmbot.billing.Billing') as InjectionToken<Billing>;
