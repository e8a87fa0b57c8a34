import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import { defineRoute } from '../http.js';
import type { Scope } from '../scope.js';
import { ChannelsService } from './service.js';

const link = z
  .object({
    state: z.enum(['connected', 'connecting', 'disconnected', 'logged_out', 'banned']),
    reason: z.string().nullable(),
    code: z.number().nullable(),
  })
  .nullable()
  .describe('null for channels without a login (webhooks, bots)');

const channel = z.object({
  name: z.string(),
  kind: z.string().describe('whatsapp-web, whatsapp-cloud, greenapi, telegram, webchat, panel-tickets or other'),
  link,
  login_available: z.boolean().describe('GET /channels/:name/login gives a QR or pairing code'),
  capabilities: z.object({
    groups: z.boolean(),
    typing: z.boolean(),
    formatting: z.string(),
    max_text_length: z.number().int(),
    anti_ban: z.boolean(),
  }),
});

/**
 * Channels: each one's state (`dashboard.settings`: staff admin and owner see the numbers' health);
 * the WhatsApp (Baileys) login to show as a QR or pairing code (`dashboard.channels`: logging a
 * number in is connecting it, the owner's).
 */
export function channelRoutes(scope: Scope): HttpRoute[] {
  const service = new ChannelsService(scope);
  const tag = 'channels';
  const permission = 'dashboard.settings' as const;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/channels',
      permission,
      tag,
      summary: "The workspace's channels with their kind, link state and capabilities",
      response: z.object({ items: z.array(channel) }),
      handler: ({ tenant }) => service.list(tenant),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/channels/:name/login',
      permission: 'dashboard.channels',
      tag,
      summary: "A WhatsApp Web (Baileys) channel's login: status, QR string to render, pairing code",
      params: z.strictObject({ name: z.string().min(1).max(200) }),
      response: z.object({
        name: z.string(),
        kind: z.string(),
        status: z.string().describe('idle, connecting, qr, open, reconnecting, logged_out, banned, failed, stopped'),
        qr: z.string().nullable().describe('the QR payload while status is qr: render it as a QR code'),
        pairing_code: z.string().nullable(),
        reason: z.string().nullable(),
        code: z.number().nullable(),
        link,
      }),
      handler: ({ tenant, params }) => service.login(tenant, params.name),
    }),
  ];
}
