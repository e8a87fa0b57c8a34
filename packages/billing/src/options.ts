import type { TenantId, TurnServices } from '@smmbot/core';
import { z } from 'zod';
import { MEDIUMS, planIdSchema, planInputSchema } from './types.js';

/** Resolves a workspace's services (its panel): the host passes `(t) => engine.forTenant(t)`. */
export type TenantServicesFn = (tenant: TenantId) => Pick<TurnServices, 'has' | 'resolve'>;

export const billingOptions = z
  .strictObject({
    /** Plans created at boot when missing (the master's later edits are kept). */
    plans: z.array(planInputSchema).default([]),
    /** The plan a new workspace starts on (sign-up, or a served tenant without a subscription). */
    defaultPlan: planIdSchema.optional(),
    /** With `defaultPlan`: a trial of this many days (`trialing`, then expiry); 0: active with no end. */
    trialDays: z.number().int().min(0).max(365).default(0),
    /** Workspaces pinned to a plan with no end (the config file's own tenants), when they have none yet. */
    assign: z.record(z.string().min(1), planIdSchema).default({}),
    /** What a lapsed (expired, canceled) or missing subscription gets: the free plan, or nothing. */
    onExpiry: z.enum(['free', 'block']).default('block'),
    /** The plan in force after a lapse when `onExpiry` is `free`. */
    freePlan: planIdSchema.optional(),
    /** Days past the period end before an active or past-due subscription expires. */
    graceDays: z.number().int().min(0).max(90).default(0),
    manual: z
      .strictObject({
        /** `{amount}`, `{currency}`, `{number}`, `{invoice_id}`, `{plan}` are filled in. */
        instructions: z
          .string()
          .min(1)
          .default(
            'Pay {amount} {currency} for invoice {number} ({plan}), then submit the transaction id with ' +
              'POST /api/v1/billing/payment-reference {"invoice_id":"{invoice_id}","reference":"..."}.',
          ),
        invoicePrefix: z
          .string()
          .regex(/^[A-Z0-9-]{1,12}$/)
          .default('INV'),
      })
      .prefault({}),
    /** The medium of channels whose class or name does not say it, by channel name. */
    channelMediums: z.record(z.string().min(1), z.enum(MEDIUMS)).default({}),
    /** A channel whose medium cannot be told: `deny` drops its messages (safe), `allow` lets them through. */
    unknownMedium: z.enum(['allow', 'deny']).default('deny'),
    /**
     * Texts sent (at most once a day per chat) instead of dropping silently; unset: drop and log only.
     * `medium`: the plan does not allow this platform; `blocked`: the subscription lapsed; `quota`:
     * the month's messages are used up.
     */
    notices: z
      .strictObject({ medium: z.string().min(1), blocked: z.string().min(1), quota: z.string().min(1) })
      .partial()
      .default({}),
    /** Last errors kept per workspace for the health report. */
    errorsPerTenant: z.number().int().min(1).max(500).default(20),
    panelCheck: z
      .strictObject({
        timeoutMs: z.number().int().positive().default(3000),
        /** A panel check result is reused this long. */
        cacheMs: z.number().int().min(0).default(60_000),
      })
      .prefault({}),
    /** How long a workspace's entitlement is reused between turns (every write on this node clears it). */
    cacheMs: z.number().int().min(0).default(5000),
    /** Code only: a workspace's services, for its panel in the health report (the host wires `engine.forTenant`). */
    tenantServices: z
      .custom<TenantServicesFn>((v) => typeof v === 'function', { error: 'expected a function' })
      .optional(),
  })
  .superRefine((o, ctx) => {
    if (o.onExpiry === 'free' && !o.freePlan) {
      ctx.addIssue({ code: 'custom', path: ['freePlan'], message: 'onExpiry "free" needs a freePlan' });
    }
  });

export type BillingOptions = z.output<typeof billingOptions>;
