import { randomBytes } from 'node:crypto';
import { GreenApiChannel } from '@smmbot/channel-greenapi';
import { CloudApiChannel } from '@smmbot/channel-whatsapp-cloud';
import type { Channel, Clock, InboundMessage, Logger, TenantId, TurnResult } from '@smmbot/core';
import { RestError } from './http.js';

/** The runtime channel kinds that receive webhooks (served by the fixed routes of `channels-webhook-routes.ts`). */
export type WebhookChannelKind = 'whatsapp-cloud' | 'greenapi';

/** What a runtime Cloud API number keeps sealed (the ids too: one record, one secret). */
export interface CloudSecrets {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  graphBaseUrl: string;
}

/** What a runtime Green API instance keeps sealed. */
export interface GreenSecrets {
  idInstance: string;
  apiTokenInstance: string;
  apiUrl: string;
  webhookToken: string;
}

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com/v21.0';
export const DEFAULT_GREEN_API_URL = 'https://api.green-api.com';

/**
 * Where the owner's Graph / Green API URLs may point by default: the vendors' own hosts over https.
 * The host calls these URLs with the workspace's tokens and its customers' messages, so a workspace
 * must not be able to aim them at the host's internal network.
 */
export function vendorUrlAllowed(url: URL, kind: WebhookChannelKind): boolean {
  if (url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  if (kind === 'whatsapp-cloud') return host === 'graph.facebook.com';
  return ['green-api.com', 'greenapi.com'].some((d) => host === d || host.endsWith(`.${d}`));
}

/** A verify / webhook token for the owner to paste into Meta's or Green API's console. */
export const generateWebhookToken = () => randomBytes(24).toString('base64url');

/** The fixed public route a runtime webhook channel is served on (relative to the host's base URL). */
export function webhookPathOf(kind: WebhookChannelKind, tenant: TenantId, name: string): string {
  return `/webhooks/${kind}/${encodeURIComponent(tenant)}/${encodeURIComponent(name)}`;
}

/** Checks an owner-given API base URL against the host's policy: 400 when it may not be called. */
export function checkVendorUrl(
  raw: string,
  kind: WebhookChannelKind,
  allowed: (url: URL, kind: WebhookChannelKind) => boolean = vendorUrlAllowed,
): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RestError(400, 'E_VALIDATION', 'not a URL', ['the API base URL is not a URL']);
  }
  if (!allowed(url, kind)) {
    const field = kind === 'whatsapp-cloud' ? 'graph_base_url' : 'api_url';
    const issue = `${field}: ${url.origin} is not an allowed ${kind === 'whatsapp-cloud' ? 'Graph API' : 'Green API'} host`;
    throw new RestError(400, 'E_VALIDATION', issue, [issue]);
  }
  return raw;
}

interface WebhookBuildDeps {
  logger: Logger;
  clock: Clock;
  receive(message: InboundMessage): Promise<TurnResult>;
  accept(message: InboundMessage): Promise<void>;
}

interface WebhookBuildSpec {
  tenant: TenantId;
  /** The full channel name, `<tenant>.<short>`. */
  name: string;
  short: string;
  cloud?: CloudSecrets;
  green?: GreenSecrets;
}

/**
 * Builds a Cloud API number or a Green API instance exactly as its own plugin does (durable `accept`
 * wired, the same signature / token checks), with its webhook path set to the fixed route that
 * dispatches to it. Its `routes()` are never added to the server: the fixed routes call them.
 */
export function buildWebhookChannel(deps: WebhookBuildDeps, kind: WebhookChannelKind, spec: WebhookBuildSpec): Channel {
  const { tenant, name, short } = spec;
  const logger = deps.logger.child({ channel: name });
  const webhookPath = webhookPathOf(kind, tenant, short);
  if (kind === 'whatsapp-cloud') {
    if (!spec.cloud) throw new Error(`runtime channel "${name}" has no Cloud API settings`);
    const channel = new CloudApiChannel(
      { name, tenant, ...spec.cloud, webhookPath, timeoutMs: 15_000, groups: false },
      logger,
      deps.clock,
    );
    channel.connect(deps.receive, deps.accept);
    return channel;
  }
  if (!spec.green) throw new Error(`runtime channel "${name}" has no Green API settings`);
  const channel = new GreenApiChannel(
    {
      name,
      tenant,
      ...spec.green,
      webhookPath,
      timeoutMs: 15_000,
      checkNumberCacheMs: 24 * 60 * 60_000,
      checkStateOnStart: true,
    },
    logger,
    deps.clock,
  );
  channel.connect(deps.receive, deps.accept);
  return channel;
}
