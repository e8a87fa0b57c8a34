import { randomUUID } from 'node:crypto';
import {
  assertTtl,
  type Clock,
  type KeyValueStore,
  type Lock,
  SmmbotError,
  type TenantId,
  valueJson,
} from '@smmbot/core';

interface Entry {
  /** JSON text: values are copied in and out and behave like the SQL and Redis backends' values. */
  json: string;
  expiresAt: number | undefined;
}

interface Held {
  token: string;
  expiresAt: number;
}

/** A map per tenant: no key of one tenant can reach another's, whatever characters it holds. */
class TenantMap<V> {
  private readonly byTenant = new Map<TenantId, Map<string, V>>();

  of(tenant: TenantId, create: true): Map<string, V>;
  of(tenant: TenantId, create?: false): Map<string, V> | undefined;
  of(tenant: TenantId, create = false): Map<string, V> | undefined {
    if (typeof tenant !== 'string' || tenant.length === 0) {
      throw new SmmbotError('E_STORAGE', 'a tenant id (non-empty string) is required for every storage call');
    }
    let map = this.byTenant.get(tenant);
    if (!map && create) {
      map = new Map();
      this.byTenant.set(tenant, map);
    }
    return map;
  }

  /** Drops entries `expired` says are gone, and tenants left empty. */
  sweep(expired: (value: V) => boolean): void {
    for (const [tenant, map] of this.byTenant) {
      for (const [key, value] of map) if (expired(value)) map.delete(key);
      if (map.size === 0) this.byTenant.delete(tenant);
    }
  }
}

const SWEEP_EVERY = 1000;

/**
 * In-process KeyValueStore on an injected Clock: every expiry is `clock.now()`-based, so it runs on
 * virtual time. Each method does its work synchronously before its promise settles, so
 * setIfAbsent, increment and locks are atomic within the process. Expired entries are dropped when
 * read and swept every 1,000 writes.
 */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly values = new TenantMap<Entry>();
  private readonly sets = new TenantMap<Map<string, number>>();
  private readonly locks = new TenantMap<Held>();
  private writes = 0;

  constructor(private readonly clock: Clock) {}

  private live(tenant: TenantId, key: string): Entry | undefined {
    const map = this.values.of(tenant);
    const entry = map?.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && this.clock.now() >= entry.expiresAt) {
      map?.delete(key);
      return undefined;
    }
    return entry;
  }

  private expiry(ttlMs: number | undefined): number | undefined {
    return ttlMs === undefined ? undefined : this.clock.now() + ttlMs;
  }

  private wrote(): void {
    if (++this.writes % SWEEP_EVERY !== 0) return;
    const now = this.clock.now();
    this.values.sweep((e) => e.expiresAt !== undefined && now >= e.expiresAt);
    this.locks.sweep((l) => now >= l.expiresAt);
    this.sets.sweep((members) => {
      for (const [m, at] of members) if (now >= at) members.delete(m);
      return members.size === 0;
    });
  }

  async get<V = unknown>(tenant: TenantId, key: string): Promise<V | undefined> {
    const entry = this.live(tenant, key);
    return entry ? (JSON.parse(entry.json) as V) : undefined;
  }

  async set(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<void> {
    assertTtl(ttlMs);
    this.values.of(tenant, true).set(key, { json: valueJson(value), expiresAt: this.expiry(ttlMs) });
    this.wrote();
  }

  async delete(tenant: TenantId, key: string): Promise<boolean> {
    const existed = this.live(tenant, key) !== undefined;
    this.values.of(tenant)?.delete(key);
    return existed;
  }

  async setIfAbsent(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    assertTtl(ttlMs);
    const json = valueJson(value);
    if (this.live(tenant, key)) return false;
    this.values.of(tenant, true).set(key, { json, expiresAt: this.expiry(ttlMs) });
    this.wrote();
    return true;
  }

  async increment(tenant: TenantId, key: string, by = 1, ttlMs?: number): Promise<number> {
    assertTtl(ttlMs);
    const entry = this.live(tenant, key);
    if (!entry) {
      this.values.of(tenant, true).set(key, { json: valueJson(by), expiresAt: this.expiry(ttlMs) });
      this.wrote();
      return by;
    }
    const current = JSON.parse(entry.json) as unknown;
    if (typeof current !== 'number') {
      throw new SmmbotError('E_STORAGE', `cannot increment "${key}": its value is not a number`);
    }
    entry.json = valueJson(current + by);
    return current + by;
  }

  async acquireLock(tenant: TenantId, key: string, ttlMs: number): Promise<Lock | undefined> {
    assertTtl(ttlMs, true);
    const map = this.locks.of(tenant, true);
    const held = map.get(key);
    if (held && this.clock.now() < held.expiresAt) return undefined;
    const token = randomUUID();
    map.set(key, { token, expiresAt: this.clock.now() + ttlMs });
    this.wrote();
    return {
      key,
      token,
      release: async () => {
        if (!this.owns(tenant, key, token)) return false;
        map.delete(key);
        return true;
      },
      extend: async (ms: number) => {
        assertTtl(ms, true);
        const current = map.get(key);
        if (!current || !this.owns(tenant, key, token)) return false;
        current.expiresAt = this.clock.now() + ms;
        return true;
      },
    };
  }

  private owns(tenant: TenantId, key: string, token: string): boolean {
    const held = this.locks.of(tenant)?.get(key);
    return held !== undefined && held.token === token && this.clock.now() < held.expiresAt;
  }

  /** The member's expiry if it is live; an expired member is dropped on the way. */
  private member(tenant: TenantId, key: string, member: string): number | undefined {
    const members = this.sets.of(tenant)?.get(key);
    const at = members?.get(member);
    if (at === undefined) return undefined;
    if (this.clock.now() < at) return at;
    members?.delete(member);
    return undefined;
  }

  async setAdd(tenant: TenantId, key: string, member: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs, true);
    const added = this.member(tenant, key, member) === undefined;
    const map = this.sets.of(tenant, true);
    const members = map.get(key) ?? new Map<string, number>();
    map.set(key, members);
    members.set(member, this.clock.now() + ttlMs);
    this.wrote();
    return added;
  }

  async setHas(tenant: TenantId, key: string, member: string): Promise<boolean> {
    return this.member(tenant, key, member) !== undefined;
  }

  async setMembers(tenant: TenantId, key: string): Promise<string[]> {
    const members = this.sets.of(tenant)?.get(key);
    if (!members) return [];
    const now = this.clock.now();
    for (const [m, at] of members) if (now >= at) members.delete(m);
    return [...members.keys()].sort();
  }

  async setRemove(tenant: TenantId, key: string, member: string): Promise<boolean> {
    const live = this.member(tenant, key, member) !== undefined;
    this.sets.of(tenant)?.get(key)?.delete(member);
    return live;
  }

  async close(): Promise<void> {}
}
