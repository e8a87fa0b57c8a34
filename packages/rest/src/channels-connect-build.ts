import { BaileysChannel, type SocketFactory } from '@smmbot/channel-baileys';
import { TelegramChannel } from '@smmbot/channel-telegram';
import {
  type Channel,
  ChannelError,
  type Clock,
  type InboundMessage,
  type Logger,
  type SecretBox,
  type TenantId,
  Tokens,
  type TurnResult,
} from '@smmbot/core';
import type { DependencyContainer } from 'tsyringe';
import {
  buildWebhookChannel,
  type CloudSecrets,
  type GreenSecrets,
  type WebhookChannelKind,
} from './channels-webhook-build.js';
import { RestError } from './http.js';

export type RuntimeChannelKind = 'telegram' | 'whatsapp' | WebhookChannelKind;

/** What a runtime channel keeps sealed: one of these per kind. */
export interface ChannelSecrets {
  /** Telegram: the bot token. */
  token?: string;
  /** WhatsApp (Baileys): log in with a pairing code for this number. */
  pairingPhone?: string;
  /** WhatsApp Cloud API. */
  cloud?: CloudSecrets;
  /** Green API. */
  green?: GreenSecrets;
}

/** Host/test knobs for the channels built at runtime. */
export interface RuntimeChannelOptions {
  /** Bot API root for runtime Telegram bots (an emulator, a local Bot API server). */
  telegramApiRoot?: string;
  /** Replaces Baileys' `makeWASocket` (tests). */
  createSocket?: SocketFactory;
  /** Baileys settings shared by runtime WhatsApp numbers. */
  whatsapp?: {
    version?: [number, number, number];
    browser?: [string, string, string];
    waWebSocketUrl?: string;
    reconnect?: { baseDelayMs?: number; maxDelayMs?: number; jitter?: number; maxAttempts?: number };
  };
  /**
   * Whether an owner-given `graph_base_url` / `api_url` may be called. Default: https to Meta's Graph
   * host or Green API's hosts only (the host must not be aimed at its own network). Tests allow loopback.
   */
  apiUrlAllowed?: (url: URL, kind: WebhookChannelKind) => boolean;
}

interface BuildDeps {
  container: DependencyContainer;
  logger: Logger;
  clock: Clock;
  receive(message: InboundMessage): Promise<TurnResult>;
  accept(message: InboundMessage): Promise<void>;
  options: RuntimeChannelOptions;
  secrets(): SecretBox;
}

interface BuildSpec {
  tenant: TenantId;
  /** The full channel name, `<tenant>.<short>`. */
  name: string;
  short: string;
  kind: RuntimeChannelKind;
  secret: ChannelSecrets;
}

/**
 * Builds a runtime channel wired to the engine: a Telegram bot in long-polling mode (no webhook route
 * has to be added to a running server; inbound through `accept`), a Baileys number that keeps its
 * QR / pairing code for the dashboard (never printed), or a webhook channel (Cloud API, Green API)
 * served by the fixed dispatching routes.
 */
export function buildChannel(deps: BuildDeps, spec: BuildSpec): Channel {
  const { container, logger, clock, options } = deps;
  const { tenant, name, kind, secret } = spec;
  if (kind === 'whatsapp-cloud' || kind === 'greenapi') {
    return buildWebhookChannel(deps, kind, {
      tenant,
      name,
      short: spec.short,
      ...(secret.cloud ? { cloud: secret.cloud } : {}),
      ...(secret.green ? { green: secret.green } : {}),
    });
  }
  if (kind === 'telegram') {
    if (!secret.token) throw new Error(`runtime channel "${name}" has no token`);
    const channel = new TelegramChannel({
      name,
      tenantId: tenant,
      token: secret.token,
      mode: 'polling',
      clock,
      ...(options.telegramApiRoot ? { apiRoot: options.telegramApiRoot } : {}),
    });
    channel.connect(deps.receive, logger.child({ channel: name }), deps.accept);
    return channel;
  }
  const wa = options.whatsapp ?? {};
  const channel = new BaileysChannel(
    {
      name,
      tenant,
      printQr: false,
      baileysLogLevel: 'warn',
      onWhatsAppCacheMs: 24 * 60 * 60_000,
      ...(secret.pairingPhone ? { pairingPhone: secret.pairingPhone } : {}),
      ...(wa.version ? { version: wa.version } : {}),
      ...(wa.browser ? { browser: wa.browser } : {}),
      ...(wa.waWebSocketUrl ? { waWebSocketUrl: wa.waWebSocketUrl } : {}),
      ...(wa.reconnect ? { reconnect: wa.reconnect } : {}),
    },
    {
      kv: container.resolve(Tokens.Kv),
      secrets: deps.secrets(),
      logger: logger.child({ channel: name }),
      clock,
      ...(options.createSocket ? { createSocket: options.createSocket } : {}),
    },
  );
  channel.connect(deps.receive);
  return channel;
}

const VENDOR: Record<RuntimeChannelKind, string> = {
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  'whatsapp-cloud': 'WhatsApp Cloud API',
  greenapi: 'Green API',
};

/** The secret strings of a definition: cut out of any message that could reach the dashboard or a log. */
export function secretStrings(secret: ChannelSecrets): string[] {
  const { cloud, green } = secret;
  return [
    secret.token,
    cloud?.accessToken,
    cloud?.appSecret,
    cloud?.verifyToken,
    green?.apiTokenInstance,
    green?.webhookToken,
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/** A start failure as the dashboard sees it: a refused token is the owner's to fix (400), the rest is upstream (502). */
export function refusal(err: unknown, kind: RuntimeChannelKind, secrets: readonly string[] = []): RestError {
  const what = VENDOR[kind];
  const raw = err instanceof Error ? err.message : String(err);
  // Network errors name the API URL, which can carry the token (Bot API, Green API).
  const message = secrets.reduce((m, s) => m.split(s).join('<secret>'), raw);
  if (err instanceof ChannelError && !err.retryable) {
    return new RestError(400, 'E_VALIDATION', `${what} refused the connection: ${message}`, [message]);
  }
  return new RestError(502, 'E_UNAVAILABLE', `${what} could not be reached: ${message}`);
}
