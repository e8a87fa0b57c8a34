import { SmmbotError } from '@smmbot/core';
import type { SqliteConnection } from './connection.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Numbered schema migrations, applied in order, each exactly once. Never edit a released one: add
 * the next number. Collection tables are not here: they are created per collection on first use.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'key-value values, TTL sets and locks',
    sql: `
      CREATE TABLE kv (
        tenant_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (tenant_id, key)
      ) WITHOUT ROWID;
      CREATE INDEX kv_expires_at ON kv (expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE kv_sets (
        tenant_id TEXT NOT NULL,
        key TEXT NOT NULL,
        member TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, key, member)
      ) WITHOUT ROWID;
      CREATE INDEX kv_sets_expires_at ON kv_sets (expires_at);
      CREATE TABLE kv_locks (
        tenant_id TEXT NOT NULL,
        key TEXT NOT NULL,
        token TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, key)
      ) WITHOUT ROWID;
      CREATE INDEX kv_locks_expires_at ON kv_locks (expires_at);
    `,
  },
];

/**
 * Applies pending migrations in one IMMEDIATE transaction (so two processes opening the same file
 * cannot both apply one), recording each in `schema_migrations(version, applied_at)`. Returns how
 * many were applied; 0 when the schema is current. `now` is the injected clock's time.
 */
export function runMigrations(
  conn: SqliteConnection,
  now: number,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  conn.db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  return conn.write(() => {
    const applied = new Set(
      conn.all<{ version: number }>('SELECT version FROM schema_migrations').map((r) => r.version),
    );
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new SmmbotError(
        'E_STORAGE',
        `the database has schema version(s) ${unknown.join(', ')} that this @smmbot/storage-sqlite does not know: ` +
          'it was written by a newer version; upgrade the package',
      );
    }
    const pending = migrations.filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
    for (const m of pending) {
      conn.db.exec(m.sql);
      conn.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [m.version, now]);
    }
    return pending.length;
  });
}
