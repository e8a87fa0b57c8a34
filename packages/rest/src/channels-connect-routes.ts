import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import type { RuntimeChannels } from './channels-connect.js';
import { channelItem, kindOf } from './channels/service.js';
import { defineRoute, okResponse } from './http.js';

/** The owner's short name; the channel is registered as `<workspace>.<name>`. */
const shortName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, '1-40 characters a-z, 0-9 and -, starting with a letter or digit');

const connectBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('telegram'),
    token: z
      .string()
      .regex(/^\d{1,20}:[\w-]{1,200}$/, 'a bot token from @BotFather, like 123456789:AAH...')
      .describe('never returned; stored sealed'),
    name: shortName.optional().describe('default: tg-<bot id>'),
  }),
  z.strictObject({
    kind: z.literal('whatsapp'),
    name: shortName.optional().describe('default: wa-<random>'),
    pairing_phone: z
      .string()
      .transform((s) => s.replace(/[\s+()-]/g, ''))
      .pipe(z.string().regex(/^\d{7,15}$/, 'digits with country code, e.g. 79001234567'))
      .optional()
      .describe('log in with a pairing code for this number instead of a QR scan'),
  }),
]);

const connected = z.object({
  name: z.string().describe('the channel name: GET /channels/:name/login, DELETE /channels/:name'),
  kind: z.string(),
  login_available: z.boolean(),
  link: z
    .object({
      state: z.enum(['connected', 'connecting', 'disconnected', 'logged_out', 'banned']),
      reason: z.string().nullable(),
      code: z.number().nullable(),
    })
    .nullable(),
});

/**
 * Connecting channels at runtime: a Telegram bot by token, a new WhatsApp number (then read its QR or
 * pairing code from `GET /channels/:name/login`), and removing what was connected this way.
 */
export function channelConnectRoutes(runtime: RuntimeChannels): HttpRoute[] {
  const tag = 'channels';
  const permission = 'dashboard.settings' as const;
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/channels',
      permission,
      tag,
      summary: 'Connect a channel: a Telegram bot (token) or a new WhatsApp number (QR or pairing code)',
      body: connectBody,
      response: connected,
      handler: async ({ tenant, body }) => {
        const channel = await runtime.connect(
          tenant,
          body.kind === 'telegram'
            ? { kind: 'telegram', token: body.token, ...(body.name ? { name: body.name } : {}) }
            : {
                kind: 'whatsapp',
                ...(body.name ? { name: body.name } : {}),
                ...(body.pairing_phone ? { pairingPhone: body.pairing_phone } : {}),
              },
        );
        const item = channelItem(channel);
        return { name: channel.name, kind: kindOf(channel), login_available: item.login_available, link: item.link };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/channels/:name',
      permission,
      tag,
      summary: 'Disconnect a channel connected from the dashboard (stops it; forgets its token or login)',
      params: z.strictObject({ name: z.string().min(1).max(200) }),
      response: okResponse,
      handler: async ({ tenant, params }) => {
        await runtime.disconnect(tenant, params.name);
        return { ok: true as const };
      },
    }),
  ];
}
