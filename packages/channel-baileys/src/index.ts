import { ConfigError, definePlugin, Tokens } from '@smmbot/core';
import { z } from 'zod';
import { BaileysChannel } from './channel.js';
import type { SocketFactory } from './socket.js';

export { type KvAuthState, type KvAuthStateOptions, useKvAuthState } from './auth-state.js';
export { BaileysChannel } from './channel.js';
export { type MessageUpdateLike, toDeliveryEvent, WA_STATUS } from './delivery.js';
export * from './jid.js';
export { LidMap } from './lid-map.js';
export { LinkTracker, TIMELOCK_CODE, type Timelock, timelockOf, toLinkStatus } from './link.js';
export { waMessageId } from './message-id.js';
export * from './normalize.js';
export * from './reconnect.js';
export { type SendErrorContext, sendError } from './send-error.js';
export {
  type BaileysChannelDeps,
  type BaileysChannelOptions,
  type BaileysSocketConfig,
  type BaileysSocketLike,
  defaultSocketFactory,
  type LoginInfo,
  type ReachoutTimelockLike,
  type SocketFactory,
} from './socket.js';

const versionTuple = z.tuple([z.number().int(), z.number().int(), z.number().int()]);

export const baileysOptions = z.object({
  /** Channel instance name, as it appears on messages and in logs. */
  name: z.string().min(1).default('whatsapp'),
  tenant: z.string().min(1).default('default'),
  /** Print the login QR (and pairing code) to the terminal; it is always kept for the dashboard. */
  printQr: z.boolean().default(true),
  /** Log in with a pairing code for this number (digits with country code) instead of scanning a QR. */
  pairingPhone: z
    .string()
    .transform((s) => s.replace(/[\s+()-]/g, ''))
    .pipe(z.string().regex(/^\d{7,15}$/, 'digits with country code, e.g. 79001234567'))
    .optional(),
  /** WA Web version triple; pass a current one (a stale built-in version fails with 405). */
  version: versionTuple.optional(),
  browser: z.tuple([z.string(), z.string(), z.string()]).optional(),
  /** Only for tests: point the socket at a local WebSocket server. */
  waWebSocketUrl: z.string().optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
  baileysLogLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  reconnect: z
    .object({
      baseDelayMs: z.number().int().nonnegative(),
      maxDelayMs: z.number().int().positive(),
      jitter: z.number().min(0).max(1),
      maxAttempts: z.number().int().positive(),
      maxReplaced: z.number().int().positive(),
      replacedWindowMs: z.number().int().positive(),
    })
    .partial()
    .optional(),
  onWhatsAppCacheMs: z
    .number()
    .int()
    .nonnegative()
    .default(24 * 60 * 60_000),
  /** Replaces `makeWASocket` (tests). */
  createSocket: z.custom<SocketFactory>((v) => typeof v === 'function').optional(),
});

/** WhatsApp Web through Baileys 7. Needs a storage plugin (auth state) and a SecretBox under `Tokens.Secrets`. */
export const baileys = definePlugin({
  name: '@smmbot/channel-baileys',
  options: baileysOptions,
  setup: (options) => {
    let channel: BaileysChannel | undefined;
    const name = options.name === 'whatsapp' ? '@smmbot/channel-baileys' : `@smmbot/channel-baileys:${options.name}`;
    return {
      name,
      register(container) {
        const logger = container.resolve(Tokens.Logger).child({ plugin: name });
        const { createSocket, ...rest } = options;
        channel = new BaileysChannel(rest, {
          get kv() {
            return container.resolve(Tokens.Kv);
          },
          get secrets() {
            if (!container.isRegistered(Tokens.Secrets, true)) {
              throw new ConfigError(
                `plugin "${name}" needs a SecretBox under Tokens.Secrets: WhatsApp auth state is stored encrypted`,
              );
            }
            return container.resolve(Tokens.Secrets);
          },
          logger,
          clock: container.resolve(Tokens.Clock),
          ...(createSocket ? { createSocket } : {}),
        });
        container.resolve(Tokens.Channels).add(channel);
      },
      apply({ receive }) {
        channel!.connect(receive);
      },
    };
  },
});

export default baileys;
