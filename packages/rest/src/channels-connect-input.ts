import { createHash, randomBytes } from 'node:crypto';
import type { ChannelSecrets, RuntimeChannelKind, RuntimeChannelOptions } from './channels-connect-build.js';
import {
  checkVendorUrl,
  DEFAULT_GRAPH_BASE_URL,
  DEFAULT_GREEN_API_URL,
  generateWebhookToken,
} from './channels-webhook-build.js';

/** What the dashboard asks to connect (validated at the edge by the route's zod schema). */
export type ConnectInput =
  | { kind: 'telegram'; token: string; name?: string }
  | { kind: 'whatsapp'; name?: string; pairingPhone?: string }
  | {
      kind: 'whatsapp-cloud';
      name?: string;
      phoneNumberId: string;
      accessToken: string;
      appSecret: string;
      /** Generated when absent: the owner pastes it into Meta's webhook settings. */
      verifyToken?: string;
      graphBaseUrl?: string;
    }
  | {
      kind: 'greenapi';
      name?: string;
      idInstance: string;
      apiTokenInstance: string;
      apiUrl?: string;
      /** Generated when absent: the owner pastes it into the instance's `webhookUrlToken`. */
      webhookToken?: string;
    };

/** The sealed definition of a new channel, and what the owner is shown once to finish the setup. */
export interface PreparedChannel {
  short: string;
  secret: ChannelSecrets;
  /** What one live channel may be per installation (one bot, one number id, one instance). */
  identity?: string;
  /** The token to paste into Meta's (verify token) or Green API's (webhook token) console. */
  setupToken?: string;
}

/**
 * What makes two runtime channels the same upstream account: a Telegram bot polled twice, or one
 * Cloud API number / Green API instance served twice, would split or duplicate its messages.
 */
export function identityOf(kind: RuntimeChannelKind, secret: ChannelSecrets): string | undefined {
  if (kind === 'telegram' && secret.token) {
    return createHash('sha256').update(`smmbot-telegram:${secret.token}`).digest('hex');
  }
  if (kind === 'whatsapp-cloud' && secret.cloud) return `whatsapp-cloud:${secret.cloud.phoneNumberId}`;
  if (kind === 'greenapi' && secret.green) return `greenapi:${secret.green.idInstance}`;
  return undefined;
}

export function defaultName(input: ConnectInput): string {
  switch (input.kind) {
    case 'telegram': {
      const id = input.token.split(':')[0] ?? '';
      return /^\d{1,20}$/.test(id) ? `tg-${id}` : `tg-${randomBytes(3).toString('hex')}`;
    }
    case 'whatsapp-cloud':
      return `wac-${input.phoneNumberId}`.slice(0, 40);
    case 'greenapi':
      return `green-${input.idInstance}`.slice(0, 40);
    default:
      return `wa-${randomBytes(3).toString('hex')}`;
  }
}

/** Turns the request into the sealed definition: fills in generated tokens, checks owner-given URLs. */
export function prepareChannel(input: ConnectInput, options: RuntimeChannelOptions): PreparedChannel {
  const short = input.name ?? defaultName(input);
  let secret: ChannelSecrets;
  let setupToken: string | undefined;
  switch (input.kind) {
    case 'telegram':
      secret = { token: input.token };
      break;
    case 'whatsapp':
      secret = input.pairingPhone ? { pairingPhone: input.pairingPhone } : {};
      break;
    case 'whatsapp-cloud':
      setupToken = input.verifyToken ?? generateWebhookToken();
      secret = {
        cloud: {
          phoneNumberId: input.phoneNumberId,
          accessToken: input.accessToken,
          appSecret: input.appSecret,
          verifyToken: setupToken,
          graphBaseUrl: input.graphBaseUrl
            ? checkVendorUrl(input.graphBaseUrl, input.kind, options.apiUrlAllowed)
            : DEFAULT_GRAPH_BASE_URL,
        },
      };
      break;
    case 'greenapi':
      setupToken = input.webhookToken ?? generateWebhookToken();
      secret = {
        green: {
          idInstance: input.idInstance,
          apiTokenInstance: input.apiTokenInstance,
          apiUrl: input.apiUrl
            ? checkVendorUrl(input.apiUrl, input.kind, options.apiUrlAllowed)
            : DEFAULT_GREEN_API_URL,
          webhookToken: setupToken,
        },
      };
      break;
  }
  const identity = identityOf(input.kind, secret);
  return { short, secret, ...(identity ? { identity } : {}), ...(setupToken ? { setupToken } : {}) };
}
