import { type Clock, definePlugin, Tokens } from '@smmbot/core';
import { createSqliteStorage, type SqliteStorage } from './backend.js';
import { z } from 'zod';

export const PLUGIN_NAME = '@smmbot/storage-sqlite';
export const DEFAULT_PATH = './.smmbot/smmbot.db';

/**
 * Registers a SQLite RecordStore (Tokens.Store) and KeyValueStore (Tokens.Kv) sharing one database
 * file. The file is opened on first resolve, with the engine's Clock (Tokens.Clock); it is closed
 * when both stores are closed, and opened again if resolved after that.
 */
export const sqliteStorage = definePlugin({
  name: PLUGIN_NAME,
  options: z.object({ path: z.string().trim().min(1, 'expected a database file path').default(DEFAULT_PATH) }),
  setup: (options) => {
    let storage: SqliteStorage | undefined;
    const open = (clock: Clock): SqliteStorage => {
      if (!storage || storage.closed) storage = createSqliteStorage({ path: options.path, clock });
      return storage;
    };
    return {
      name: PLUGIN_NAME,
      register(container) {
        container.register(Tokens.Store, { useFactory: (c) => open(c.resolve(Tokens.Clock)).records });
        container.register(Tokens.Kv, { useFactory: (c) => open(c.resolve(Tokens.Clock)).kv });
      },
    };
  },
});
