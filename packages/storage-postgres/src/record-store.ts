import { randomUUID } from 'node:crypto';
import {
  assertField,
  assertPaging,
  assertTenant,
  type Collection,
  type CollectionSpec,
  type FindQuery,
  type NewRecord,
  type Page,
  type RecordFields,
  type RecordStore,
  recordJson,
  SmmbotError,
  type SortSpec,
  type StoredRecord,
  type TenantId,
  type Where,
} from '@smmbot/core';
import type { PostgresCapabilities } from './capabilities.js';
import type { PgDatabase } from './database.js';
import { assertCollectionName, collectionTable } from './identifiers.js';
import { ensureCollection } from './schema.js';
import { orderSql, SqlParams, whereSql } from './sql-query.js';

type Row = Record<string, unknown>;
type Sql = { sql: string; params: unknown[] };

/** Rows per INSERT in upsertMany: one statement stays well under the protocol's message limits. */
const UPSERT_BATCH = 2000;

/**
 * One collection = one table `c_<name>(tenant_id, id, record jsonb)` keyed by (tenant_id, id).
 * Every statement binds the tenant as `$1`; no statement can reach another tenant's rows. The table
 * and indexes are made on first use: every call first awaits that (a resolved promise afterwards).
 */
export class PostgresCollection<T extends StoredRecord> implements Collection<T> {
  readonly table: string;
  private readonly qualified: string;
  private readonly specs = new Map<string, CollectionSpec>();
  private ready: Promise<void> | undefined;

  constructor(
    private readonly db: PgDatabase,
    private readonly capabilities: () => Promise<PostgresCapabilities>,
    readonly name: string,
  ) {
    this.table = collectionTable(name);
    this.qualified = db.table(this.table);
  }

  /** Adds the indexes of one more spec of this collection (the same name may be declared twice). */
  declare(spec: CollectionSpec): void {
    const key = JSON.stringify([spec.indexes ?? [], spec.search ?? []]);
    if (this.specs.has(key)) return;
    this.specs.set(key, spec);
    this.ready = undefined;
    // Start now, so the first query rarely waits; a failure is reported by (and retried on) the next call.
    this.ensured().catch(() => undefined);
  }

  private ensured(): Promise<void> {
    this.ready ??= (async () => {
      const { trigramSchema } = await this.capabilities();
      for (const spec of this.specs.values()) await ensureCollection(this.db, this.table, spec, trigramSchema);
    })().catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async run<R extends Row>(sql: string, params: unknown[]) {
    await this.ensured();
    return this.db.query<R>(sql, params);
  }

  private out(tenant: TenantId, id: string, record: Row): T {
    return { ...record, id, tenantId: tenant } as T;
  }

  async insert(tenant: TenantId, record: NewRecord<T>): Promise<T> {
    assertTenant(tenant);
    const id = record.id ?? randomUUID();
    const json = recordJson(record);
    // ON CONFLICT DO NOTHING instead of catching unique_violation: no ERROR line in the server log.
    const result = await this.run(
      `INSERT INTO ${this.qualified} (tenant_id, id, record) VALUES ($1, $2, $3::jsonb) ON CONFLICT (tenant_id, id) DO NOTHING`,
      [tenant, id, json],
    );
    if (result.rowCount === 0) {
      throw new SmmbotError('E_STORAGE', `duplicate id "${id}" in collection "${this.name}"`, {
        details: { collection: this.name, id, reason: 'duplicate' },
      });
    }
    return this.out(tenant, id, JSON.parse(json) as Row);
  }

  async upsert(tenant: TenantId, record: NewRecord<T> & { id: string }): Promise<T> {
    assertTenant(tenant);
    const json = recordJson(record);
    await this.run(
      `INSERT INTO ${this.qualified} (tenant_id, id, record) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (tenant_id, id) DO UPDATE SET record = EXCLUDED.record`,
      [tenant, record.id, json],
    );
    return this.out(tenant, record.id, JSON.parse(json) as Row);
  }

  async upsertMany(tenant: TenantId, records: (NewRecord<T> & { id: string })[]): Promise<number> {
    assertTenant(tenant);
    // Serialize everything first: a bad record fails the call before anything is written. The last
    // record of a repeated id wins (one INSERT ... ON CONFLICT cannot touch a row twice).
    const byId = new Map<string, string>();
    for (const r of records) byId.set(r.id, recordJson(r));
    const rows = [...byId];
    if (rows.length === 0) return 0;
    await this.ensured();
    await this.db.transaction(async (client) => {
      for (let i = 0; i < rows.length; i += UPSERT_BATCH) {
        const batch = rows.slice(i, i + UPSERT_BATCH);
        await this.db.query(
          `INSERT INTO ${this.qualified} (tenant_id, id, record)
           SELECT $1, u.id, u.record::jsonb FROM unnest($2::text[], $3::text[]) AS u(id, record)
           ON CONFLICT (tenant_id, id) DO UPDATE SET record = EXCLUDED.record`,
          [tenant, batch.map(([id]) => id), batch.map(([, json]) => json)],
          client,
        );
      }
    });
    return records.length;
  }

  async update(tenant: TenantId, id: string, patch: Partial<RecordFields<T>>): Promise<T | undefined> {
    assertTenant(tenant);
    const changes = recordJson(patch);
    // A key set to undefined is removed, as a JavaScript spread then JSON round trip would do.
    const removed = Object.entries(patch)
      .filter(([k, v]) => v === undefined && k !== 'id' && k !== 'tenantId')
      .map(([k]) => k);
    // One statement: the row lock makes concurrent updates of one record apply one after the other.
    const result = await this.run<{ record: Row }>(
      `UPDATE ${this.qualified} SET record = (record || $3::jsonb) - $4::text[]
       WHERE tenant_id = $1 AND id = $2 RETURNING record`,
      [tenant, id, changes, removed],
    );
    const row = result.rows[0];
    return row ? this.out(tenant, id, row.record) : undefined;
  }

  async get(tenant: TenantId, id: string): Promise<T | undefined> {
    assertTenant(tenant);
    const result = await this.run<{ record: Row }>(
      `SELECT record FROM ${this.qualified} WHERE tenant_id = $1 AND id = $2`,
      [tenant, id],
    );
    const row = result.rows[0];
    return row ? this.out(tenant, id, row.record) : undefined;
  }

  async find(tenant: TenantId, query: FindQuery<T> = {}): Promise<Page<T>> {
    const { select, count } = this.statements(tenant, query);
    const result = await this.run<{ id: string; record: Row; total: string }>(select.sql, select.params);
    const items = result.rows.map((r) => this.out(tenant, r.id, r.record));
    let n = result.rows[0] ? Number(result.rows[0].total) : 0;
    // No row carries the count when the page is empty; that is "no matches" unless the page was cut off.
    if (items.length === 0 && ((query.offset ?? 0) > 0 || query.limit === 0)) {
      n = Number((await this.run<{ n: string }>(count.sql, count.params)).rows[0]?.n ?? 0);
    }
    const cap = query.countLimit;
    return cap !== undefined && n > cap ? { items, total: cap, totalCapped: true } : { items, total: n };
  }

  async count(tenant: TenantId, where?: Where<T>): Promise<number> {
    const { count } = this.statements(tenant, { where });
    return Number((await this.run<{ n: string }>(count.sql, count.params)).rows[0]?.n ?? 0);
  }

  async delete(tenant: TenantId, id: string): Promise<boolean> {
    assertTenant(tenant);
    const result = await this.run(`DELETE FROM ${this.qualified} WHERE tenant_id = $1 AND id = $2`, [tenant, id]);
    return (result.rowCount ?? 0) > 0;
  }

  /** `EXPLAIN` of the statement `find` runs (page + count) and of the count alone, one line per plan row. */
  async explain(tenant: TenantId, query: FindQuery<T> = {}): Promise<{ select: string[]; count: string[] }> {
    const { select, count } = this.statements(tenant, query);
    const plan = async (q: Sql) =>
      (await this.run<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`, q.params)).rows.map((r) => r['QUERY PLAN']);
    return { select: await plan(select), count: await plan(count) };
  }

  /**
   * The page query carries the (capped) count as an uncorrelated subquery: PostgreSQL runs it once,
   * in the same snapshot as the page, and it costs no second round trip. A capped count stops after
   * countLimit + 1 rows (one more says "there are more").
   */
  private statements(tenant: TenantId, query: FindQuery<T>): { select: Sql; count: Sql } {
    assertTenant(tenant);
    assertPaging(query.limit, query.offset);
    const cap = query.countLimit;
    if (cap !== undefined && !(Number.isInteger(cap) && cap >= 0)) {
      throw new SmmbotError('E_STORAGE', `countLimit must be a non-negative integer; got ${cap}`);
    }
    const p = new SqlParams();
    const where = whereSql(query.where as Where<Row> | undefined, tenant, p);
    const counted =
      cap === undefined
        ? `SELECT count(*) AS n FROM ${this.qualified} WHERE ${where}`
        : `SELECT count(*) AS n FROM (SELECT 1 FROM ${this.qualified} WHERE ${where} LIMIT ${p.add(cap + 1)}) capped`;
    const countParams = [...p.values];
    const order = orderSql(query.sort as SortSpec<Row>[] | undefined);
    const select = `SELECT id, record, (${counted}) AS total FROM ${this.qualified} WHERE ${where} ${order}
      LIMIT ${p.add(query.limit ?? null)} OFFSET ${p.add(query.offset ?? 0)}`;
    return { select: { sql: select, params: p.values }, count: { sql: counted, params: countParams } };
  }
}

/** RecordStore on PostgreSQL: tables, expression indexes and trigram indexes made on first use. */
export class PostgresRecordStore implements RecordStore {
  private readonly collections = new Map<string, PostgresCollection<StoredRecord>>();
  private closed = false;

  constructor(
    private readonly db: PgDatabase,
    private readonly capabilities: () => Promise<PostgresCapabilities>,
  ) {
    db.retain();
  }

  collection<T extends StoredRecord>(spec: CollectionSpec): PostgresCollection<T> {
    assertCollectionName(spec.name);
    for (const index of spec.indexes ?? []) for (const field of [index].flat()) assertField(field);
    for (const field of spec.search ?? []) assertField(field);
    let col = this.collections.get(spec.name);
    if (!col) {
      col = new PostgresCollection(this.db, this.capabilities, spec.name);
      this.collections.set(spec.name, col);
    }
    col.declare(spec);
    return col as unknown as PostgresCollection<T>;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.release();
  }
}
