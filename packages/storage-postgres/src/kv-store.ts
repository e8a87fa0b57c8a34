import { randomUUID } from 'node:crypto';
import {
  assertTenant,
  assertTtl,
  type Clock,
  type KeyValueStore,
  type Lock,
  SmmbotError,
  type TenantId,
  valueJson,
} from '@smmbot/core';
import type { PgDatabase } from './database.js';

const SWEEP_EVERY_WRITES = 500;
const SWEEP_EVERY_MS = 60_000;
/** Rows deleted per sweep statement, so a sweep never holds many row locks or runs long. */
const SWEEP_BATCH = 5000;

/**
 * KeyValueStore on PostgreSQL. Expiry is decided by the injected clock: its `now()` is a parameter
 * of every statement (never SQL `now()`), and a row with `expires_at <= now` is absent. Each
 * check-and-set is one statement (`INSERT ... ON CONFLICT ... DO UPDATE ... WHERE`): PostgreSQL
 * locks the conflicting row and re-checks the condition on its latest version, so concurrent callers
 * in any number of processes get exactly one winner. Expired rows are deleted by a sweep every 500
 * writes or once a minute of clock time.
 */
export class PostgresKeyValueStore implements KeyValueStore {
  private readonly kv: string;
  private readonly sets: string;
  private readonly locks: string;
  private writes = 0;
  private lastSweep: number;
  private closed = false;

  constructor(
    private readonly db: PgDatabase,
    private readonly clock: Clock,
    private readonly ready: () => Promise<unknown>,
  ) {
    db.retain();
    this.kv = db.table('kv');
    this.sets = db.table('kv_sets');
    this.locks = db.table('kv_locks');
    this.lastSweep = clock.now();
  }

  private async run<R extends Record<string, unknown>>(sql: string, params: unknown[]) {
    assertTenant(params[0] as TenantId);
    await this.ready();
    return this.db.query<R>(sql, params);
  }

  private expiry(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : this.clock.now() + ttlMs;
  }

  /** Deletes expired values, set members and locks, now and then; a failed sweep is retried later. */
  private async wrote(): Promise<void> {
    const now = this.clock.now();
    if (++this.writes % SWEEP_EVERY_WRITES !== 0 && now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    try {
      for (const table of [this.kv, this.sets, this.locks]) {
        await this.db.query(
          `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM ${table} WHERE expires_at <= $1 LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED))`,
          [now],
        );
      }
    } catch {
      // Expired rows are invisible to reads anyway; the next sweep deletes them.
    }
  }

  async get<V = unknown>(tenant: TenantId, key: string): Promise<V | undefined> {
    const result = await this.run<{ value: V }>(
      `SELECT value FROM ${this.kv} WHERE tenant_id = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)`,
      [tenant, key, this.clock.now()],
    );
    return result.rows[0]?.value;
  }

  async set(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<void> {
    assertTtl(ttlMs);
    await this.run(
      `INSERT INTO ${this.kv} (tenant_id, key, value, expires_at) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (tenant_id, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [tenant, key, valueJson(value), this.expiry(ttlMs)],
    );
    await this.wrote();
  }

  async delete(tenant: TenantId, key: string): Promise<boolean> {
    const result = await this.run<{ live: boolean }>(
      `DELETE FROM ${this.kv} WHERE tenant_id = $1 AND key = $2
       RETURNING expires_at IS NULL OR expires_at > $3 AS live`,
      [tenant, key, this.clock.now()],
    );
    return result.rows[0]?.live === true;
  }

  async setIfAbsent(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    assertTtl(ttlMs);
    const result = await this.run(
      `INSERT INTO ${this.kv} AS kv (tenant_id, key, value, expires_at) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (tenant_id, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
       WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= $5`,
      [tenant, key, valueJson(value), this.expiry(ttlMs), this.clock.now()],
    );
    await this.wrote();
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * One statement: creates the key with `by` (and the TTL), restarts an expired one, or adds to a live
   * number with float8 arithmetic (JavaScript's). A live non-number is left alone and returns no row.
   */
  async increment(tenant: TenantId, key: string, by = 1, ttlMs?: number): Promise<number> {
    assertTtl(ttlMs);
    if (typeof by !== 'number' || !Number.isFinite(by)) throw new SmmbotError('E_STORAGE', 'increment needs a number');
    const result = await this.run<{ value: number }>(
      `INSERT INTO ${this.kv} AS kv (tenant_id, key, value, expires_at) VALUES ($1, $2, to_jsonb($3::float8), $4)
       ON CONFLICT (tenant_id, key) DO UPDATE SET
         value = CASE WHEN kv.expires_at <= $5 THEN EXCLUDED.value ELSE to_jsonb(kv.value::float8 + $3::float8) END,
         expires_at = CASE WHEN kv.expires_at <= $5 THEN EXCLUDED.expires_at ELSE kv.expires_at END
       WHERE (kv.expires_at IS NOT NULL AND kv.expires_at <= $5) OR jsonb_typeof(kv.value) = 'number'
       RETURNING value`,
      [tenant, key, by, this.expiry(ttlMs), this.clock.now()],
    );
    await this.wrote();
    const row = result.rows[0];
    if (!row) throw new SmmbotError('E_STORAGE', `cannot increment "${key}": its value is not a number`);
    return row.value;
  }

  async acquireLock(tenant: TenantId, key: string, ttlMs: number): Promise<Lock | undefined> {
    assertTtl(ttlMs, true);
    const token = randomUUID();
    const now = this.clock.now();
    const taken = await this.run(
      `INSERT INTO ${this.locks} AS l (tenant_id, key, token, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, key) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
       WHERE l.expires_at <= $5`,
      [tenant, key, token, now + ttlMs, now],
    );
    await this.wrote();
    if (taken.rowCount === 0) return undefined;
    return {
      key,
      token,
      // Each compares the owner token and the expiry in the same statement as the change.
      release: async () => {
        const result = await this.run(
          `DELETE FROM ${this.locks} WHERE tenant_id = $1 AND key = $2 AND token = $3 AND expires_at > $4`,
          [tenant, key, token, this.clock.now()],
        );
        return (result.rowCount ?? 0) > 0;
      },
      extend: async (ms: number) => {
        assertTtl(ms, true);
        const at = this.clock.now();
        const result = await this.run(
          `UPDATE ${this.locks} SET expires_at = $5
           WHERE tenant_id = $1 AND key = $2 AND token = $3 AND expires_at > $4`,
          [tenant, key, token, at, at + ms],
        );
        return (result.rowCount ?? 0) > 0;
      },
    };
  }

  /**
   * Adds or refreshes a member. `add_token` changes only when the member becomes live (new, or
   * expired before), so "was it added?" is answered by the same statement that writes it.
   */
  async setAdd(tenant: TenantId, key: string, member: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs, true);
    const token = randomUUID();
    const now = this.clock.now();
    const result = await this.run<{ added: boolean }>(
      `INSERT INTO ${this.sets} AS s (tenant_id, key, member, expires_at, add_token) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, key, member) DO UPDATE SET
         expires_at = EXCLUDED.expires_at,
         add_token = CASE WHEN s.expires_at <= $6 THEN EXCLUDED.add_token ELSE s.add_token END
       RETURNING add_token = $5 AS added`,
      [tenant, key, member, now + ttlMs, token, now],
    );
    await this.wrote();
    return result.rows[0]?.added === true;
  }

  async setHas(tenant: TenantId, key: string, member: string): Promise<boolean> {
    const result = await this.run(
      `SELECT 1 FROM ${this.sets} WHERE tenant_id = $1 AND key = $2 AND member = $3 AND expires_at > $4`,
      [tenant, key, member, this.clock.now()],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async setMembers(tenant: TenantId, key: string): Promise<string[]> {
    const result = await this.run<{ member: string }>(
      `SELECT member FROM ${this.sets} WHERE tenant_id = $1 AND key = $2 AND expires_at > $3 ORDER BY member`,
      [tenant, key, this.clock.now()],
    );
    return result.rows.map((r) => r.member);
  }

  async setRemove(tenant: TenantId, key: string, member: string): Promise<boolean> {
    const result = await this.run<{ live: boolean }>(
      `DELETE FROM ${this.sets} WHERE tenant_id = $1 AND key = $2 AND member = $3 RETURNING expires_at > $4 AS live`,
      [tenant, key, member, this.clock.now()],
    );
    return result.rows[0]?.live === true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.release();
  }
}
