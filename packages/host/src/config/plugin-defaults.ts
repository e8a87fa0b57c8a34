import { type billingOptions, MEDIUMS, MODULES, type PlanInput, type TenantServicesFn } from '@smmbot/billing';
import type { HostConfig, PluginEntry } from '@smmbot/core';
import type { z } from 'zod';

export const BILLING = '@smmbot/billing';
export const WORKSPACES = '@smmbot/workspaces';

/**
 * The plan every workspace is on when the config does not list billing: every module, every medium,
 * no limits. Billing is composed by default for its pages and routes (the dashboard's Billing page,
 * the master's plans), and this plan keeps a host exactly as capable as it was without billing.
 */
export const FREE_PLAN: PlanInput = {
  id: 'free',
  name: 'Free',
  price: 0,
  currency: 'usd',
  interval: 'month',
  modules: [...MODULES],
  mediums: [...MEDIUMS],
  limits: { messages_per_month: null, phones: null, staff: null, ai_requests: null },
};

/**
 * Billing's options when the config does not list it: the free plan above, which new workspaces
 * start on, lapsed ones fall back to, and the config's own tenants are pinned to. A channel of an
 * unknown medium is let through (`unknownMedium: allow`): nothing a host did before is refused.
 */
export function defaultBillingOptions(
  config: HostConfig,
  tenantServices: TenantServicesFn,
): z.input<typeof billingOptions> {
  return {
    plans: [FREE_PLAN],
    defaultPlan: FREE_PLAN.id,
    onExpiry: 'free',
    freePlan: FREE_PLAN.id,
    assign: Object.fromEntries(config.tenants.map((t) => [t.id, FREE_PLAN.id])),
    unknownMedium: 'allow',
    tenantServices,
  };
}

/** `owners` for the workspaces plugin, from the tenants that name an `owner`. */
export function configuredOwners(config: HostConfig): Record<string, { phone: string; name: string }> {
  return Object.fromEntries(
    config.tenants.flatMap((t) => (t.owner ? [[t.id, { phone: t.owner.phone, name: t.name }]] : [])),
  );
}

/**
 * What the host adds to a listed plugin's options that a config file cannot say: the tenants'
 * owners for workspaces (merged under the entry's own `owners`), and billing's code-only
 * `tenantServices`. Other entries are returned as they are.
 */
export function withHostOptions(
  entry: PluginEntry,
  host: { owners: Record<string, unknown>; tenantServices: TenantServicesFn },
): PluginEntry {
  const options = entry.options;
  if (entry.use === WORKSPACES && Object.keys(host.owners).length > 0) {
    const own = (options.owners as Record<string, unknown> | undefined) ?? {};
    return { ...entry, options: { ...options, owners: { ...host.owners, ...own } } };
  }
  if (entry.use === BILLING && options.tenantServices === undefined) {
    return { ...entry, options: { ...options, tenantServices: host.tenantServices } };
  }
  return entry;
}
