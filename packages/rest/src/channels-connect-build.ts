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
import { RestError } from './http.js';

/** What a runtime channel keeps sealed. */
export interface ChannelSecrets {
  token?: string;
  pairingPhone?: string;
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
  name: string;
  kind: 'telegram' | 'whatsapp';
  secret: ChannelSecrets;
}

/**
 * Builds a runtime channel wired to the engine: a Telegram bot in long-polling mode (no webhook route
 * has to be added to a running server; inbound through `accept`), or a Baileys number that keeps its
 * QR / pairing code for the dashboard (never printed).
 */
export function buildChannel(deps: BuildDeps, spec: BuildSpec): Channel {
  const { container, logger, clock, options } = deps;
  const { tenant, name, kind, secret } = spec;
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

/** A start failure as the dashboard sees it: a refused token is the owner's to fix (400), the rest is upstream (502). */
export function refusal(err: unknown, kind: 'telegram' | 'whatsapp', token?: string): RestError {
  const what = kind === 'telegram' ? 'Telegram' : 'WhatsApp';
  const raw = err instanceof Error ? err.message : String(err);
  // Network errors name the Bot API URL, which carries the token.
  const message = token ? raw.split(token).join('<token>') : raw;
  if (err instanceof ChannelError && !err.retryable) {
    return new RestError(400, 'E_VALIDATION', `${what} refused the connection: ${message}`, [message]);
  }
  return new RestError(502, 'E_UNAVAILABLE', `${what} could not be reached: ${message}`);
}
