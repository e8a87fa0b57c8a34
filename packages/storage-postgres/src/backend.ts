import type { Clock, StorageBackend } from '@smmbot/core';
import type pg from 'pg';
import { ensureTrigram, type PostgresCapabilities, probeTextSemantics } from './capabilities.js';
import { PgDatabase } from './database.js';
import { PostgresKeyValueStore } from './kv-store.js';
import { runMigrations } from './migrations.js';
import { PostgresRecordStore } from './record-store.js';

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:5432/database`. Either this or `pool`. */
  url?: string;
  /** A pool you own (shared with other code); the backend does not end it on close. */
  pool?: pg.Pool;
  /** Every TTL and `applied_at` time comes from this clock. */
  clock: Clock;
  /** Schema holding every table; created when missing. Default `public`. */
  schema?: string;
  /** Connections in the pool the backend creates from `url`. Default 10. */
  poolMax?: number;
  /** Install and use pg_trgm for `search` fields. Default true; false: `contains` always scans. */
  trigram?: boolean;
  /** Told what is degraded (no pg_trgm, a collation other backends do not share) and about dropped idle connections. */
  warn?: (message: string) => void;
}

export interface PostgresStorage extends StorageBackend {
  records: PostgresRecordStore;
  kv: PostgresKeyValueStore;
  /** The pool both halves use (for inspection and tests; prefer the two stores). */
  readonly pool: pg.Pool;
  readonly schema: string;
  /**
   * Settles when the schema is migrated and the database's capabilities are known. Every store call
   * waits for it, so awaiting it is optional: it makes a bad URL or a failed migration fail early.
   * After a failure, the next call (or read of `ready`) starts over.
   */
  readonly ready: Promise<PostgresCapabilities>;
  readonly closed: boolean;
  /** Closes both stores and ends the pool (if it made it). Closing both `records` and `kv` does the same. */
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL and returns both storage halves at once. Start-up work (migrations under an
 * advisory lock, pg_trgm, collation checks) runs in the background and every call awaits it; this
 * function is synchronous because plugins register stores synchronously.
 */
export function createPostgresStorage(options: PostgresStorageOptions): PostgresStorage {
  const db = new PgDatabase({
    url: options.url,
    pool: options.pool,
    poolMax: options.poolMax,
    schema: options.schema ?? 'public',
    onIdleError: (err) => options.warn?.(`PostgreSQL dropped an idle connection: ${db.error(err).message}`),
  });
  // A failed start (database not up yet, say) is tried again by the next call instead of being cached.
  let attempt: Promise<PostgresCapabilities> | undefined;
  const ready = () => {
    attempt ??= initialize(db, options).catch((err) => {
      attempt = undefined;
      throw err;
    });
    return attempt;
  };
  // Start now. Callers may never await `ready`; a failure reaches them through the first store call.
  ready().catch(() => undefined);
  const records = new PostgresRecordStore(db, ready);
  const kv = new PostgresKeyValueStore(db, options.clock, ready);
  return {
    records,
    kv,
    pool: db.pool,
    schema: db.schema,
    get ready() {
      return ready();
    },
    get closed() {
      return db.ended;
    },
    async close() {
      await records.close();
      await kv.close();
    },
  };
}

async function initialize(db: PgDatabase, options: PostgresStorageOptions): Promise<PostgresCapabilities> {
  await runMigrations(db, options.clock.now());
  const warnings: string[] = [];
  const trigramSchema = options.trigram === false ? undefined : await ensureTrigram(db, warnings);
  const text = await probeTextSemantics(db, warnings);
  for (const warning of warnings) options.warn?.(warning);
  return { trigramSchema, ...text, warnings };
}
