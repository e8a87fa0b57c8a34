import type { HttpRoute } from '@smmbot/core';
import { MAX_MARKETING_TEXT } from '@smmbot/support';
import { z } from 'zod';
import { defineRoute, idParam, isoOrNull, okResponse } from '../http.js';
import type { Scope } from '../scope.js';
import { MarketingRestService } from './service.js';

const message = z.object({
  id: z.string(),
  text: z.string(),
  enabled: z.boolean(),
  position: z.number().int(),
  created_at: isoOrNull,
  updated_at: isoOrNull,
});

const text = z.string().trim().min(1, 'a marketing message needs some text').max(MAX_MARKETING_TEXT);
const params = z.strictObject({ id: idParam });

/** Marketing: the rotating broadcast messages (add, edit, enable/disable, delete, reorder). */
export function marketingRoutes(scope: Scope): HttpRoute[] {
  const service = new MarketingRestService(scope);
  const tag = 'marketing';
  const permission = 'dashboard.marketing' as const;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/marketing/messages',
      permission,
      tag,
      summary: 'The broadcast messages in rotation order, and when the next broadcast is due',
      response: z.object({
        items: z.array(message),
        marketing_enabled: z.boolean(),
        interval_hours: z.number().int(),
        jitter_minutes: z.number().int(),
        next_broadcast_at: isoOrNull,
      }),
      handler: ({ tenant }) => service.list(tenant),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/marketing/messages',
      permission,
      tag,
      summary: 'Add a message at the end of the rotation (WhatsApp formatting kept)',
      body: z.strictObject({ text, enabled: z.boolean().optional() }),
      response: message,
      handler: ({ tenant, body }) => service.add(tenant, body.text, body.enabled),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/marketing/messages/:id',
      permission,
      tag,
      summary: "Change a message's text or enable/disable it",
      params,
      body: z
        .strictObject({ text, enabled: z.boolean() })
        .partial()
        .refine((b) => Object.keys(b).length > 0, 'give text or enabled'),
      response: message,
      handler: ({ tenant, params, body }) => service.update(tenant, params.id, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/marketing/messages/:id',
      permission,
      tag,
      summary: 'Delete a message; the rotation goes on with the next one',
      params,
      response: okResponse,
      handler: ({ tenant, params }) => service.remove(tenant, params.id),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/marketing/messages/reorder',
      permission,
      tag,
      summary: 'Set the rotation order: every message id of the workspace, once each',
      body: z.strictObject({ ids: z.array(idParam).max(1000) }),
      response: z.object({ items: z.array(message) }),
      handler: ({ tenant, body }) => service.reorder(tenant, body.ids),
    }),
  ];
}
