/**
 * Storage interfaces. Every method takes the tenant as its first, required argument: there is no
 * call that reads across tenants. Records are JSON-compatible objects; store times as epoch
 * milliseconds (numbers), so every backend can sort and filter them the same way.
 */
export type TenantId = string;

export interface StoredRecord {
  id: string;
  tenantId: TenantId;
}

export type Scalar = string | number | boolean | null;

/** One field's condition. A bare value means equality. */
export type FieldCondition =
  | Scalar
  | {
      eq?: Scalar;
      ne?: Scalar;
      gt?: number | string;
      gte?: number | string;
      lt?: number | string;
      lte?: number | string;
      in?: Scalar[];
      /** Case-insensitive substring match on a string field. */
      contains?: string;
    };

export type Where<T> = { [K in keyof T]?: FieldCondition };

export interface SortSpec<T> {
  field: keyof T & string;
  direction?: 'asc' | 'desc';
}

export interface FindQuery<T> {
  where?: Where<T>;
  sort?: SortSpec<T>[];
  limit?: number;
  offset?: number;
  /**
   * Count matches only up to this many: `total` is then at most `countLimit` and `totalCapped` says
   * there are more. Counting a million matching rows costs; "10,000+" is what a page shows anyway.
   */
  countLimit?: number;
}

export interface Page<T> {
  items: T[];
  /** True when `total` stopped at the query's `countLimit` (there are more matches). */
  totalCapped?: boolean;
  /** How many records match `where`, ignoring limit and offset. */
  total: number;
}

/** Declares a collection: the backends create indexes for the queries it will serve. */
export interface CollectionSpec {
  name: string;
  /** Fields (or field tuples, in order) that are filtered or sorted on; each becomes an index. */
  indexes?: (string | string[])[];
  /** String fields searched with `contains`; backends may build a substring/full-text index. */
  search?: string[];
}

/** The fields of T without the ones the store owns (key remapping keeps each field's type). */
export type RecordFields<T> = { [K in keyof T as K extends 'id' | 'tenantId' ? never : K]: T[K] };
export type NewRecord<T extends StoredRecord> = RecordFields<T> & { id?: string };

export interface Collection<T extends StoredRecord> {
  readonly name: string;
  /** Inserts a record; generates an id when none is given. Rejects a duplicate id. */
  insert(tenant: TenantId, record: NewRecord<T>): Promise<T>;
  /** Inserts or replaces by id. */
  upsert(tenant: TenantId, record: NewRecord<T> & { id: string }): Promise<T>;
  /** Inserts or replaces many records at once, atomically (one transaction where the backend has them). */
  upsertMany(tenant: TenantId, records: (NewRecord<T> & { id: string })[]): Promise<number>;
  /** Shallow-merges `patch` into the record; undefined when the record does not exist. */
  update(tenant: TenantId, id: string, patch: Partial<RecordFields<T>>): Promise<T | undefined>;
  get(tenant: TenantId, id: string): Promise<T | undefined>;
  find(tenant: TenantId, query?: FindQuery<T>): Promise<Page<T>>;
  count(tenant: TenantId, where?: Where<T>): Promise<number>;
  delete(tenant: TenantId, id: string): Promise<boolean>;
}

export interface RecordStore {
  collection<T extends StoredRecord>(spec: CollectionSpec): Collection<T>;
  close(): Promise<void>;
}

/** A held lock. `release` only frees it if this holder still owns it (owner token check). */
export interface Lock {
  readonly key: string;
  readonly token: string;
  release(): Promise<boolean>;
  /** Extends the lock's TTL if still owned. */
  extend(ttlMs: number): Promise<boolean>;
}

/** Key-value side: TTL values, atomic set-if-absent, locks and TTL sets. */
export interface KeyValueStore {
  get<V = unknown>(tenant: TenantId, key: string): Promise<V | undefined>;
  set(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(tenant: TenantId, key: string): Promise<boolean>;
  /** Atomically stores the value only if the key is absent (or expired). True when stored. */
  setIfAbsent(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<boolean>;
  /** Atomically adds `by` to a numeric value (0 when absent); the TTL is set when the key is created. */
  increment(tenant: TenantId, key: string, by?: number, ttlMs?: number): Promise<number>;
  /** Tries once to take the lock; undefined when another holder has it. */
  acquireLock(tenant: TenantId, key: string, ttlMs: number): Promise<Lock | undefined>;
  /** Adds a member to a set with its own TTL. True when the member was not already present. */
  setAdd(tenant: TenantId, key: string, member: string, ttlMs: number): Promise<boolean>;
  setHas(tenant: TenantId, key: string, member: string): Promise<boolean>;
  setMembers(tenant: TenantId, key: string): Promise<string[]>;
  setRemove(tenant: TenantId, key: string, member: string): Promise<boolean>;
  close(): Promise<void>;
}

/** What a storage plugin provides. One backend may provide both halves. */
export interface StorageBackend {
  records: RecordStore;
  kv: KeyValueStore;
}
