import { type HttpRoute, SYSTEM_TENANT } from '@smmbot/core';
import { z } from 'zod';
import type { Billing } from './billing.js';
import { notFound } from './errors.js';
import {
  handle,
  invoiceIndexOut,
  invoiceOut,
  PLUGIN_NAME,
  paging,
  planOut,
  showInvoice,
  showInvoiceIndex,
  showPlan,
  showSubscription,
  subscriptionOut,
} from './http.js';
import { iso } from './periods.js';
import {
  INVOICE_STATUSES,
  type InvoiceStatus,
  planIdSchema,
  planInputSchema,
  planPatchSchema,
  SUBSCRIPTION_STATUSES,
} from './types.js';
import { type WorkspaceHealth, workspaceHealthOut } from './workspace-health.js';

export interface MasterRouteDeps {
  billing: Billing;
  /** Every workspace the master should see: the engine's tenants and the subscription index. */
  workspaces(): Promise<string[]>;
  health(tenant: string): Promise<WorkspaceHealth>;
}

const auth = { kind: 'master' } as const;
const tags = ['master', 'billing'];
const planParams = z.object({ id: planIdSchema });
const invoiceParams = z.object({ id: z.string().min(1).max(100) });
const workspaceOut = z.object({
  workspace: z.string(),
  plan_id: z.string().nullable(),
  status: z.enum([...SUBSCRIPTION_STATUSES, 'none']),
  current_period_end: z.iso.datetime().nullable(),
  provider: z.string().nullable(),
});

/** The master admin's billing endpoints: plans, workspaces' subscriptions, payment reviews, invoices, health. */
export function masterRoutes({ billing, workspaces, health }: MasterRouteDeps): HttpRoute[] {
  const base = '/api/v1/master/billing';
  const route = (r: Omit<HttpRoute, 'plugin' | 'auth'>): HttpRoute => ({ ...r, plugin: PLUGIN_NAME, auth });
  const plan = z.object({ plan: planOut });
  return [
    route({
      method: 'GET',
      path: `${base}/plans`,
      schema: { summary: 'Every plan, offered or not', tags, response: { 200: z.object({ plans: z.array(planOut) }) } },
      handler: handle(async () => ({ body: { plans: (await billing.catalog.list()).map(showPlan) } })),
    }),
    route({
      method: 'POST',
      path: `${base}/plans`,
      schema: { summary: 'Create a plan', tags, body: planInputSchema, response: { 200: plan } },
      handler: handle(async (req) => ({
        body: { plan: showPlan(await billing.catalog.create(req.body as z.input<typeof planInputSchema>)) },
      })),
    }),
    route({
      method: 'PATCH',
      path: `${base}/plans/:id`,
      schema: { summary: 'Change a plan', tags, params: planParams, body: planPatchSchema, response: { 200: plan } },
      handler: handle(async (req) => {
        const updated = await billing.catalog.update(req.params.id!, req.body as z.output<typeof planPatchSchema>);
        billing.invalidateAll();
        return { body: { plan: showPlan(updated) } };
      }),
    }),
    route({
      method: 'DELETE',
      path: `${base}/plans/:id`,
      schema: {
        summary: 'Remove a plan no workspace is on',
        tags,
        params: planParams,
        response: { 200: z.object({ deleted: z.literal(true) }) },
      },
      handler: handle(async (req) => {
        await billing.catalog.remove(req.params.id!);
        return { body: { deleted: true as const } };
      }),
    }),
    route({
      method: 'GET',
      path: `${base}/workspaces`,
      schema: {
        summary: 'Every workspace with its plan, status and expiry',
        tags,
        response: { 200: z.object({ workspaces: z.array(workspaceOut) }) },
      },
      handler: handle(async () => {
        const list = await Promise.all(
          (await workspaces()).map(async (workspace) => {
            const s = await billing.subscriptions.get(workspace);
            return {
              workspace,
              plan_id: s?.plan_id ?? null,
              status: s?.status ?? ('none' as const),
              current_period_end: iso(s?.current_period_end),
              provider: s?.provider ?? null,
            };
          }),
        );
        return { body: { workspaces: list } };
      }),
    }),
    route({
      method: 'PUT',
      path: `${base}/workspaces/:workspace/subscription`,
      schema: {
        summary: 'Set a workspace’s subscription by hand (plan, status, period end)',
        tags,
        params: z.object({ workspace: z.string().min(1).max(100) }),
        body: z.strictObject({
          plan_id: planIdSchema,
          status: z.enum(SUBSCRIPTION_STATUSES).default('active'),
          current_period_end: z.iso.datetime().nullable().default(null),
        }),
        response: { 200: z.object({ subscription: subscriptionOut }) },
      },
      handler: handle(async (req) => {
        const workspace = req.params.workspace!;
        if (!(await workspaces()).includes(workspace)) throw notFound(`workspace "${workspace}"`);
        const body = req.body as {
          plan_id: string;
          status: (typeof SUBSCRIPTION_STATUSES)[number];
          current_period_end: string | null;
        };
        await billing.catalog.require(body.plan_id);
        const end = body.current_period_end === null ? null : Date.parse(body.current_period_end);
        const sub = await billing.subscriptions.set(workspace, {
          plan_id: body.plan_id,
          status: body.status,
          current_period_end: end,
        });
        billing.invalidate(workspace);
        return { body: { subscription: showSubscription(sub) } };
      }),
    }),
    route({
      method: 'GET',
      path: `${base}/payment-references`,
      schema: {
        summary: 'Payment references waiting for review (oldest first)',
        tags,
        query: paging,
        response: { 200: z.object({ references: z.array(invoiceIndexOut), total: z.number().int() }) },
      },
      handler: handle(async (req) => {
        const q = req.query as unknown as z.output<typeof paging>;
        const page = await billing.invoices.index.find(SYSTEM_TENANT, {
          where: { status: 'pending_review' },
          sort: [{ field: 'reference_submitted_at', direction: 'asc' }],
          limit: q.limit,
          offset: q.offset,
        });
        return { body: { references: page.items.map(showInvoiceIndex), total: page.total } };
      }),
    }),
    route({
      method: 'POST',
      path: `${base}/payment-references/:id/approve`,
      schema: {
        summary: 'Approve a payment reference: the invoice is paid and the subscription extended',
        tags,
        params: invoiceParams,
        response: { 200: z.object({ invoice: invoiceOut, subscription: subscriptionOut }) },
      },
      handler: handle(async (req) => {
        const { invoice, subscription } = await billing.approve(req.params.id!);
        return { body: { invoice: showInvoice(invoice), subscription: showSubscription(subscription) } };
      }),
    }),
    route({
      method: 'POST',
      path: `${base}/payment-references/:id/reject`,
      schema: {
        summary: 'Reject a payment reference: the invoice is open again',
        tags,
        params: invoiceParams,
        body: z.strictObject({ reason: z.string().trim().min(1).max(300) }),
        response: { 200: z.object({ invoice: invoiceOut }) },
      },
      handler: handle(async (req) => {
        const { reason } = req.body as { reason: string };
        return { body: { invoice: showInvoice(await billing.reject(req.params.id!, reason)) } };
      }),
    }),
    route({
      method: 'GET',
      path: `${base}/invoices`,
      schema: {
        summary: 'Invoices across workspaces, newest first',
        tags,
        query: paging.extend({ status: z.enum(INVOICE_STATUSES).optional(), workspace: z.string().min(1).optional() }),
        response: { 200: z.object({ invoices: z.array(invoiceIndexOut), total: z.number().int() }) },
      },
      handler: handle(async (req) => {
        const q = req.query as unknown as z.output<typeof paging> & { status?: InvoiceStatus; workspace?: string };
        const page = await billing.invoices.listAll(q);
        return { body: { invoices: page.items.map(showInvoiceIndex), total: page.total } };
      }),
    }),
    route({
      method: 'GET',
      path: `${base}/health`,
      schema: {
        summary: 'Runtime health of every workspace: subscription, channels, panel, last errors',
        tags,
        response: { 200: z.object({ workspaces: z.array(workspaceHealthOut) }) },
      },
      handler: handle(async () => ({
        body: { workspaces: await Promise.all((await workspaces()).map((w) => health(w))) },
      })),
    }),
  ];
}
