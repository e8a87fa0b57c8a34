import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import { defineRoute, idParam, isoOrNull, okResponse, paging } from '../http.js';
import type { Scope } from '../scope.js';
import { GroupsService } from './service.js';

const group = z.object({
  id: z.string().describe('`<channel>:<chat id>`'),
  channel: z.string(),
  chat_id: z.string(),
  title: z.string().nullable(),
  support_enabled: z.boolean(),
  marketing_enabled: z.boolean(),
  silent_mode: z.boolean(),
  first_seen_at: isoOrNull,
  last_message_at: isoOrNull,
});

const page = { total: z.number().int(), page: z.number().int(), limit: z.number().int() };

/** Groups: list, the three flags, forget, sync from channels that can list their groups. */
export function groupRoutes(scope: Scope): HttpRoute[] {
  const service = new GroupsService(scope);
  const tag = 'groups';
  const permission = 'dashboard.groups' as const;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/groups',
      permission,
      tag,
      summary: 'The groups the bot has seen, most recently active first, with their flags',
      query: z.strictObject(paging),
      response: z.object({ items: z.array(group), ...page }),
      handler: ({ tenant, query }) => service.list(tenant, query.page, query.limit),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/groups/:id',
      permission,
      tag,
      summary: 'Toggle support, marketing and silent mode of a group (applies from the next message)',
      params: z.strictObject({ id: idParam }),
      body: z
        .strictObject({ support_enabled: z.boolean(), marketing_enabled: z.boolean(), silent_mode: z.boolean() })
        .partial()
        .refine(
          (b) => Object.keys(b).length > 0,
          'give at least one of support_enabled, marketing_enabled, silent_mode',
        ),
      response: group,
      handler: ({ tenant, params, body }) => service.patch(tenant, params.id, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/groups/:id',
      permission,
      tag,
      summary: 'Forget a group (it is registered again, support on, if it writes again)',
      params: z.strictObject({ id: idParam }),
      response: okResponse,
      handler: ({ tenant, params }) => service.remove(tenant, params.id),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/groups/sync',
      permission,
      tag,
      summary: 'Add the groups channels can list (none of the bundled ones can yet) and return all groups',
      response: z.object({
        sources: z.array(z.string()),
        added: z.number().int(),
        updated: z.number().int(),
        note: z.string(),
        items: z.array(group),
        total: z.number().int(),
      }),
      handler: ({ tenant }) => service.sync(tenant),
    }),
  ];
}
