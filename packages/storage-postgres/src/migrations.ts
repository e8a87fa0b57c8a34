import { SmmbotError } from '@smmbot/core';
import type pg from 'pg';
import type { PgDatabase } from './database.js';
import { ident } from './identifiers.js';

export interface Migration {
  version: number;
  description: string;
  /** The statements, given the quoted schema name (`"smmbot"`). */
  sql: (schema: string) => string;
}

/**
 * Numbered schema migrations, applied in order, each exactly once. Never edit a released one: add
 * the next number. Collection tables are not here: they are created per collection on first use.
 * Expiry times are the injected clock's epoch milliseconds; `double precision` holds every value a
 * JavaScript clock can return exactly (a `bigint` would reject fractional milliseconds).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'key-value values, TTL sets and locks',
    sql: (s) => `
      CREATE TABLE ${s}.kv (
        tenant_id text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        value jsonb NOT NULL,
        expires_at double precision,
        PRIMARY KEY (tenant_id, key)
      );
      CREATE INDEX kv_expires_at ON ${s}.kv (expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE ${s}.kv_sets (
        tenant_id text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        member text COLLATE "C" NOT NULL,
        expires_at double precision NOT NULL,
        -- The token of the setAdd that made the member live: lets one statement tell "added" from "refreshed".
        add_token text NOT NULL,
        PRIMARY KEY (tenant_id, key, member)
      );
      CREATE INDEX kv_sets_expires_at ON ${s}.kv_sets (expires_at);
      CREATE TABLE ${s}.kv_locks (
        tenant_id text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        token text NOT NULL,
        expires_at double precision NOT NULL,
        PRIMARY KEY (tenant_id, key)
      );
      CREATE INDEX kv_locks_expires_at ON ${s}.kv_locks (expires_at);
    `,
  },
];

/** First key of every advisory lock this package takes ('smmb'), so they never collide with an app's. */
export const ADVISORY_NAMESPACE = 0x736d6d62;

/** Takes a transaction-scoped advisory lock named `name` (released at COMMIT/ROLLBACK). */
export async function advisoryLock(db: PgDatabase, client: pg.PoolClient, name: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_NAMESPACE, name], client);
}

/**
 * Creates the schema if missing and applies pending migrations in one transaction under an advisory
 * lock per schema, so several workers starting at once apply each migration exactly once (the others
 * wait, then find nothing pending). Recorded in `smmbot_migrations(version, description, applied_at)`.
 * Returns how many were applied; 0 when the schema is current. `now` is the injected clock's time.
 */
export async function runMigrations(
  db: PgDatabase,
  now: number,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  const schema = ident(db.schema);
  const ledger = db.table('smmbot_migrations');
  return db.transaction(async (client) => {
    await advisoryLock(db, client, `migrate:${db.schema}`);
    // CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege even when the schema exists: ask first.
    const exists = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [db.schema], client);
    if (exists.rowCount === 0) await db.query(`CREATE SCHEMA ${schema}`, [], client);
    await db.query(
      `CREATE TABLE IF NOT EXISTS ${ledger} (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at bigint NOT NULL
      )`,
      [],
      client,
    );
    const applied = new Set(
      (await db.query<{ version: number }>(`SELECT version FROM ${ledger}`, [], client)).rows.map((r) => r.version),
    );
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v)).sort((a, b) => a - b);
    if (unknown.length > 0) {
      throw new SmmbotError(
        'E_STORAGE',
        `schema "${db.schema}" has version(s) ${unknown.join(', ')} that this @smmbot/storage-postgres does not know: ` +
          'it was written by a newer version; upgrade the package',
      );
    }
    const pending = migrations.filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
    for (const m of pending) {
      await db.query(m.sql(schema), [], client);
      await db.query(
        `INSERT INTO ${ledger} (version, description, applied_at) VALUES ($1, $2, $3)`,
        [m.version, m.description, Math.floor(now)],
        client,
      );
    }
    return pending.length;
  });
}
