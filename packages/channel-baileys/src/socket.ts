import type { Clock, KeyValueStore, Logger, SecretBox } from '@smmbot/core';
import type { AuthenticationState } from '@whiskeysockets/baileys';
import { isBroadcastJid } from './jid.js';
import type { ChannelStatus, ReconnectPolicy } from './reconnect.js';

// biome-ignore lint/suspicious/noExplicitAny: Baileys' emitter is typed per event name; ours is not.
export type Listener = (...args: any[]) => void;

/** The members of a Baileys socket the channel uses; the fake socket in tests implements only these. */
export interface BaileysSocketLike {
  ev: {
    on(event: string, listener: Listener): unknown;
    off?(event: string, listener: Listener): unknown;
  };
  /** `options.messageId` overrides the id Baileys would generate (`generateMessageIDV2`). */
  sendMessage(
    jid: string,
    content: { text: string },
    options?: { messageId?: string },
  ): Promise<{ key?: { id?: string | null } } | undefined>;
  sendPresenceUpdate(
    type: 'available' | 'unavailable' | 'composing' | 'recording' | 'paused',
    jid?: string,
  ): Promise<void>;
  presenceSubscribe?(jid: string): Promise<void>;
  onWhatsApp(...jids: string[]): Promise<{ jid: string; exists: boolean | unknown }[] | undefined>;
  requestPairingCode(phone: string): Promise<string>;
  groupMetadata?(jid: string): Promise<{ id: string; subject?: string }>;
  /** Asks WhatsApp for the account's reach-out timelock; the answer comes as `connection.update`. */
  fetchAccountReachoutTimelock?(): Promise<unknown>;
  end(error: Error | undefined): void;
  user?: { id: string; lid?: string } | undefined;
}

/** What the channel hands the socket factory (a subset of Baileys' `UserFacingSocketConfig`). */
export interface BaileysSocketConfig {
  auth: AuthenticationState;
  logger: Logger;
  markOnlineOnConnect: boolean;
  shouldIgnoreJid: (jid: string) => boolean;
  getMessage: (key: unknown) => Promise<undefined>;
  waWebSocketUrl?: string;
  version?: [number, number, number];
  browser?: [string, string, string];
  connectTimeoutMs?: number;
}

/** The config of one connection attempt: never online on connect, broadcasts and newsletters ignored. */
export function socketConfig(
  options: BaileysChannelOptions,
  auth: AuthenticationState,
  logger: Logger,
): BaileysSocketConfig {
  const config: BaileysSocketConfig = {
    auth,
    logger,
    markOnlineOnConnect: false,
    shouldIgnoreJid: (jid) => isBroadcastJid(jid),
    getMessage: async () => undefined,
  };
  if (options.waWebSocketUrl) config.waWebSocketUrl = options.waWebSocketUrl;
  if (options.version) config.version = options.version;
  if (options.browser) config.browser = options.browser;
  if (options.connectTimeoutMs) config.connectTimeoutMs = options.connectTimeoutMs;
  return config;
}

export type SocketFactory = (config: BaileysSocketConfig) => BaileysSocketLike | Promise<BaileysSocketLike>;

/** The real `makeWASocket`, loaded on first use (unit tests with a fake socket never load Baileys' socket). */
export const defaultSocketFactory: SocketFactory = async (config) => {
  const baileys = await import('@whiskeysockets/baileys');
  const { auth, ...rest } = config;
  const keys = baileys.makeCacheableSignalKeyStore(auth.keys, config.logger as never);
  return baileys.makeWASocket({ ...rest, auth: { creds: auth.creds, keys } } as never) as unknown as BaileysSocketLike;
};

export interface BaileysChannelOptions {
  name: string;
  tenant: string;
  /** Print each QR to the terminal (stdout) as well as keeping it for the dashboard. */
  printQr: boolean;
  /** Digits with country code: log in with a pairing code instead of a QR scan. */
  pairingPhone?: string;
  waWebSocketUrl?: string;
  version?: [number, number, number];
  browser?: [string, string, string];
  connectTimeoutMs?: number;
  /** Baileys' own log level (it is chatty below `warn`). */
  baileysLogLevel: string;
  reconnect?: Partial<ReconnectPolicy>;
  /** How long an `onWhatsApp` answer is cached. */
  onWhatsAppCacheMs: number;
}

export interface BaileysChannelDeps {
  kv: KeyValueStore;
  secrets: SecretBox;
  logger: Logger;
  clock: Clock;
  createSocket?: SocketFactory;
  /** Where `printQr` writes; stdout by default. */
  print?: (text: string) => void;
  random?: () => number;
}

export interface LoginInfo {
  status: ChannelStatus;
  qr?: string;
  pairingCode?: string;
  /** Why the channel stopped or is reconnecting, when it did. */
  reason?: string;
  /** The close code behind `reason` (`lastDisconnect.error.output.statusCode`), when there was one. */
  code?: number;
}

export interface ConnectionUpdate {
  connection?: 'connecting' | 'open' | 'close';
  lastDisconnect?: { error?: unknown; date?: Date };
  qr?: string;
  isNewLogin?: boolean;
  /** 7.x: the account may not start new chats until `timeEnforcementEnds` (Baileys' `ReachoutTimelockState`). */
  reachoutTimeLock?: ReachoutTimelockLike;
}

/** Baileys' `ReachoutTimelockState`: `isActive`, `timeEnforcementEnds` (a Date), `enforcementType`. */
export interface ReachoutTimelockLike {
  isActive?: boolean;
  timeEnforcementEnds?: Date | string | number;
  enforcementType?: string;
}
