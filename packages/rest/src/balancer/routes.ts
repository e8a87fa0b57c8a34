import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import { defineRoute, idParam, isoOrNull } from '../http.js';
import type { Scope } from '../scope.js';
import { BalancerRestService } from './service.js';

const linkState = z.enum(['connected', 'connecting', 'disconnected', 'logged_out', 'banned']);

const phone = z.object({
  channel: z.string(),
  state: linkState,
  age_days: z.number(),
  seniority: z.number(),
  score: z.number(),
  today_sent: z.number().int(),
  daily_cap: z.number().int().nullable().describe('null: no cap today (warm-up over, no maxDailyPerPhone)'),
  remaining_today: z.number().int().nullable(),
  total_sent: z.number().int(),
  total_failed: z.number().int(),
  fail_rate: z.number(),
  consecutive_fails: z.number().int(),
  cooldown_until: isoOrNull,
  timelock_until: isoOrNull,
  last_sent_at: isoOrNull,
  busy: z.boolean(),
});

const alert = z.object({
  id: z.string(),
  type: z.string(),
  severity: z.enum(['critical', 'warning', 'info']),
  status: z.enum(['active', 'resolved']),
  phone: z.string(),
  details: z.string(),
  created_at: isoOrNull,
  resolved_at: isoOrNull,
});

/**
 * The balancer (WhatsApp numbers): snapshot, phone limits, alerts. Permission `dashboard.settings`:
 * the numbers and their health are workspace settings (staff admin and owner), not staff's log work.
 */
export function balancerRoutes(scope: Scope): HttpRoute[] {
  const service = new BalancerRestService(scope);
  const tag = 'balancer';
  const permission = 'dashboard.settings' as const;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/balancer/snapshot',
      permission,
      tag,
      summary: "The workspace's phones (state, age, score, today/cap), next phone, queue and active alerts",
      response: z.object({
        at: isoOrNull,
        next_phone: z.string().nullable(),
        queue: z.object({ queued: z.number().int(), pending: z.number().int(), sending: z.number().int() }),
        phones: z.array(phone),
        alerts: z.array(alert),
      }),
      handler: ({ tenant }) => service.snapshot(tenant),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/balancer/phones',
      permission,
      tag,
      summary: "Phone limits: each phone's sends today against its cap, and what is left",
      response: z.object({ items: z.array(phone), next_phone: z.string().nullable() }),
      handler: ({ tenant }) => service.phones(tenant),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/balancer/alerts',
      permission,
      tag,
      summary: 'The alert log (ban suspicion, failures, switches), newest first',
      query: z.strictObject({ status: z.enum(['active', 'resolved']).optional() }),
      response: z.object({ items: z.array(alert) }),
      handler: ({ tenant, query }) => service.alerts(tenant, query.status),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/balancer/alerts/:id/resolve',
      permission,
      tag,
      summary: 'Mark an alert resolved',
      params: z.strictObject({ id: idParam }),
      response: z.object({ resolved: z.literal(true), already: z.boolean() }),
      handler: ({ tenant, params }) => service.resolve(tenant, params.id),
    }),
  ];
}
