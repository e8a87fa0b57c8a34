import type { Clock, StorageBackend } from '@smmbot/core';
import { SqliteConnection } from './connection.js';
import { SqliteKeyValueStore } from './kv-store.js';
import { runMigrations } from './migrations.js';
import { SqliteRecordStore } from './record-store.js';

export interface SqliteStorageOptions {
  /** Database file; parent folders are created. `':memory:'` for a throwaway database. */
  path: string;
  /** Every TTL and `applied_at` time comes from this clock. */
  clock: Clock;
  /** How long a write waits for another process's lock (ms). Default 5000. */
  busyTimeoutMs?: number;
}

export interface SqliteStorage extends StorageBackend {
  records: SqliteRecordStore;
  kv: SqliteKeyValueStore;
  /** The shared connection (for inspection and tests; prefer the two stores). */
  readonly connection: SqliteConnection;
  readonly closed: boolean;
  /** Closes both stores and the file. Closing both `records` and `kv` does the same. */
  close(): Promise<void>;
}

/** Opens (or creates) the database, applies pending migrations, and returns both storage halves. */
export function createSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const connection = new SqliteConnection(options.path, { busyTimeoutMs: options.busyTimeoutMs });
  try {
    runMigrations(connection, options.clock.now());
  } catch (err) {
    connection.close();
    throw err;
  }
  const records = new SqliteRecordStore(connection);
  const kv = new SqliteKeyValueStore(connection, options.clock);
  return {
    records,
    kv,
    connection,
    get closed() {
      return !connection.open;
    },
    async close() {
      await records.close();
      await kv.close();
    },
  };
}
