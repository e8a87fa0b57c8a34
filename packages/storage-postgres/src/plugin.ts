import { type BotPlugin, type Clock, definePlugin, type Logger, Tokens } from '@smmbot/core';
import { z } from 'zod';
import { createPostgresStorage, type PostgresStorage } from './backend.js';

/** tsyringe's container, as plugins receive it (tsyringe itself is core's dependency, not ours). */
type Container = Parameters<NonNullable<BotPlugin['register']>>[0];

export const PLUGIN_NAME = '@smmbot/storage-postgres';
export const DEFAULT_SCHEMA = 'public';

export const postgresOptions = z.object({
  url: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL'),
  schema: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'expected a schema name: letters, digits and _')
    .default(DEFAULT_SCHEMA),
  pool: z.object({ max: z.number().int().min(1).max(1000).default(10) }).default({ max: 10 }),
  /** false: register only the record store, and take the key-value store from another plugin (e.g. Redis). */
  kv: z.boolean().default(true),
});

/**
 * Registers a PostgreSQL RecordStore (Tokens.Store) and, unless `kv: false`, a KeyValueStore
 * (Tokens.Kv), sharing one pool. The pool is made on first resolve, with the engine's Clock
 * (Tokens.Clock); it is ended when the stores handed out are closed, and made again if resolved after.
 */
export const postgresStorage = definePlugin({
  name: PLUGIN_NAME,
  options: postgresOptions,
  setup: (options) => {
    let storage: PostgresStorage | undefined;
    const open = (c: Container): PostgresStorage => {
      if (storage && !storage.closed) return storage;
      const logger = c.isRegistered(Tokens.Logger, true) ? (c.resolve(Tokens.Logger) as Logger) : undefined;
      storage = createPostgresStorage({
        url: options.url,
        schema: options.schema,
        poolMax: options.pool.max,
        clock: c.resolve<Clock>(Tokens.Clock),
        warn: (message) => logger?.warn({ plugin: PLUGIN_NAME }, message),
      });
      // Without the kv half in use, the pool must end when the record store closes.
      if (!options.kv) void storage.kv.close();
      return storage;
    };
    return {
      name: PLUGIN_NAME,
      register(container) {
        container.register(Tokens.Store, { useFactory: (c) => open(c).records });
        if (options.kv) container.register(Tokens.Kv, { useFactory: (c) => open(c).kv });
      },
    };
  },
});
