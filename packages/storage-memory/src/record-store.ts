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
import { compileSort, compileWhere } from './filter.js';

type Row = Record<string, unknown>;

/** Record fields without id and tenantId, normalized through JSON like every other backend stores them. */
function toStored(record: object): Row {
  return JSON.parse(recordJson(record)) as Row;
}

/**
 * One collection's data: tenant → id → stored fields. The tenant is the first map level, so a lookup
 * can only ever see one tenant's rows. Rows are copied on the way in and out.
 */
export class MemoryCollection<T extends StoredRecord> implements Collection<T> {
  private readonly tenants = new Map<TenantId, Map<string, Row>>();

  constructor(readonly name: string) {}

  private rows(tenant: TenantId, create: true): Map<string, Row>;
  private rows(tenant: TenantId, create?: false): Map<string, Row> | undefined;
  private rows(tenant: TenantId, create = false): Map<string, Row> | undefined {
    assertTenant(tenant);
    let rows = this.tenants.get(tenant);
    if (!rows && create) {
      rows = new Map();
      this.tenants.set(tenant, rows);
    }
    return rows;
  }

  private out(tenant: TenantId, id: string, stored: Row): T {
    const { id: _id, tenantId: _tenant, ...fields } = structuredClone(stored);
    return { id, tenantId: tenant, ...fields } as T;
  }

  async insert(tenant: TenantId, record: NewRecord<T>): Promise<T> {
    const id = record.id ?? randomUUID();
    const rows = this.rows(tenant, true);
    if (rows.has(id)) {
      throw new SmmbotError('E_STORAGE', `duplicate id "${id}" in collection "${this.name}"`, {
        details: { collection: this.name, id, reason: 'duplicate' },
      });
    }
    const stored = toStored(record);
    rows.set(id, stored);
    return this.out(tenant, id, stored);
  }

  async upsert(tenant: TenantId, record: NewRecord<T> & { id: string }): Promise<T> {
    const stored = toStored(record);
    this.rows(tenant, true).set(record.id, stored);
    return this.out(tenant, record.id, stored);
  }

  async upsertMany(tenant: TenantId, records: (NewRecord<T> & { id: string })[]): Promise<number> {
    assertTenant(tenant);
    // Validate every record first, so a bad one leaves the collection unchanged (all or nothing).
    const stored = records.map((r) => [r.id, toStored(r)] as const);
    const rows = this.rows(tenant, true);
    for (const [id, row] of stored) rows.set(id, row);
    return stored.length;
  }

  async update(tenant: TenantId, id: string, patch: Partial<RecordFields<T>>): Promise<T | undefined> {
    const rows = this.rows(tenant);
    const current = rows?.get(id);
    if (!rows || !current) return undefined;
    const stored = toStored({ ...current, ...toStored(patch), ...undefinedKeys(patch) });
    rows.set(id, stored);
    return this.out(tenant, id, stored);
  }

  async get(tenant: TenantId, id: string): Promise<T | undefined> {
    const stored = this.rows(tenant)?.get(id);
    return stored ? this.out(tenant, id, stored) : undefined;
  }

  async find(tenant: TenantId, query: FindQuery<T> = {}): Promise<Page<T>> {
    assertPaging(query.limit, query.offset);
    const matches = this.matching(tenant, query.where as Where<Row> | undefined);
    matches.sort(compileSort(query.sort as SortSpec<Row>[] | undefined));
    const offset = query.offset ?? 0;
    const end = query.limit === undefined ? undefined : offset + query.limit;
    const items = matches.slice(offset, end).map((row) => this.out(tenant, row.id as string, row));
    const cap = query.countLimit;
    if (cap !== undefined && matches.length > cap) return { items, total: cap, totalCapped: true };
    return { items, total: matches.length };
  }

  async count(tenant: TenantId, where?: Where<T>): Promise<number> {
    return this.matching(tenant, where as Where<Row> | undefined).length;
  }

  async delete(tenant: TenantId, id: string): Promise<boolean> {
    return this.rows(tenant)?.delete(id) ?? false;
  }

  /** Matching rows as views that include id and tenantId (not copies: callers copy via `out`). */
  private matching(tenant: TenantId, where: Where<Row> | undefined): Row[] {
    const test = compileWhere(where);
    const out: Row[] = [];
    for (const [id, stored] of this.rows(tenant) ?? []) {
      const row = { ...stored, id, tenantId: tenant };
      if (test(row)) out.push(row);
    }
    return out;
  }
}

/** Keys explicitly set to undefined in a patch: a shallow merge removes them (JSON has no undefined). */
function undefinedKeys(patch: object): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(patch)) if (v === undefined && k !== 'id' && k !== 'tenantId') out[k] = undefined;
  return out;
}

/** The names every backend accepts (they become table names in SQL). */
const COLLECTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

/** In-process RecordStore: for tests, demos and single-process bots that can lose their data. */
export class MemoryRecordStore implements RecordStore {
  private readonly collections = new Map<string, MemoryCollection<StoredRecord>>();

  collection<T extends StoredRecord>(spec: CollectionSpec): Collection<T> {
    if (!COLLECTION_NAME.test(spec.name ?? '')) {
      throw new SmmbotError('E_STORAGE', `invalid collection name ${JSON.stringify(spec.name)}`);
    }
    for (const index of spec.indexes ?? []) for (const field of [index].flat()) assertField(field);
    for (const field of spec.search ?? []) assertField(field);
    let col = this.collections.get(spec.name);
    if (!col) {
      col = new MemoryCollection(spec.name);
      this.collections.set(spec.name, col);
    }
    return col as unknown as Collection<T>;
  }

  async close(): Promise<void> {}
}
