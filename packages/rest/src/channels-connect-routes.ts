import type { HttpRoute } from '@smmbot/core';
import { z } from 'zod';
import type { ConnectInput, RuntimeChannels } from './channels-connect.js';
import { type ConnectBody, connectBody, connectedResponse } from './channels-connect-schema.js';
import { channelItem, kindOf } from './channels/service.js';
import { defineRoute, okResponse } from './http.js';

/** The request in the service's terms (snake_case at the edge, camelCase inside). */
function connectInput(body: ConnectBody): ConnectInput {
  const name = body.name ? { name: body.name } : {};
  switch (body.kind) {
    case 'telegram':
      return { kind: 'telegram', token: body.token, ...name };
    case 'whatsapp':
      return { kind: 'whatsapp', ...name, ...(body.pairing_phone ? { pairingPhone: body.pairing_phone } : {}) };
    case 'whatsapp-cloud':
      return {
        kind: 'whatsapp-cloud',
        ...name,
        phoneNumberId: body.phone_number_id,
        accessToken: body.access_token,
        appSecret: body.app_secret,
        ...(body.verify_token ? { verifyToken: body.verify_token } : {}),
        ...(body.graph_base_url ? { graphBaseUrl: body.graph_base_url } : {}),
      };
    case 'greenapi':
      return {
        kind: 'greenapi',
        ...name,
        idInstance: body.id_instance,
        apiTokenInstance: body.api_token_instance,
        ...(body.api_url ? { apiUrl: body.api_url } : {}),
        ...(body.webhook_token ? { webhookToken: body.webhook_token } : {}),
      };
  }
}

/**
 * Connecting channels at runtime: a Telegram bot by token, a new WhatsApp number (then read its QR or
 * pairing code from `GET /channels/:name/login`), a Cloud API number or a Green API instance (then
 * point the vendor's webhook at `webhook_url`), and removing what was connected this way. Owner only
 * (`dashboard.channels`): a channel speaks for the whole workspace.
 */
export function channelConnectRoutes(runtime: RuntimeChannels): HttpRoute[] {
  const tag = 'channels';
  const permission = 'dashboard.channels' as const;
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/channels',
      permission,
      tag,
      summary:
        'Connect a channel: a Telegram bot (token), a new WhatsApp number (QR or pairing code), a WhatsApp Cloud API number or a Green API instance (webhooks)',
      body: connectBody,
      response: connectedResponse,
      handler: async ({ tenant, body }) => {
        const { channel, webhook } = await runtime.connect(tenant, connectInput(body));
        const item = channelItem(channel);
        return {
          name: channel.name,
          kind: kindOf(channel),
          login_available: item.login_available,
          link: item.link,
          ...(webhook ? { webhook_url: webhook.path } : {}),
          ...(webhook?.verifyToken ? { verify_token: webhook.verifyToken } : {}),
          ...(webhook?.webhookToken ? { webhook_token: webhook.webhookToken } : {}),
        };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/channels/:name',
      permission,
      tag,
      summary:
        'Disconnect a channel connected from the dashboard (stops it; forgets its tokens or login; its webhook answers 404)',
      params: z.strictObject({ name: z.string().min(1).max(200) }),
      response: okResponse,
      handler: async ({ tenant, params }) => {
        await runtime.disconnect(tenant, params.name);
        return { ok: true as const };
      },
    }),
  ];
}
