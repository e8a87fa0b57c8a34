import type { TenantId } from '@smmbot/core';
import { z } from 'zod';
import type { Billing } from './billing.js';
import type { HealthMonitor } from './health.js';
import { iso } from './periods.js';
import { SUBSCRIPTION_STATUSES } from './types.js';

const time = z.iso.datetime().nullable();

export const workspaceHealthOut = z.object({
  workspace: z.string(),
  subscription: z.object({
    status: z.enum([...SUBSCRIPTION_STATUSES, 'none']),
    plan_id: z.string().nullable(),
    plan_in_force: z.string().nullable().describe('the free plan after a lapse; null when blocked'),
    blocked: z.boolean(),
    current_period_end: time,
  }),
  channels: z.array(
    z.object({
      name: z.string(),
      medium: z.string().nullable(),
      state: z.string().describe('link state; n/a for channels without a login'),
      reason: z.string().optional(),
      allowed: z.boolean().describe('the plan allows this channel’s medium'),
    }),
  ),
  panel: z.object({
    state: z.enum(['ok', 'error', 'timeout', 'not_configured', 'unknown']),
    checked_at: time,
    latency_ms: z.number().int().nullable(),
    error: z.string().optional(),
  }),
  errors: z.array(
    z.object({
      at: time,
      code: z.string(),
      message: z.string(),
      plugin: z.string().optional(),
      hook: z.string().optional(),
      channel: z.string().optional(),
    }),
  ),
  healthy: z.boolean().describe('subscription in force, every channel connected or link-less, panel ok'),
});

export type WorkspaceHealth = z.output<typeof workspaceHealthOut>;

const BAD_LINKS = new Set(['disconnected', 'logged_out', 'banned', 'connecting']);

/** One workspace's runtime health, for the master. */
export async function workspaceHealth(
  billing: Billing,
  monitor: HealthMonitor,
  tenant: TenantId,
): Promise<WorkspaceHealth> {
  const e = await billing.entitlement(tenant);
  const channels = monitor.channels(tenant, (m) => !e.blocked && !!m && !!e.plan?.mediums.includes(m));
  const panel = await monitor.panel(tenant);
  const errors = monitor.lastErrors(tenant).map((x) => ({ ...x, at: iso(x.at) }));
  return {
    workspace: tenant,
    subscription: {
      status: e.status,
      plan_id: e.subscription?.plan_id ?? null,
      plan_in_force: e.plan?.id ?? null,
      blocked: e.blocked,
      current_period_end: iso(e.subscription?.current_period_end),
    },
    channels,
    panel: { ...panel, checked_at: iso(panel.checked_at) },
    errors,
    healthy: !e.blocked && channels.every((c) => !BAD_LINKS.has(c.state)) && panel.state === 'ok',
  };
}
