import { randomUUID } from 'node:crypto';
import {
  type Collection,
  type CollectionSpec,
  type FindQuery,
  type NewRecord,
  type Page,
  type RecordFields,
  type SortSpec,
  type RecordStore,
  SmmbotError,
  type StoredRecord,
  type TenantId,
  type Where,
  assertPaging,
  assertTenant,
  recordJson,
  assertField,
} from '@smmbot/core';
import { ident, type SqliteConnection } from './connection.js';
import { ensureCollection } from './schema.js';
import { orderSql, type Sql, whereSql } from './sql-query.js';

type Row = Record<string, unknown>;
type AnyWhere = Where<Row> | undefined;

const isDuplicate = (err: unknown) =>
  ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes((err as { code?: string }).code ?? '');

/**
 * One collection = one table `c_<name>(rid, tenant_id, id, data)` unique on (tenant_id, id). Every
 * statement binds the tenant; no statement can reach another tenant's rows.
 */
export class SqliteCollection<T extends StoredRecord> implements Collection<T> {
  private readonly table: string;

  constructor(
    private readonly conn: SqliteConnection,
    readonly name: string,
    private readonly fts: Map<string, string>,
  ) {
    this.table = ident(`c_${name}`);
  }

  private out(tenant: TenantId, id: string, data: string): T {
    return { id, tenantId: tenant, ...(JSON.parse(data) as Row) } as T;
  }

  async insert(tenant: TenantId, record: NewRecord<T>): Promise<T> {
    assertTenant(tenant);
    const id = record.id ?? randomUUID();
    const data = recordJson(record);
    try {
      this.conn.run(`INSERT INTO ${this.table} (tenant_id, id, data) VALUES (?, ?, ?)`, [tenant, id, data]);
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      throw new SmmbotError('E_STORAGE', `duplicate id "${id}" in collection "${this.name}"`, {
        cause: err,
        details: { collection: this.name, id, reason: 'duplicate' },
      });
    }
    return this.out(tenant, id, data);
  }

  async upsert(tenant: TenantId, record: NewRecord<T> & { id: string }): Promise<T> {
    assertTenant(tenant);
    const data = recordJson(record);
    this.conn.run(
      `INSERT INTO ${this.table} (tenant_id, id, data) VALUES (?, ?, ?)
       ON CONFLICT (tenant_id, id) DO UPDATE SET data = excluded.data`,
      [tenant, record.id, data],
    );
    return this.out(tenant, record.id, data);
  }

  async upsertMany(tenant: TenantId, records: (NewRecord<T> & { id: string })[]): Promise<number> {
    assertTenant(tenant);
    const rows = records.map((r) => [tenant, r.id, recordJson(r)] as const);
    // One IMMEDIATE transaction: a 20,000-service catalog sync is one fsync, not 20,000.
    this.conn.write(() => {
      for (const row of rows) {
        this.conn.run(
          `INSERT INTO ${this.table} (tenant_id, id, data) VALUES (?, ?, ?)
           ON CONFLICT (tenant_id, id) DO UPDATE SET data = excluded.data`,
          [...row],
        );
      }
    });
    // A bulk load changes the data's shape: refresh the planner's statistics where they are stale.
    if (rows.length >= 1000) this.conn.db.pragma('optimize');
    return rows.length;
  }

  async update(tenant: TenantId, id: string, patch: Partial<RecordFields<T>>): Promise<T | undefined> {
    assertTenant(tenant);
    const changes = JSON.parse(recordJson(patch)) as Row;
    const removed = Object.entries(patch).filter(([k, v]) => v === undefined && k !== 'id' && k !== 'tenantId');
    return this.conn.write(() => {
      const row = this.conn.get<{ data: string }>(`SELECT data FROM ${this.table} WHERE tenant_id = ? AND id = ?`, [
        tenant,
        id,
      ]);
      if (!row) return undefined;
      const merged = { ...(JSON.parse(row.data) as Row), ...changes };
      for (const [k] of removed) delete merged[k];
      const data = JSON.stringify(merged);
      this.conn.run(`UPDATE ${this.table} SET data = ? WHERE tenant_id = ? AND id = ?`, [data, tenant, id]);
      return this.out(tenant, id, data);
    });
  }

  async get(tenant: TenantId, id: string): Promise<T | undefined> {
    assertTenant(tenant);
    const row = this.conn.get<{ data: string }>(`SELECT data FROM ${this.table} WHERE tenant_id = ? AND id = ?`, [
      tenant,
      id,
    ]);
    return row ? this.out(tenant, id, row.data) : undefined;
  }

  async find(tenant: TenantId, query: FindQuery<T> = {}): Promise<Page<T>> {
    const { select, count } = this.statements(tenant, query);
    return this.conn.read(() => {
      const rows = this.conn.all<{ id: string; data: string }>(select.sql, select.params);
      const n = this.conn.get<{ n: number }>(count.sql, count.params)?.n ?? 0;
      const items = rows.map((r) => this.out(tenant, r.id, r.data));
      const cap = query.countLimit;
      return cap !== undefined && n > cap ? { items, total: cap, totalCapped: true } : { items, total: n };
    });
  }

  async count(tenant: TenantId, where?: Where<T>): Promise<number> {
    const { count } = this.statements(tenant, { where });
    return this.conn.get<{ n: number }>(count.sql, count.params)?.n ?? 0;
  }

  async delete(tenant: TenantId, id: string): Promise<boolean> {
    assertTenant(tenant);
    return this.conn.run(`DELETE FROM ${this.table} WHERE tenant_id = ? AND id = ?`, [tenant, id]).changes > 0;
  }

  /** `EXPLAIN QUERY PLAN` details of the page query and the count query that `find` would run. */
  explain(tenant: TenantId, query: FindQuery<T> = {}): { select: string[]; count: string[] } {
    const { select, count } = this.statements(tenant, query);
    const plan = (q: Sql) =>
      this.conn.db
        .prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .all(...q.params)
        .map((r) => (r as { detail: string }).detail);
    return { select: plan(select), count: plan(count) };
  }

  private statements(tenant: TenantId, query: FindQuery<T>): { select: Sql; count: Sql } {
    assertTenant(tenant);
    assertPaging(query.limit, query.offset);
    const where = whereSql(query.where as AnyWhere, { tenant, ftsTable: (f) => this.fts.get(f) });
    const order = orderSql(query.sort as SortSpec<Row>[] | undefined);
    const select = {
      sql: `SELECT id, data FROM ${this.table} WHERE ${where.sql} ${order} LIMIT ? OFFSET ?`,
      params: [...where.params, query.limit ?? -1, query.offset ?? 0],
    };
    // A capped count stops after countLimit + 1 rows (one more says "there are more").
    const count =
      query.countLimit === undefined
        ? { sql: `SELECT count(*) AS n FROM ${this.table} WHERE ${where.sql}`, params: where.params }
        : {
            sql: `SELECT count(*) AS n FROM (SELECT 1 FROM ${this.table} WHERE ${where.sql} LIMIT ?)`,
            params: [...where.params, query.countLimit + 1],
          };
    return { select, count };
  }
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

/** RecordStore on SQLite: tables, expression indexes and FTS5 trigram tables made on first use. */
export class SqliteRecordStore implements RecordStore {
  private readonly collections = new Map<string, SqliteCollection<StoredRecord>>();
  private readonly fts = new Map<string, Map<string, string>>();
  private closed = false;

  constructor(private readonly conn: SqliteConnection) {
    conn.retain();
  }

  collection<T extends StoredRecord>(spec: CollectionSpec): SqliteCollection<T> {
    if (!NAME.test(spec.name ?? '')) {
      throw new SmmbotError('E_STORAGE', `invalid collection name ${JSON.stringify(spec.name)}`);
    }
    for (const index of spec.indexes ?? []) for (const field of [index].flat()) assertField(field);
    for (const field of spec.search ?? []) assertField(field);
    let fts = this.fts.get(spec.name);
    if (!fts) {
      fts = new Map();
      this.fts.set(spec.name, fts);
    }
    ensureCollection(this.conn, spec, fts);
    let col = this.collections.get(spec.name);
    if (!col) {
      col = new SqliteCollection(this.conn, spec.name, fts);
      this.collections.set(spec.name, col);
    }
    return col as unknown as SqliteCollection<T>;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.release();
  }
}
