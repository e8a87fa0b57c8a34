import path from 'node:path';
import type { HostConfig, PluginInput } from '@smmbot/core';
import { memoryStorage } from '@smmbot/storage-memory';
import { postgresStorage } from '@smmbot/storage-postgres';
import { redisStorage } from '@smmbot/storage-redis';
import { sqliteStorage } from '@smmbot/storage-sqlite';

/**
 * The storage plugins a config names: records and the key-value side from SQLite (the embedded
 * default), memory or PostgreSQL; with `redis`, the key-value side (dedupe claims, locks, cooldowns)
 * moves to Redis so every process shares it. Listed first, Redis after the records plugin: the last
 * registration of a token wins.
 */
export function storagePlugins(config: HostConfig, cwd: string): PluginInput[] {
  const s = config.storage;
  const records =
    s.driver === 'memory'
      ? memoryStorage()
      : s.driver === 'postgres'
        ? postgresStorage({
            url: s.url,
            ...(s.schema ? { schema: s.schema } : {}),
            ...(s.poolMax ? { pool: { max: s.poolMax } } : {}),
            // With Redis the key-value side lives there; PostgreSQL keeps only the records.
            kv: !config.redis,
          })
        : sqliteStorage({ path: s.path === ':memory:' ? ':memory:' : path.resolve(cwd, s.path) });
  if (!config.redis) return [records];
  return [records, redisStorage({ url: config.redis.url, prefix: config.redis.prefix })];
}
