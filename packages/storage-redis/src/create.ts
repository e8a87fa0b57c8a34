import { type Clock, SmmbotError } from '@smmbot/core';
import type { Redis, RedisOptions } from 'ioredis';
import { openTarget } from './connection.js';
import { KeyBuilder } from './keys.js';
import { RedisKeyValueStore } from './kv-store.js';

export const DEFAULT_PREFIX = 'smmbot';
export const DEFAULT_EXPIRY_GRACE_MS = 60_000;

export interface RedisKvOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`; the store opens and closes this connection. */
  url?: string;
  /** An ioredis client to share (e.g. with BullMQ); the caller keeps owning it and closes it. */
  client?: Redis;
  /** Every expiry is decided by this clock (the engine's `Tokens.Clock`). */
  clock: Clock;
  /** First part of every key: letters, digits, `_`, `-`, `.`. Default `smmbot`. */
  prefix?: string;
  /**
   * How long after its clock expiry Redis deletes a key by itself (the PEXPIRE backstop), in ms.
   * Covers drift between the injected clock and Redis's. Default 60 000.
   */
  expiryGraceMs?: number;
  /** Extra ioredis options for a connection opened from `url` (over the store's defaults). */
  redisOptions?: RedisOptions;
}

/**
 * Creates the Redis key-value store. With `url` it connects at once (commands issued before the
 * connection is up wait for it, briefly); with `client` it uses that connection as it is.
 */
export function createRedisKv(options: RedisKvOptions): RedisKeyValueStore {
  const grace = options.expiryGraceMs ?? DEFAULT_EXPIRY_GRACE_MS;
  if (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0) {
    throw new SmmbotError('E_CONFIG_INVALID', `expiryGraceMs must be a non-negative number of ms; got ${grace}`);
  }
  const keys = new KeyBuilder(options.prefix ?? DEFAULT_PREFIX);
  const target = openTarget(options);
  return new RedisKeyValueStore({ target, clock: options.clock, keys, expiryGraceMs: grace });
}
