import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import { defineRoute, isoOrNull } from '../http.js';
import type { Scope } from '../scope.js';
import { TemplatesService } from './service.js';

const template = z.object({
  key: z.string(),
  default: z.string(),
  override: z.string().nullable().describe("the workspace's text; null when not set (or reset)"),
  effective: z.string().describe('what custom mode sends: the override unless blank, else the default'),
  vars: z.array(z.string()).describe('the {variables} the text may use'),
  updated_at: isoOrNull,
});

const params = z.strictObject({ key: z.string().min(1).max(100) });

/** Message templates: list, set one key, reset one key to its default. */
export function templateRoutes(scope: Scope): HttpRoute[] {
  const service = new TemplatesService(scope);
  const tag = 'templates';
  const permission = 'dashboard.templates' as const;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/templates',
      permission,
      tag,
      summary: 'Every reply template: default text, the workspace override, the effective text and its variables',
      response: z.object({ items: z.array(template) }),
      handler: async ({ tenant }) => ({ items: await service.list(tenant) }),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/templates/:key',
      permission,
      tag,
      summary: "Set a template's text (only its own {variables}); used from the next message",
      params,
      body: z.strictObject({ value: z.string().max(4096) }),
      response: template,
      handler: ({ tenant, params, body }) => service.set(tenant, params.key, body.value),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/templates/:key/reset',
      permission,
      tag,
      summary: 'Drop the override: the key falls back to its default text',
      params,
      response: z.object({ item: template, had_override: z.boolean() }),
      handler: ({ tenant, params }) => service.reset(tenant, params.key),
    }),
  ];
}
