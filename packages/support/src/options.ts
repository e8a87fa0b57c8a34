import { serviceRuleOverridesSchema } from '@smmbot/core';
import { z } from 'zod';

const role = z.enum(['owner', 'staff_admin', 'staff']);

export const supportOptions = z.object({
  /** Staff identities seeded at boot (the owner's number, staff numbers); the dashboard manages them later. */
  admins: z
    .array(
      z.object({
        tenant: z.string().min(1).default('default'),
        channel: z.string().min(1),
        address: z.string().min(1),
        role,
        name: z.string().optional(),
      }),
    )
    .default([]),
  /** How orders are acted on: through the panel API when it can, else the provider's group. */
  dispatch: z.enum(['panel-first', 'provider-first', 'panel-only', 'provider-only']).default('panel-first'),
  /** The clean commands sent to a provider's group; `{ids}` are the provider order ids. Per provider name below. */
  providerCommands: z
    .object({
      refill: z.string().default('{ids} refill'),
      cancel: z.string().default('{ids} cancel'),
      speedup: z.string().default('{ids} speed'),
    })
    .prefault({}),
  providerCommandsByProvider: z
    .record(z.string(), z.object({ refill: z.string(), cancel: z.string(), speedup: z.string() }).partial())
    .default({}),
  /** Command aliases (`rf` → refill) and custom commands (trigger → reply text), for every tenant ... */
  aliases: z.record(z.string(), z.string()).default({}),
  customCommands: z.record(z.string(), z.string()).default({}),
  /**
   * Per-tenant service-rule overrides by service id, for names that say nothing or say it wrong:
   * `{ default: { '1042': { refill: { kind: 'lifetime' } } } }`. They win over what the name says.
   */
  serviceRules: z.record(z.string(), serviceRuleOverridesSchema).default({}),
  /** ... and per tenant, added to (and winning over) the ones above. */
  tenants: z
    .record(
      z.string(),
      z.object({
        aliases: z.record(z.string(), z.string()).default({}),
        customCommands: z.record(z.string(), z.string()).default({}),
      }),
    )
    .default({}),
});

export type SupportOptions = z.output<typeof supportOptions>;
