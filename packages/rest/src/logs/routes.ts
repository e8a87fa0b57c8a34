import type { HttpRoute } from '@smmbot/core';
import { SUPPORT_STATUSES, type SupportStatus } from '@smmbot/support';
import { z } from 'zod';
import { defineRoute, isoOrNull, paging, queryBool } from '../http.js';
import type { Scope } from '../scope.js';
import { LogsService } from './service.js';

/** The support statuses; `ticket_created` is accepted for `ticket created` (no space in a URL). */
const status = z
  .enum([...SUPPORT_STATUSES, 'ticket_created'])
  .transform((s): SupportStatus => (s === 'ticket_created' ? 'ticket created' : s));

const serial = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const logItem = z.object({
  id: z.number().int().describe('the serial (#1247): what the other log routes take'),
  serial: z.number().int(),
  channel: z.string(),
  chat_id: z.string(),
  sender_id: z.string(),
  panel_user: z.string().nullable(),
  role: z.string(),
  action: z.string(),
  order_ids: z.array(z.string()),
  provider: z.string().nullable(),
  provider_order_ids: z.array(z.string()),
  result: z.enum(['ok', 'refused', 'error', 'partial', 'info']),
  reason: z.string().nullable(),
  support_status: z.enum(SUPPORT_STATUSES),
  priority: z.boolean(),
  raw_text: z.string(),
  reply: z.string(),
  created_at: isoOrNull,
  updated_at: isoOrNull,
});

const escalation = z
  .object({ lines: z.array(z.string()), problems: z.number().int(), provider_order_ids: z.array(z.string()) })
  .nullable()
  .describe('what `escalated` sent to the providers’ groups; null for other statuses');

/** Message Logs: search with filters and paging, support status one by one or in bulk. */
export function logRoutes(scope: Scope): HttpRoute[] {
  const service = new LogsService(scope);
  const tag = 'logs';
  const permission = 'dashboard.logs' as const;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/logs',
      permission,
      tag,
      summary: 'The message log, newest first, filtered by day, action, support status and priority',
      query: z.strictObject({
        date: z.iso.date().optional().describe("a day (YYYY-MM-DD) in the workspace's scheduler_timezone"),
        action: z.string().trim().min(1).max(100).optional(),
        status: status.optional(),
        priority: queryBool().optional(),
        ...paging,
      }),
      response: z.object({
        items: z.array(logItem),
        total: z.number().int(),
        /** `total` stopped at 10,000: there are more (shown as "10,000+"). */
        total_capped: z.boolean(),
        page: z.number().int(),
        limit: z.number().int(),
      }),
      handler: ({ tenant, query }) => service.query(tenant, query),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/logs/:id/support-status',
      permission,
      tag,
      summary: 'Set the support status of one log entry (by serial); escalated notifies the provider group',
      params: z.strictObject({ id: serial }),
      body: z.strictObject({ status }),
      response: z.object({ item: logItem, escalation }),
      handler: ({ tenant, params, body }) => service.setStatus(tenant, params.id, body.status),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/logs/bulk-status',
      permission,
      tag,
      summary: 'Set the support status of many log entries (by serial); unknown serials are listed back',
      body: z.strictObject({ ids: z.array(z.number().int().min(1)).min(1).max(500), status }),
      response: z.object({
        updated: z.array(z.number().int()),
        not_found: z.array(z.number().int()),
        escalation,
      }),
      handler: ({ tenant, body }) => service.bulkStatus(tenant, body.ids, body.status),
    }),
  ];
}
