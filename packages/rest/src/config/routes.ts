import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import { defineRoute } from '../http.js';
import type { Scope } from '../scope.js';
import { checkPanel } from './panel-check.js';
import { ConfigService } from './service.js';

const value = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const configItem = z.object({
  key: z.string(),
  value,
  is_set: z.boolean(),
  secret: z.boolean(),
  kind: z.string(),
  description: z.string(),
  allowed_values: z.array(z.string()).nullable(),
  tab: z.enum(['panel', 'general', 'marketing']),
});

const webhookInfo = z.object({
  ticket_ai_enabled: z.boolean(),
  poll_subject: z.string(),
  poll_interval_seconds: z.number().int(),
  delivery: z.literal('polling'),
  webhook_url: z.string().nullable(),
  key_set: z.boolean(),
  note: z.string(),
});

const panelCheck = z.object({
  configured: z.boolean(),
  panel: z.string().nullable(),
  reachable: z.boolean(),
  key_valid: z.boolean().nullable(),
  capabilities: z.array(z.string()),
  checks: z.array(z.object({ capability: z.string(), status: z.string(), detail: z.string() })),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
});

/** Bot Settings: GET/PATCH /api/v1/config, the ticket webhook key, and the panel check. */
export function configRoutes(scope: Scope): HttpRoute[] {
  const service = new ConfigService(scope);
  const tag = 'config';
  const permission = 'dashboard.settings' as const;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/config',
      permission,
      tag,
      summary: "The workspace's bot_config: every key with its value (secrets masked), kind and settings tab",
      response: z.object({ items: z.array(configItem) }),
      handler: async ({ tenant }) => ({ items: await service.list(tenant) }),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/config',
      permission,
      tag,
      summary: 'Set one bot_config key (checked like !config set; null resets it); live from the next message',
      body: z.strictObject({ key: z.string().trim().min(1).max(100), value }),
      response: z.object({ item: configItem, rescheduled: z.array(z.string()) }),
      handler: ({ tenant, body }) => service.set(tenant, body.key, body.value),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/config/ticket-webhook-info',
      permission,
      tag,
      summary: 'How panel tickets reach the bot (polling), and whether a webhook key is set',
      response: webhookInfo,
      handler: ({ tenant }) => service.ticketWebhookInfo(tenant),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/config/regenerate-webhook-key',
      permission,
      tag,
      summary: 'Replace the ticket webhook key with a new random one (shown once, stored sealed)',
      response: z.object({ key: z.string(), key_set: z.literal(true) }),
      handler: ({ tenant }) => service.regenerateWebhookKey(tenant),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/config/validate-panel',
      permission,
      tag,
      summary: "Check the workspace's panel: reachable, key accepted, capabilities, probed endpoints",
      response: panelCheck,
      handler: ({ tenant }) => checkPanel(scope, tenant),
    }),
  ];
}
