import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import { defineRoute, idParam, isoOrNull, paging } from '../http.js';
import type { Scope } from '../scope.js';
import { CustomersService } from './service.js';

const customer = z.object({
  id: z.string().describe('`<channel>:<address>`'),
  channel: z.string(),
  address: z.string(),
  aliases: z.array(z.string()),
  display_name: z.string().nullable(),
  panel_user: z.string().nullable(),
  verified: z.boolean(),
  verified_at: isoOrNull,
  verified_by: z.enum(['otp', 'admin', 'bulk']).nullable(),
  status: z.enum(['active', 'blocked']),
  last_active_at: isoOrNull,
  created_at: isoOrNull,
});

const changed = z.object({ item: customer, affected: z.number().int().describe('records changed, aliases included') });
const params = z.strictObject({ id: idParam });

/** Customers: verified users with their panel username; verify, block/unblock, remove verification. */
export function customerRoutes(scope: Scope): HttpRoute[] {
  const service = new CustomersService(scope);
  const tag = 'customers';
  const permission = 'dashboard.customers' as const;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/customers',
      permission,
      tag,
      summary: 'Customers (verified by default), most recently active first, with their panel username',
      query: z.strictObject({
        verified: z.enum(['true', 'false', 'all']).default('true'),
        status: z.enum(['active', 'blocked']).optional(),
        q: z.string().trim().min(1).max(64).optional().describe('part of the panel username'),
        ...paging,
      }),
      response: z.object({
        items: z.array(customer),
        total: z.number().int(),
        page: z.number().int(),
        limit: z.number().int(),
      }),
      handler: ({ tenant, query }) => service.list(tenant, query),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/customers/:id/verify',
      permission,
      tag,
      summary: 'Verify a customer by hand (no OTP) as a panel username; checked on the panel when it can',
      params,
      body: z.strictObject({ username: z.string().trim().min(1).max(64) }),
      response: z.object({ item: customer, checked_on_panel: z.boolean() }),
      handler: ({ tenant, params, body }) => service.verify(tenant, params.id, body.username),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/customers/:id/block',
      permission,
      tag,
      summary: 'Block a customer (and their other addresses): no more commands',
      params,
      response: changed,
      handler: ({ tenant, params }) => service.block(tenant, params.id, true),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/customers/:id/unblock',
      permission,
      tag,
      summary: 'Unblock a customer',
      params,
      response: changed,
      handler: ({ tenant, params }) => service.block(tenant, params.id, false),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/customers/:id',
      permission,
      tag,
      summary: "Delete a customer's verification (they verify again on their next message; a block stays)",
      params,
      response: changed,
      handler: ({ tenant, params }) => service.unverify(tenant, params.id),
    }),
  ];
}
