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
import type { Redis } from 'ioredis';
import { ConnectionErrors, type RedisTarget, storageError } from './connection.js';
import type { KeyBuilder, KeyKind } from './keys.js';
import { defineScripts, MAX_BACKSTOP_MS, NOT_A_NUMBER, NOT_FINITE, type ScriptedRedis } from './scripts.js';

export interface RedisKeyValueStoreOptions {
  target: RedisTarget;
  clock: Clock;
  keys: KeyBuilder;
  /** How long Redis keeps a key after its clock expiry (the PEXPIRE backstop). */
  expiryGraceMs: number;
}

/**
 * KeyValueStore on Redis. Expiry is decided by the injected Clock: each value, lock and set member
 * stores its expiry in clock milliseconds, and every read and script compares it with `clock.now()`.
 * Redis's own TTL (PEXPIRE) is only a backstop, set to the TTL plus a grace, so keys nobody reads
 * again are still reclaimed. Every check-and-set is one Lua script (see scripts.ts), so it is
 * atomic across all processes sharing the server.
 */
export class RedisKeyValueStore implements KeyValueStore {
  private readonly redis: ScriptedRedis;
  private readonly errors: ConnectionErrors;
  private isClosed = false;

  constructor(private readonly options: RedisKeyValueStoreOptions) {
    this.redis = defineScripts(options.target.client);
    this.errors = new ConnectionErrors(options.target.client);
  }

  /** The ioredis client (for inspection and tests; the store's methods are the interface). */
  get client(): Redis {
    return this.options.target.client;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get prefix(): string {
    return this.options.keys.prefix;
  }

  get expiryGraceMs(): number {
    return this.options.expiryGraceMs;
  }

  /** The Redis key an entry lives under: `<prefix>:<tenant>:<v|l|s>:<key>`, tenant and key escaped. */
  redisKey(tenant: TenantId, kind: KeyKind, key: string): string {
    return this.options.keys.key(tenant, kind, key);
  }

  private now(): string {
    return String(this.options.clock.now());
  }

  /** Expiry (clock ms) and backstop (Redis ms) for a TTL; empty expiry when there is none. */
  private expiry(ttlMs: number | undefined): { expiry: string; backstop: string } {
    if (ttlMs === undefined) return { expiry: '', backstop: '0' };
    return {
      expiry: String(this.options.clock.now() + ttlMs),
      backstop: String(Math.min(Math.ceil(ttlMs + this.options.expiryGraceMs), MAX_BACKSTOP_MS)),
    };
  }

  /** Runs one Redis call, with every failure turned into a SmmbotError (E_STORAGE). */
  private async call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    if (this.isClosed) throw new SmmbotError('E_STORAGE', `redis kv ${op} failed: the store is closed`);
    try {
      return await fn();
    } catch (err) {
      throw storageError(this.options.target, this.errors, op, err);
    }
  }

  async get<V = unknown>(tenant: TenantId, key: string): Promise<V | undefined> {
    const k = this.redisKey(tenant, 'value', key);
    const [json, expiry] = await this.call('get', () => this.redis.hmget(k, 'v', 'x'));
    if (json === null || json === undefined) return undefined;
    if (expiry && Number(expiry) <= this.options.clock.now()) return undefined;
    return JSON.parse(json) as V;
  }

  async set(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<void> {
    const k = this.redisKey(tenant, 'value', key);
    assertTtl(ttlMs);
    const json = valueJson(value);
    const { expiry, backstop } = this.expiry(ttlMs);
    await this.call('set', () => this.redis.smmbotKvSet(k, this.now(), json, expiry, backstop));
  }

  async delete(tenant: TenantId, key: string): Promise<boolean> {
    const k = this.redisKey(tenant, 'value', key);
    return (await this.call('delete', () => this.redis.smmbotKvDelete(k, this.now()))) === 1;
  }

  async setIfAbsent(tenant: TenantId, key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    const k = this.redisKey(tenant, 'value', key);
    assertTtl(ttlMs);
    const json = valueJson(value);
    const { expiry, backstop } = this.expiry(ttlMs);
    const stored = await this.call('setIfAbsent', () =>
      this.redis.smmbotKvSetIfAbsent(k, this.now(), json, expiry, backstop),
    );
    return stored === 1;
  }

  async increment(tenant: TenantId, key: string, by = 1, ttlMs?: number): Promise<number> {
    const k = this.redisKey(tenant, 'value', key);
    assertTtl(ttlMs);
    if (typeof by !== 'number' || !Number.isFinite(by)) throw new SmmbotError('E_STORAGE', 'increment needs a number');
    const { expiry, backstop } = this.expiry(ttlMs);
    const text = await this.call('increment', async () => {
      try {
        return await this.redis.smmbotKvIncrement(k, this.now(), String(by), expiry, backstop);
      } catch (err) {
        const message = err instanceof Error ? err.message : '';
        if (message.includes(NOT_A_NUMBER)) {
          throw new SmmbotError('E_STORAGE', `cannot increment "${key}": its value is not a number`);
        }
        if (message.includes(NOT_FINITE)) {
          throw new SmmbotError('E_STORAGE', `cannot increment "${key}": the result is not a finite number`);
        }
        throw err;
      }
    });
    return JSON.parse(String(text)) as number;
  }

  async acquireLock(tenant: TenantId, key: string, ttlMs: number): Promise<Lock | undefined> {
    const k = this.redisKey(tenant, 'lock', key);
    assertTtl(ttlMs, true);
    const token = randomUUID();
    const { expiry, backstop } = this.expiry(ttlMs);
    const taken = await this.call('acquireLock', () =>
      this.redis.smmbotLockAcquire(k, this.now(), token, expiry, backstop),
    );
    if (taken !== 1) return undefined;
    return {
      key,
      token,
      // Both scripts compare the owner token and the clock expiry before they change anything.
      release: async () =>
        (await this.call('lock.release', () => this.redis.smmbotLockRelease(k, this.now(), token))) === 1,
      extend: async (ms: number) => {
        assertTtl(ms, true);
        const next = this.expiry(ms);
        const extended = await this.call('lock.extend', () =>
          this.redis.smmbotLockExtend(k, this.now(), token, next.expiry, next.backstop),
        );
        return extended === 1;
      },
    };
  }

  async setAdd(tenant: TenantId, key: string, member: string, ttlMs: number): Promise<boolean> {
    const k = this.redisKey(tenant, 'set', key);
    assertTtl(ttlMs, true);
    const { expiry } = this.expiry(ttlMs);
    const grace = String(this.options.expiryGraceMs);
    return (await this.call('setAdd', () => this.redis.smmbotSetAdd(k, this.now(), member, expiry, grace))) === 1;
  }

  async setHas(tenant: TenantId, key: string, member: string): Promise<boolean> {
    const k = this.redisKey(tenant, 'set', key);
    const score = await this.call('setHas', () => this.redis.zscore(k, member));
    return score !== null && Number(score) > this.options.clock.now();
  }

  async setMembers(tenant: TenantId, key: string): Promise<string[]> {
    const k = this.redisKey(tenant, 'set', key);
    const members = await this.call('setMembers', () => this.redis.smmbotSetMembers(k, this.now()));
    // Sorted by member, as the SQL backends return them, rather than by expiry.
    return (members as string[]).sort();
  }

  async setRemove(tenant: TenantId, key: string, member: string): Promise<boolean> {
    const k = this.redisKey(tenant, 'set', key);
    return (await this.call('setRemove', () => this.redis.smmbotSetRemove(k, this.now(), member))) === 1;
  }

  /**
   * Quits the connection if this store opened it (from a URL); a client passed in stays open for
   * its owner. Either way the store stops listening to the client and refuses further calls.
   */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    const { client, owned } = this.options.target;
    if (owned && client.status === 'ready') {
      // QUIT lets replies in flight arrive; wait for the socket to end so nothing outlives close().
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      await client.quit().catch(() => client.disconnect());
      await ended;
    } else if (owned) {
      // Not connected (connecting or between reconnect attempts): stop the reconnect loop.
      client.disconnect();
    }
    // After quitting, so a last connection error while closing still has a listener.
    this.errors.detach();
  }
}
