import { type HttpRequest, type HttpResponse, type HttpRoute, httpError } from '@smmbot/core';
import { z } from 'zod';
import type { RuntimeChannels } from './channels-connect.js';
import type { WebhookChannelKind } from './channels-webhook-build.js';
import { okResponse, PLUGIN_NAME } from './http.js';

/**
 * Bounded but otherwise open: an unknown workspace or name must be the same 404 as a missing channel,
 * not a 400 that tells a caller which ids are well-formed.
 */
const params = z.strictObject({
  workspace: z.string().min(1).max(200).describe('the workspace id'),
  name: z.string().min(1).max(200).describe('the short channel name given at connect (without the workspace)'),
});

/** Meta's subscription check; other query keys are ignored. */
const verification = z.looseObject({
  'hub.mode': z.string().optional().describe('subscribe'),
  'hub.verify_token': z.string().optional().describe('the verify_token shown once when the channel was connected'),
  'hub.challenge': z.string().optional().describe('echoed back as text/plain when the token matches'),
});

/** The body is validated by the channel after the signature / token check, so a stranger learns nothing from a 400. */
const event = (what: string) => z.unknown().describe(`${what}, as the vendor sends it (checked by the channel)`);

/** Not the REST API (`/api/v1`, sessions): named apart, as `@smmbot/channel-webchat:workspaces` is. */
export const WEBHOOKS_PLUGIN = `${PLUGIN_NAME}:webhooks`;

/** The host's one error shape, documented for the answers these public routes give besides 200. */
const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.string()).optional() }),
});
const unknownChannel = errorBody.describe('no live channel of this kind, workspace and name');

const noSuchWebhook = () => httpError(404, 'E_NOT_FOUND', 'no such webhook');

/**
 * The fixed public webhook routes of runtime Cloud API and Green API channels, registered once at
 * boot (routes cannot be added to a server that is listening). Each request is handed to the live
 * channel's own route handler, so signature / token checks, the durable accept and dedupe are the
 * static channel's. An unknown workspace, name or kind — or a channel just removed — is a 404 that
 * says nothing more.
 */
export function channelWebhookRoutes(runtime: RuntimeChannels): HttpRoute[] {
  const dispatch =
    (kind: WebhookChannelKind, method: 'GET' | 'POST') =>
    async (req: HttpRequest): Promise<HttpResponse> => {
      const { workspace, name } = req.params as z.output<typeof params>;
      const handler = runtime.webhookHandler(workspace, name, kind, method);
      return handler ? handler(req) : noSuchWebhook();
    };
  const route = (
    method: 'GET' | 'POST',
    kind: WebhookChannelKind,
    schema: NonNullable<HttpRoute['schema']>,
  ): HttpRoute => ({
    method,
    path: `/webhooks/${kind}/:workspace/:name`,
    plugin: WEBHOOKS_PLUGIN,
    // Public: the vendor calls it; the channel checks the signature (Cloud API) or bearer token (Green API).
    auth: { kind: 'public' },
    schema: { ...schema, params, tags: ['channel webhooks'] },
    handler: dispatch(kind, method),
  });
  return [
    route('GET', 'whatsapp-cloud', {
      summary: "WhatsApp Cloud API webhook verification (Meta's hub.verify_token handshake) of a runtime channel",
      query: verification,
      response: {
        200: z.string().describe('the hub.challenge, as text/plain'),
        403: errorBody.describe('wrong hub.verify_token or hub.mode'),
        404: unknownChannel,
      },
    }),
    route('POST', 'whatsapp-cloud', {
      summary: 'WhatsApp Cloud API webhook events of a runtime channel (X-Hub-Signature-256 with the app secret)',
      body: event('a WhatsApp Business Account webhook'),
      response: {
        200: okResponse,
        401: errorBody.describe('missing or wrong X-Hub-Signature-256'),
        404: unknownChannel,
        503: errorBody.describe('not stored (stopping): Meta delivers it again'),
      },
    }),
    route('POST', 'greenapi', {
      summary: 'Green API webhook of a runtime channel (Authorization: Bearer <webhook_token>)',
      body: event('a Green API notification'),
      response: {
        200: okResponse,
        401: errorBody.describe('missing or wrong bearer token'),
        404: unknownChannel,
        503: errorBody.describe('not stored (stopping): Green API delivers it again'),
      },
    }),
  ];
}
