import { assertField, type CollectionSpec } from '@smmbot/core';
import type { PgDatabase } from './database.js';
import { fitName, ident } from './identifiers.js';
import { advisoryLock } from './migrations.js';
import { fieldExpr, textExpr } from './sql-query.js';

export interface IndexDefinition {
  name: string;
  /** The column list or `USING gin (...)` part after `ON table`. */
  body: string;
}

/**
 * The indexes a spec asks for. Each `indexes` entry becomes a btree on `(tenant_id, <field
 * expressions>)`, with exactly the expressions the queries emit (sql-query.ts), `NULLS FIRST` like
 * their ascending sort, so a filtered and sorted page is one index range read forwards or backwards.
 * Each `search` field becomes a pg_trgm GIN index on the field's text, which ILIKE '%term%' uses.
 */
export function indexDefinitions(table: string, spec: CollectionSpec, trigramSchema?: string): IndexDefinition[] {
  const out: IndexDefinition[] = [];
  for (const index of spec.indexes ?? []) {
    const fields = [index].flat().filter((f) => f !== 'tenantId');
    for (const f of fields) assertField(f);
    if (fields.length === 0) continue;
    const columns = fields.map((f) => (f === 'id' ? 'id' : `(${fieldExpr(f)}) NULLS FIRST`));
    out.push({ name: fitName(`ix_${table}__${fields.join('__')}`), body: `(tenant_id, ${columns.join(', ')})` });
  }
  if (trigramSchema) {
    for (const field of spec.search ?? []) {
      assertField(field);
      if (field === 'id' || field === 'tenantId') continue;
      out.push({
        name: fitName(`tg_${table}__${field}`),
        body: `USING gin (${textExpr(field)} ${trigramSchema}.gin_trgm_ops)`,
      });
    }
  }
  return out;
}

/**
 * Creates (IF NOT EXISTS) a collection's table and indexes. The common case, everything already
 * there, is two catalog reads and no lock. Otherwise the DDL runs in one transaction under an advisory
 * lock per table: concurrent CREATE TABLE / CREATE INDEX IF NOT EXISTS of the same name can still
 * fail on the catalog's unique index, and the lock makes the second worker find them made.
 */
export async function ensureCollection(
  db: PgDatabase,
  table: string,
  spec: CollectionSpec,
  trigramSchema: string | undefined,
): Promise<void> {
  const wanted = indexDefinitions(table, spec, trigramSchema);
  const existing = await db.query<{ indexname: string }>(
    'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2',
    [db.schema, table],
  );
  const have = new Set(existing.rows.map((r) => r.indexname));
  const tableExists = have.size > 0; // its primary key index is always there
  const missing = wanted.filter((i) => !have.has(i.name));
  if (tableExists && missing.length === 0) return;

  const qualified = db.table(table);
  await db.transaction(async (client) => {
    await advisoryLock(db, client, `collection:${db.schema}.${table}`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS ${qualified} (
        tenant_id text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        record jsonb NOT NULL,
        PRIMARY KEY (tenant_id, id)
      )`,
      [],
      client,
    );
    for (const index of missing) {
      await db.query(`CREATE INDEX IF NOT EXISTS ${ident(index.name)} ON ${qualified} ${index.body}`, [], client);
    }
  });
}
