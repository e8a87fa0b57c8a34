import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import { defineRoute, idParam, isoOrNull, okResponse, queryBool } from '../http.js';
import type { Scope } from '../scope.js';
import { ProvidersService } from './service.js';

const name = z.string().trim().min(1).max(100);
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL of the provider API' });
// No max length: a failed check would echo the key into the error text.
const apiKey = z.string().trim().min(1, 'expected the provider API key');
const aliases = z.array(z.string().trim().min(1).max(200)).max(50);
const group = z.strictObject({ channel: z.string().trim().min(1), chat_id: z.string().trim().min(1) });
const interval = z
  .number()
  .int()
  .min(60, 'sync at most once a minute')
  .max(7 * 86_400);

const provider = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  aliases: z.array(z.string()),
  escalation_group: z.object({ channel: z.string(), chat_id: z.string() }).nullable(),
  sync_interval_sec: z.number().int(),
  is_active: z.boolean(),
  balance: z.number().nullable(),
  currency: z.string().nullable(),
  last_sync_at: isoOrNull,
  last_sync_error: z.string().nullable(),
  baseline_done: z.boolean(),
  service_count: z.number().int(),
  created_at: isoOrNull,
  updated_at: isoOrNull,
});

const service = z.object({
  id: z.string(),
  provider_id: z.string(),
  provider_name: z.string().nullable(),
  service_id: z.string(),
  name: z.string(),
  category: z.string().nullable(),
  type: z.string().nullable(),
  rate: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  refill: z.boolean().nullable(),
  cancel: z.boolean().nullable(),
  dripfeed: z.boolean().nullable(),
  is_new: z.boolean(),
  first_seen_at: isoOrNull,
  updated_at: isoOrNull,
  removed_at: isoOrNull,
});

const params = z.strictObject({ id: idParam });

/** Providers (CRUD and sync) and Service Search. API keys go in, never out. */
export function providerRoutes(scope: Scope): HttpRoute[] {
  const providers = new ProvidersService(scope);
  const tag = 'providers';
  const permission = 'dashboard.providers' as const;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/providers',
      permission,
      tag,
      summary: "The workspace's upstream providers with balance and last sync (never their API keys)",
      response: z.object({ items: z.array(provider) }),
      handler: async ({ tenant }) => ({ items: await providers.list(tenant) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/providers',
      permission,
      tag,
      summary: 'Add a provider (name, API URL, API key: stored sealed); then sync it',
      body: z.strictObject({
        name,
        url,
        api_key: apiKey,
        aliases: aliases.optional(),
        escalation_group: group.optional(),
        sync_interval_sec: interval.optional(),
        is_active: z.boolean().optional(),
      }),
      response: provider,
      handler: ({ tenant, body }) => providers.add(tenant, body),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/providers/:id',
      permission,
      tag,
      summary: 'Change a provider; a new api_key is sealed again, escalation_group null unmaps the group',
      params,
      body: z
        .strictObject({
          name,
          url,
          api_key: apiKey,
          aliases,
          escalation_group: group.nullable(),
          sync_interval_sec: interval,
          is_active: z.boolean(),
        })
        .partial(),
      response: provider,
      handler: ({ tenant, params, body }) => providers.update(tenant, params.id, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/providers/:id',
      permission,
      tag,
      summary: 'Delete a provider and its synced services (refused with 409 while it syncs)',
      params,
      response: okResponse,
      handler: ({ tenant, params }) => providers.remove(tenant, params.id),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/providers/:id/sync',
      permission,
      tag,
      summary: "Sync the provider's service catalog and balance now (skipped when a sync is running)",
      params,
      response: z.object({
        synced: z.boolean(),
        skipped: z.string().nullable(),
        summary: z
          .object({
            baseline: z.boolean(),
            added: z.number().int(),
            changed: z.number().int(),
            removed: z.number().int(),
            unchanged: z.number().int(),
            balance: z.number().nullable(),
            currency: z.string().nullable(),
            duration_ms: z.number(),
            new_service_ids: z.array(z.string()),
          })
          .nullable(),
      }),
      handler: ({ tenant, params }) => providers.sync(tenant, params.id),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/providers/services',
      permission: 'dashboard.services',
      tag,
      summary: 'Service Search: synced services by name fragment or service id, optionally of one provider',
      query: z.strictObject({
        q: z.string().trim().max(200).optional(),
        provider_id: idParam.optional(),
        sort: z.enum(['name', 'rate', 'updated_at', '-name', '-rate', '-updated_at']).default('name'),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        offset: z.coerce.number().int().min(0).default(0),
        only_new: queryBool().optional(),
        include_removed: queryBool().optional(),
      }),
      response: z.object({
        items: z.array(service),
        total: z.number().int(),
        limit: z.number().int(),
        offset: z.number().int(),
      }),
      handler: ({ tenant, query }) => providers.search(tenant, query),
    }),
  ];
}
