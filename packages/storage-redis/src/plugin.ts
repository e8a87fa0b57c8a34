import { type Clock, definePlugin, Tokens } from '@smmbot/core';
import { z } from 'zod';
import { createRedisKv, DEFAULT_EXPIRY_GRACE_MS, DEFAULT_PREFIX } from './create.js';
import { PREFIX_PATTERN } from './keys.js';
import type { RedisKeyValueStore } from './kv-store.js';

export const PLUGIN_NAME = '@smmbot/storage-redis';

const redisUrl = z
  .string()
  .trim()
  .regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL');

/**
 * Registers a Redis KeyValueStore (Tokens.Kv) and nothing else: records stay with a records plugin
 * (SQLite or PostgreSQL). The engine registers plugins in the order they are listed and a token
 * resolves to its last registration, so list this plugin after the storage plugin whose key-value
 * half it replaces (the host puts its configured storage first, before every listed plugin).
 *
 * The connection opens on first resolve, with the engine's Clock (Tokens.Clock); closing the store
 * (the engine does on stop) quits it, and a resolve after that opens a new one.
 */
export const redisStorage = definePlugin({
  name: PLUGIN_NAME,
  options: z.object({
    url: redisUrl,
    prefix: z
      .string()
      .regex(PREFIX_PATTERN, 'expected letters, digits, "_", "-" or "." (no ":")')
      .default(DEFAULT_PREFIX),
    expiryGraceMs: z.number().int().nonnegative().default(DEFAULT_EXPIRY_GRACE_MS),
  }),
  setup: (options) => {
    let store: RedisKeyValueStore | undefined;
    const open = (clock: Clock): RedisKeyValueStore => {
      if (!store || store.closed) store = createRedisKv({ ...options, clock });
      return store;
    };
    return {
      name: PLUGIN_NAME,
      register(container) {
        container.register(Tokens.Kv, { useFactory: (c) => open(c.resolve(Tokens.Clock)) });
      },
    };
  },
});
