import type { CollectionSpec } from '@smmbot/core';
import { ident, type SqliteConnection } from './connection.js';
import { fieldExpr, typeExpr } from './sql-query.js';

/** Specs already ensured, per collection (keyed by its FTS map), so repeat calls cost nothing. */
const ensured = new WeakMap<Map<string, string>, Set<string>>();

/**
 * Creates (IF NOT EXISTS) a collection's table, one expression index per declared index, and one
 * FTS5 trigram table per `search` field, kept in sync by triggers and backfilled when created.
 *
 * The table is `(rid INTEGER PRIMARY KEY, tenant_id, id, data, UNIQUE (tenant_id, id))`. In a rowid
 * table a composite primary key is exactly such a unique index; naming the rowid `rid` keeps it
 * stable across VACUUM, and the FTS rows are linked to it. Fills `fts` with field → FTS table name,
 * including search tables made by earlier runs (their triggers keep them current).
 */
export function ensureCollection(conn: SqliteConnection, spec: CollectionSpec, fts: Map<string, string>): void {
  let seen = ensured.get(fts);
  if (!seen) {
    seen = new Set();
    ensured.set(fts, seen);
  }
  const key = JSON.stringify([spec.name, spec.indexes ?? [], spec.search ?? []]);
  if (seen.has(key)) return;

  const table = `c_${spec.name}`;
  conn.write(() => {
    conn.db.exec(
      `CREATE TABLE IF NOT EXISTS ${ident(table)} (
        rid INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (tenant_id, id)
      )`,
    );
    for (const index of spec.indexes ?? []) {
      const fields = [index].flat().filter((f) => f !== 'tenantId');
      if (fields.length === 0) continue;
      // The fields' json_type() follow the fields: queries keep the same prefix, and the type
      // guards of type-strict comparisons (see sql-query.ts) are answered from the index, so a
      // count over many rows never reads their JSON (`pnpm bench api-logs`).
      const typed = fields.filter((f) => f !== 'id').map(typeExpr);
      const columns = ['tenant_id', ...fields.map(fieldExpr), ...typed].join(', ');
      const name = `ix_${table}__${fields.join('__')}`;
      // Databases made before the type columns have the narrower index under the old name.
      conn.db.exec(`DROP INDEX IF EXISTS ${ident(name)}`);
      conn.db.exec(`CREATE INDEX IF NOT EXISTS ${ident(`${name}__t`)} ON ${ident(table)} (${columns})`);
    }
    for (const field of spec.search ?? []) createSearchTable(conn, table, field);
    const prefix = `${table}__fts_`;
    const existing = conn.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?",
      [prefix.length, prefix],
    );
    for (const { name } of existing) {
      const field = name.slice(prefix.length);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) fts.set(field, name);
    }
  });
  seen.add(key);
}

function createSearchTable(conn: SqliteConnection, table: string, field: string): void {
  const fts = `${table}__fts_${field}`;
  const exists = conn.get("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [fts]);
  if (exists) return;
  const value = (row: 'new' | 'old') => `json_extract(${row}.data, '$.${field}')`;
  const t = ident(table);
  const f = ident(fts);
  conn.db.exec(`
    CREATE VIRTUAL TABLE ${f} USING fts5(tenant_id UNINDEXED, v, tokenize = 'trigram');
    CREATE TRIGGER ${ident(`${fts}__ai`)} AFTER INSERT ON ${t} BEGIN
      INSERT INTO ${f} (rowid, tenant_id, v) VALUES (new.rid, new.tenant_id, ${value('new')});
    END;
    CREATE TRIGGER ${ident(`${fts}__ad`)} AFTER DELETE ON ${t} BEGIN
      DELETE FROM ${f} WHERE rowid = old.rid;
    END;
    CREATE TRIGGER ${ident(`${fts}__au`)} AFTER UPDATE ON ${t} BEGIN
      DELETE FROM ${f} WHERE rowid = old.rid;
      INSERT INTO ${f} (rowid, tenant_id, v) VALUES (new.rid, new.tenant_id, ${value('new')});
    END;
    INSERT INTO ${f} (rowid, tenant_id, v) SELECT rid, tenant_id, json_extract(data, '$.${field}') FROM ${t};
  `);
}
