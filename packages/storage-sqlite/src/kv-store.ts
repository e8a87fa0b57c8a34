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
import type { SqliteConnection } from './connection.js';

const LIVE = '(expires_at IS NULL OR expires_at > ?)';
const SWEEP_EVERY_WRITES = 500;
const SWEEP_EVERY_MS = 60_000;

/**
 * KeyValueStore on the shared SQLite connection. Expiry times are the injected clock's milliseconds:
 * reads treat `expires_at <= now` as absent, and expired rows are deleted in a sweep every 500
 * writes or once a minute of clock time. Check-and-set operations are single statements or
 * IMMEDIATE transactions, so they are atomic across processes sharing the file.
 */
export class SqliteKeyValueStore implements KeyValueStore {
  private writes = 0;
  private lastSweep: number;
  private closed = false;

  constructor(
    private readonly conn: SqliteConnection,
    private readonly clock: Clock,
  ) {
    conn.retain();
    this.lastSweep = clock.now();
  }

  private now(tenant: TenantId): number {
    assertTenant(tenant);
    return this.clock.now();
  }

  private expiry(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : this.clock.now() + ttlMs;
  }

  /** Deletes expired values, set members and locks, now and then. */
  private wrote(): void {
    const now = this.clock.now();
    if (++this.writes % SWEEP_EVERY_WRITES !== 0 && now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    this.conn.write(() => {
      this.conn.run('DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?', [now]);
      this.conn.run('DELETE FROM kv_sets WHERE expires_at <= ?', [now]);
      this.conn.run('DELETE FROM kv_locks WHERE expires_at <= ?', [now]);
    });
  }

  async get<V = unknown>(tenant: TenantId, key: string): Promise<V | undefined> {
    const row = this.conn.get<{ value: string }>(`SELECT value FROM kv WHERE tenant_id = ? AND key = ? AND ${LIVE}`, [
      tenant,
      key,
      this.now(tenant),
    ]);
    return row ? (JSON.parse(row.value) as V) : undefined;
  }

  async set(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<void> {
    assertTenant(tenant);
    assertTtl(ttlMs);
    this.conn.run(
      `INSERT INTO kv (tenant_id, key, value, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [tenant, key, valueJson(value), this.expiry(ttlMs)],
    );
    this.wrote();
  }

  async delete(tenant: TenantId, key: string): Promise<boolean> {
    const now = this.now(tenant);
    const row = this.conn.get<{ expires_at: number | null }>(
      'DELETE FROM kv WHERE tenant_id = ? AND key = ? RETURNING expires_at',
      [tenant, key],
    );
    return row !== undefined && (row.expires_at === null || row.expires_at > now);
  }

  async setIfAbsent(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const now = this.now(tenant);
    assertTtl(ttlMs);
    const result = this.conn.run(
      `INSERT INTO kv (tenant_id, key, value, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?`,
      [tenant, key, valueJson(value), this.expiry(ttlMs), now],
    );
    this.wrote();
    return result.changes > 0;
  }

  async increment(tenant: TenantId, key: string, by = 1, ttlMs?: number): Promise<number> {
    const now = this.now(tenant);
    assertTtl(ttlMs);
    if (typeof by !== 'number' || !Number.isFinite(by)) throw new SmmbotError('E_STORAGE', 'increment needs a number');
    const next = this.conn.write(() => {
      const row = this.conn.get<{ value: string }>(`SELECT value FROM kv WHERE tenant_id = ? AND key = ? AND ${LIVE}`, [
        tenant,
        key,
        now,
      ]);
      if (!row) {
        this.conn.run(
          `INSERT INTO kv (tenant_id, key, value, expires_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
          [tenant, key, valueJson(by), this.expiry(ttlMs)],
        );
        return by;
      }
      const current = JSON.parse(row.value) as unknown;
      if (typeof current !== 'number') {
        throw new SmmbotError('E_STORAGE', `cannot increment "${key}": its value is not a number`);
      }
      this.conn.run('UPDATE kv SET value = ? WHERE tenant_id = ? AND key = ?', [valueJson(current + by), tenant, key]);
      return current + by;
    });
    this.wrote();
    return next;
  }

  async acquireLock(tenant: TenantId, key: string, ttlMs: number): Promise<Lock | undefined> {
    const now = this.now(tenant);
    assertTtl(ttlMs, true);
    const token = randomUUID();
    const taken = this.conn.run(
      `INSERT INTO kv_locks (tenant_id, key, token, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant_id, key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
       WHERE kv_locks.expires_at <= ?`,
      [tenant, key, token, now + ttlMs, now],
    );
    this.wrote();
    if (taken.changes === 0) return undefined;
    return {
      key,
      token,
      // Each compares the owner token and the expiry in the same statement as the change.
      release: async () =>
        this.conn.run('DELETE FROM kv_locks WHERE tenant_id = ? AND key = ? AND token = ? AND expires_at > ?', [
          tenant,
          key,
          token,
          this.clock.now(),
        ]).changes > 0,
      extend: async (ms: number) => {
        assertTtl(ms, true);
        const at = this.clock.now();
        return (
          this.conn.run(
            'UPDATE kv_locks SET expires_at = ? WHERE tenant_id = ? AND key = ? AND token = ? AND expires_at > ?',
            [at + ms, tenant, key, token, at],
          ).changes > 0
        );
      },
    };
  }

  async setAdd(tenant: TenantId, key: string, member: string, ttlMs: number): Promise<boolean> {
    const now = this.now(tenant);
    assertTtl(ttlMs, true);
    const added = this.conn.write(() => {
      const live = this.conn.get(
        'SELECT 1 FROM kv_sets WHERE tenant_id = ? AND key = ? AND member = ? AND expires_at > ?',
        [tenant, key, member, now],
      );
      this.conn.run(
        `INSERT INTO kv_sets (tenant_id, key, member, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant_id, key, member) DO UPDATE SET expires_at = excluded.expires_at`,
        [tenant, key, member, now + ttlMs],
      );
      return live === undefined;
    });
    this.wrote();
    return added;
  }

  async setHas(tenant: TenantId, key: string, member: string): Promise<boolean> {
    const row = this.conn.get(
      'SELECT 1 FROM kv_sets WHERE tenant_id = ? AND key = ? AND member = ? AND expires_at > ?',
      [tenant, key, member, this.now(tenant)],
    );
    return row !== undefined;
  }

  async setMembers(tenant: TenantId, key: string): Promise<string[]> {
    const rows = this.conn.all<{ member: string }>(
      'SELECT member FROM kv_sets WHERE tenant_id = ? AND key = ? AND expires_at > ? ORDER BY member',
      [tenant, key, this.now(tenant)],
    );
    return rows.map((r) => r.member);
  }

  async setRemove(tenant: TenantId, key: string, member: string): Promise<boolean> {
    const now = this.now(tenant);
    const row = this.conn.get<{ expires_at: number }>(
      'DELETE FROM kv_sets WHERE tenant_id = ? AND key = ? AND member = ? RETURNING expires_at',
      [tenant, key, member],
    );
    return row !== undefined && row.expires_at > now;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.release();
  }
}
