import { type HttpRequest, type HttpResponse, httpError } from '@smmbot/core';
import { z } from 'zod';
import { BillingError } from './errors.js';
import { iso } from './periods.js';
import type { CheckoutResult } from './provider.js';
import {
  INVOICE_STATUSES,
  type Invoice,
  type InvoiceIndex,
  MEDIUMS,
  MODULES,
  type Plan,
  type Subscription,
  SUBSCRIPTION_STATUSES,
} from './types.js';

export const PLUGIN_NAME = '@smmbot/billing';

/** Runs a handler; a `BillingError` becomes its status and the one JSON error shape. */
export function handle(fn: (req: HttpRequest) => Promise<HttpResponse>) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    try {
      return await fn(req);
    } catch (err) {
      if (err instanceof BillingError) return httpError(err.status, err.code, err.message);
      throw err;
    }
  };
}

/** The workspace of a session route: from the checked session only, never from input. */
export function tenantOf(req: HttpRequest): string {
  const tenant = req.auth?.tenantId;
  if (!tenant) throw new BillingError(401, 'E_UNAUTHENTICATED', 'sign in first');
  return tenant;
}

const isoTime = z.iso.datetime().nullable();
const limitOut = z.number().int().nullable();

export const planOut = z.object({
  id: z.string(),
  name: z.string(),
  price: z.number().int().describe('minor units (cents)'),
  currency: z.string(),
  interval: z.enum(['month', 'year']),
  modules: z.array(z.enum(MODULES)),
  mediums: z.array(z.enum(MEDIUMS)),
  limits: z.object({ messages_per_month: limitOut, phones: limitOut, staff: limitOut, ai_requests: limitOut }),
  active: z.boolean(),
  provider_refs: z.record(z.string(), z.string()),
});

export const subscriptionOut = z.object({
  plan_id: z.string(),
  status: z.enum(SUBSCRIPTION_STATUSES),
  current_period_end: isoTime,
  provider: z.string(),
  started_at: isoTime,
});

export const invoiceOut = z.object({
  id: z.string(),
  number: z.string(),
  plan_id: z.string(),
  amount: z.number().int().describe('minor units (cents)'),
  currency: z.string(),
  status: z.enum(INVOICE_STATUSES),
  provider: z.string(),
  hosted_url: z.string().nullable(),
  reference: z.string().nullable(),
  reference_submitted_at: isoTime,
  rejection_reason: z.string().nullable(),
  period_end: isoTime,
  created_at: isoTime,
  paid_at: isoTime,
});

export const invoiceIndexOut = z.object({
  id: z.string(),
  workspace: z.string(),
  number: z.string(),
  plan_id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(INVOICE_STATUSES),
  provider: z.string(),
  reference: z.string().nullable(),
  reference_submitted_at: isoTime,
  created_at: isoTime,
});

export const checkoutOut = z.object({
  provider: z.string(),
  kind: z.enum(['redirect', 'invoice', 'activated']),
  url: z.string().nullable(),
  invoice: invoiceOut.nullable(),
  instructions: z.string().nullable(),
  subscription: subscriptionOut.nullable(),
});

export const showPlan = (p: Plan): z.output<typeof planOut> => ({
  id: p.id,
  name: p.name,
  price: p.price,
  currency: p.currency,
  interval: p.interval,
  modules: p.modules,
  mediums: p.mediums,
  limits: p.limits,
  active: p.active,
  provider_refs: p.provider_refs,
});

export const showSubscription = (s: Subscription): z.output<typeof subscriptionOut> => ({
  plan_id: s.plan_id,
  status: s.status,
  current_period_end: iso(s.current_period_end),
  provider: s.provider,
  started_at: iso(s.started_at),
});

export const showInvoice = (i: Invoice): z.output<typeof invoiceOut> => ({
  id: i.id,
  number: i.number,
  plan_id: i.plan_id,
  amount: i.amount,
  currency: i.currency,
  status: i.status,
  provider: i.provider,
  hosted_url: i.hosted_url ?? null,
  reference: i.reference ?? null,
  reference_submitted_at: iso(i.reference_submitted_at),
  rejection_reason: i.rejection_reason ?? null,
  period_end: iso(i.period_end),
  created_at: iso(i.created_at),
  paid_at: iso(i.paid_at),
});

export const showInvoiceIndex = (i: InvoiceIndex): z.output<typeof invoiceIndexOut> => ({
  id: i.id,
  workspace: i.workspace,
  number: i.number,
  plan_id: i.plan_id,
  amount: i.amount,
  currency: i.currency,
  status: i.status,
  provider: i.provider,
  reference: i.reference ?? null,
  reference_submitted_at: iso(i.reference_submitted_at),
  created_at: iso(i.created_at),
});

export const showCheckout = (provider: string, r: CheckoutResult): z.output<typeof checkoutOut> => ({
  provider,
  kind: r.kind,
  url: r.kind === 'redirect' ? r.url : null,
  invoice: r.kind === 'invoice' ? showInvoice(r.invoice) : null,
  instructions: r.kind === 'invoice' ? r.instructions : null,
  subscription: r.kind === 'activated' ? showSubscription(r.subscription) : null,
});

export const paging = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
