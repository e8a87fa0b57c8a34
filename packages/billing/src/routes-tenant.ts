import type { HttpRoute, Logger } from '@smmbot/core';
import { z } from 'zod';
import type { Billing } from './billing.js';
import {
  checkoutOut,
  handle,
  invoiceOut,
  PLUGIN_NAME,
  paging,
  planOut,
  showCheckout,
  showInvoice,
  showPlan,
  showSubscription,
  subscriptionOut,
  tenantOf,
} from './http.js';
import { INVOICE_STATUSES, MEDIUMS, MODULES } from './types.js';
import type { UsageReport } from './usage.js';

export interface TenantRouteDeps {
  billing: Billing;
  logger: Logger;
  usage(tenant: string): Promise<UsageReport>;
}

const auth = { kind: 'session', permission: 'dashboard.billing' } as const;
const tags = ['billing'];
const planBody = z.strictObject({ plan_id: z.string().min(1).max(64) });
const usageOut = z.object({
  period: z.string().describe('UTC month, YYYY-MM'),
  messages: z.object({ used: z.number().int(), limit: z.number().int().nullable() }),
  ai_requests: z.object({ used: z.number().int(), limit: z.number().int().nullable() }),
  phones: z.object({ used: z.number().int(), limit: z.number().int().nullable() }),
  staff: z.object({ used: z.number().int().nullable(), limit: z.number().int().nullable() }),
  balancer_messages: z.number().int().nullable(),
});
const entitlementOut = z.object({
  status: z.enum(['trialing', 'active', 'past_due', 'canceled', 'expired', 'none']),
  blocked: z.boolean(),
  fallback: z.boolean().describe('running on the free plan after a lapse'),
  plan: planOut.nullable(),
  modules: z.array(z.enum(MODULES)),
  mediums: z.array(z.enum(MEDIUMS)),
  subscription: subscriptionOut.nullable(),
});

/** The workspace owner's billing endpoints (permission `dashboard.billing`); the workspace is the session's. */
export function tenantRoutes({ billing, logger, usage }: TenantRouteDeps): HttpRoute[] {
  const base = '/api/v1/billing';
  const route = (r: Omit<HttpRoute, 'plugin' | 'auth'>): HttpRoute => ({ ...r, plugin: PLUGIN_NAME, auth });
  return [
    route({
      method: 'GET',
      path: `${base}/plans`,
      schema: {
        summary: 'Plans on offer, and the workspace’s current plan',
        tags,
        response: { 200: z.object({ plans: z.array(planOut), current_plan_id: z.string().nullable() }) },
      },
      handler: handle(async (req) => {
        const e = await billing.entitlement(tenantOf(req));
        const plans = (await billing.catalog.list(true)).map(showPlan);
        return { body: { plans, current_plan_id: e.subscription?.plan_id ?? null } };
      }),
    }),
    route({
      method: 'GET',
      path: `${base}/subscription`,
      schema: {
        summary: 'The workspace’s subscription, plan in force, modules and mediums',
        tags,
        response: { 200: entitlementOut },
      },
      handler: handle(async (req) => {
        const e = await billing.entitlement(tenantOf(req));
        const body: z.output<typeof entitlementOut> = {
          status: e.status,
          blocked: e.blocked,
          fallback: e.fallback,
          plan: e.plan ? showPlan(e.plan) : null,
          modules: e.blocked ? [] : (e.plan?.modules ?? []),
          mediums: e.blocked ? [] : (e.plan?.mediums ?? []),
          subscription: e.subscription ? showSubscription(e.subscription) : null,
        };
        return { body };
      }),
    }),
    route({
      method: 'POST',
      path: `${base}/checkout`,
      schema: {
        summary: 'Start paying for a plan: a provider checkout page, or a manual invoice with payment instructions',
        tags,
        body: planBody,
        response: { 200: checkoutOut },
      },
      handler: handle(async (req) => {
        const { plan_id } = req.body as z.output<typeof planBody>;
        const result = await billing.checkout(tenantOf(req), plan_id);
        return { body: showCheckout(billing.provider.name, result) };
      }),
    }),
    route({
      method: 'POST',
      path: `${base}/change-plan`,
      schema: {
        summary: 'Move to another plan (in place with Stripe; a new invoice with manual billing)',
        tags,
        body: planBody,
        response: { 200: checkoutOut },
      },
      handler: handle(async (req) => {
        const { plan_id } = req.body as z.output<typeof planBody>;
        const result = await billing.changePlan(tenantOf(req), plan_id);
        return { body: showCheckout(billing.provider.name, result) };
      }),
    }),
    route({
      method: 'GET',
      path: `${base}/portal`,
      schema: {
        summary: 'The billing provider’s self-service page (null with manual billing)',
        tags,
        response: {
          200: z.object({ provider: z.string(), url: z.string().nullable(), instructions: z.string().nullable() }),
        },
      },
      handler: handle(async (req) => {
        const r = await billing.portal(tenantOf(req));
        return { body: { provider: billing.provider.name, url: r.url, instructions: r.instructions ?? null } };
      }),
    }),
    route({
      method: 'GET',
      path: `${base}/usage`,
      schema: { summary: 'This month’s usage against the plan’s limits', tags, response: { 200: usageOut } },
      handler: handle(async (req) => ({ body: await usage(tenantOf(req)) })),
    }),
    route({
      method: 'GET',
      path: `${base}/invoices`,
      schema: {
        summary: 'The workspace’s invoices, newest first',
        tags,
        query: paging.extend({ status: z.enum(INVOICE_STATUSES).optional() }),
        response: { 200: z.object({ invoices: z.array(invoiceOut), total: z.number().int() }) },
      },
      handler: handle(async (req) => {
        const tenant = tenantOf(req);
        const provider = billing.provider;
        if (provider.syncInvoices) {
          await provider
            .syncInvoices(tenant, await billing.subscriptions.get(tenant))
            .catch((err) => logger.warn({ err, tenant, provider: provider.name }, 'could not sync invoices'));
        }
        const q = req.query as unknown as z.output<typeof paging> & { status?: (typeof INVOICE_STATUSES)[number] };
        const page = await billing.invoices.list(tenant, q);
        return { body: { invoices: page.items.map(showInvoice), total: page.total } };
      }),
    }),
    route({
      method: 'GET',
      path: `${base}/invoices/:id`,
      schema: {
        summary: 'One of the workspace’s invoices',
        tags,
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 200: invoiceOut },
      },
      handler: handle(async (req) => ({
        body: showInvoice(await billing.invoices.require(tenantOf(req), req.params.id!)),
      })),
    }),
    route({
      method: 'POST',
      path: `${base}/payment-reference`,
      schema: {
        summary: 'Submit the payment reference of a paid manual invoice; the master reviews it',
        tags,
        body: z.strictObject({
          invoice_id: z.string().min(1).max(100),
          reference: z.string().trim().min(3).max(100),
        }),
        response: { 200: invoiceOut },
      },
      handler: handle(async (req) => {
        const { invoice_id, reference } = req.body as { invoice_id: string; reference: string };
        return { body: showInvoice(await billing.submitReference(tenantOf(req), invoice_id, reference)) };
      }),
    }),
  ];
}
