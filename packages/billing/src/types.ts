import type { StoredRecord, TenantId } from '@smmbot/core';
import { z } from 'zod';

/** What a plan can switch on. Other plugins ask `requireModule(tenant, module)` before they act. */
export const MODULES = ['support', 'ai', 'marketing', 'send_api', 'tickets'] as const;
export type Module = (typeof MODULES)[number];

/** The chat platforms a plan may allow; every channel maps to one (see `mediumOf`). */
export const MEDIUMS = ['whatsapp', 'telegram', 'webchat', 'whatsapp_cloud', 'greenapi'] as const;
export type Medium = (typeof MEDIUMS)[number];

/** Mediums whose channels are phone numbers: the plan's `phones` limit counts them. */
export const PHONE_MEDIUMS: readonly Medium[] = ['whatsapp', 'greenapi', 'whatsapp_cloud'];

export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'canceled', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const INVOICE_STATUSES = ['open', 'pending_review', 'paid', 'failed', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

const limit = z.number().int().min(0).nullable().default(null).describe('null: unlimited');

export const planLimitsSchema = z.strictObject({
  messages_per_month: limit,
  phones: limit,
  staff: limit,
  ai_requests: limit.describe('AI calls per month; null: unlimited'),
});
export type PlanLimits = z.output<typeof planLimitsSchema>;
export type LimitName = keyof PlanLimits;

const planFields = {
  name: z.string().trim().min(1).max(100),
  price: z.number().int().min(0).describe('in the currency’s minor unit (cents)'),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO currency code')
    .transform((c) => c.toUpperCase()),
  interval: z.enum(['month', 'year']),
  modules: z.array(z.enum(MODULES)).default(['support']),
  mediums: z.array(z.enum(MEDIUMS)).min(1),
  limits: planLimitsSchema.default({ messages_per_month: null, phones: null, staff: null, ai_requests: null }),
  /** Inactive plans are kept for the workspaces on them but not offered. */
  active: z.boolean().default(true),
  /** A provider's id for this plan, e.g. `{ stripe: "price_..." }`. */
  provider_refs: z.record(z.string(), z.string().min(1)).default({}),
};

export const planIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, "_" and "-" (at most 64)');

/** A plan as it is created (options, the master's POST). */
export const planInputSchema = z.strictObject({ id: planIdSchema, ...planFields });
export type PlanInput = z.input<typeof planInputSchema>;

const limitPatch = z.number().int().min(0).nullable().optional();

/** A plan update: any field but the id. */
export const planPatchSchema = z.strictObject({
  name: planFields.name.optional(),
  price: planFields.price.optional(),
  currency: planFields.currency.optional(),
  interval: planFields.interval.optional(),
  modules: z.array(z.enum(MODULES)).optional(),
  mediums: z.array(z.enum(MEDIUMS)).min(1).optional(),
  /** Only the limits given change (no defaults here: a missing limit is left as it is). */
  limits: z
    .strictObject({
      messages_per_month: limitPatch,
      phones: limitPatch,
      staff: limitPatch,
      ai_requests: limitPatch,
    })
    .optional(),
  active: z.boolean().optional(),
  provider_refs: z.record(z.string(), z.string().min(1)).optional(),
});
export type PlanPatch = z.output<typeof planPatchSchema>;

export interface Plan extends StoredRecord, Omit<z.output<typeof planInputSchema>, 'id'> {
  created_at: number;
  updated_at: number;
}

/** Where a subscription is billed, and the provider's ids for it. */
export interface ExternalRefs {
  customer_id?: string;
  subscription_id?: string;
  /** The provider's time (ms) of the last event applied: older events are ignored. */
  last_event_at?: number;
}

/** One per workspace, under its own tenant (id `current`). */
export interface Subscription extends StoredRecord {
  plan_id: string;
  status: SubscriptionStatus;
  /** Epoch ms; null: no end (an assigned or free plan). */
  current_period_end: number | null;
  provider: string;
  external?: ExternalRefs;
  started_at: number;
  updated_at: number;
}

/** The master's index of every workspace's subscription (SYSTEM_TENANT, id = workspace). */
export interface WorkspaceIndex extends StoredRecord {
  plan_id: string;
  status: SubscriptionStatus;
  current_period_end: number | null;
  provider: string;
  updated_at: number;
}

export interface Invoice extends StoredRecord {
  number: string;
  plan_id: string;
  /** Minor units. */
  amount: number;
  currency: string;
  status: InvoiceStatus;
  provider: string;
  /** The provider's invoice id (Stripe `in_...`). */
  external_id?: string;
  hosted_url?: string;
  /** The customer's payment reference (manual flow). */
  reference?: string;
  reference_submitted_at?: number;
  rejection_reason?: string;
  /** For paid invoices: the period end the payment bought (epoch ms). */
  period_end?: number;
  created_at: number;
  updated_at: number;
  paid_at?: number;
}

/** The master's index of every invoice (SYSTEM_TENANT, id = invoice id). */
export interface InvoiceIndex extends StoredRecord {
  workspace: TenantId;
  number: string;
  plan_id: string;
  amount: number;
  currency: string;
  status: InvoiceStatus;
  provider: string;
  reference?: string;
  reference_submitted_at?: number;
  created_at: number;
  updated_at: number;
}

/** What a workspace may do right now: its plan in force, or blocked. */
export interface Entitlement {
  tenant: TenantId;
  /** The status at this moment (an ended period reads `expired`); `none` without a subscription. */
  status: SubscriptionStatus | 'none';
  /** The plan in force: the workspace's own, the free plan after a lapse, or none (blocked). */
  plan?: Plan;
  blocked: boolean;
  /** Running on the free plan because the subscription lapsed. */
  fallback: boolean;
  subscription?: Subscription;
}

/** Subscriptions that give access to their plan. */
export const ENTITLED: ReadonlySet<SubscriptionStatus> = new Set(['trialing', 'active', 'past_due']);
