import type { Clock, KeyValueStore, TenantId } from '@smmbot/core';

/** How long the same command (same verb, same ids) from the same person is refused: rapid repeats. */
export const COMMAND_REPEAT_MS = 5_000;
/** An order+action claim lives this long while its dispatch runs; success replaces it with the cooldown. */
const CLAIM_MS = 2 * 60_000;

interface Entry {
  until: number;
}

/**
 * Cooldowns in the key-value store, with TTLs on the injected clock:
 * - order+action (`cooldown_seconds`): claimed atomically before dispatch (a concurrent request for the
 *   same order and action is refused), confirmed only after a successful dispatch, released otherwise;
 * - per person and command (`COMMAND_REPEAT_MS`): rapid repeats of the same command;
 * - balance (`balance_cooldown_seconds`): set after a balance was shown.
 * Each entry stores when it ends, so refusals can say how long to wait.
 */
export class Cooldowns {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds left on a key, or undefined when it is free. */
  async remaining(tenant: TenantId, key: string): Promise<number | undefined> {
    const entry = await this.kv.get<Entry>(tenant, key);
    if (!entry) return undefined;
    const left = entry.until - this.clock.now();
    return left > 0 ? left : undefined;
  }

  /** Takes the key for `ttlMs` if it is free; otherwise returns the milliseconds left on it. */
  async take(tenant: TenantId, key: string, ttlMs: number): Promise<number | undefined> {
    if (ttlMs <= 0) return undefined;
    const until = this.clock.now() + ttlMs;
    if (await this.kv.setIfAbsent(tenant, key, { until } satisfies Entry, ttlMs)) return undefined;
    return (await this.remaining(tenant, key)) ?? 1000;
  }

  async set(tenant: TenantId, key: string, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    await this.kv.set(tenant, key, { until: this.clock.now() + ttlMs } satisfies Entry, ttlMs);
  }

  async release(tenant: TenantId, key: string): Promise<void> {
    await this.kv.delete(tenant, key);
  }

  /** Claims order+action for the dispatch; returns the wait when it is cooling down or being handled. */
  claimOrder(tenant: TenantId, action: string, orderId: string, cooldownMs: number): Promise<number | undefined> {
    if (cooldownMs <= 0) return Promise.resolve(undefined);
    return this.take(tenant, orderKey(action, orderId), Math.min(CLAIM_MS, cooldownMs));
  }

  confirmOrder(tenant: TenantId, action: string, orderId: string, cooldownMs: number): Promise<void> {
    return this.set(tenant, orderKey(action, orderId), cooldownMs);
  }

  releaseOrder(tenant: TenantId, action: string, orderId: string): Promise<void> {
    return this.release(tenant, orderKey(action, orderId));
  }

  /** Refuses a repeat of the same command within COMMAND_REPEAT_MS; returns the wait, or undefined. */
  command(tenant: TenantId, actorKey: string, signature: string): Promise<number | undefined> {
    return this.take(tenant, `cooldown:cmd:${actorKey}:${signature}`, COMMAND_REPEAT_MS);
  }

  balanceWait(tenant: TenantId, actorKey: string): Promise<number | undefined> {
    return this.remaining(tenant, balanceKey(actorKey));
  }

  markBalance(tenant: TenantId, actorKey: string, ms: number): Promise<void> {
    return this.set(tenant, balanceKey(actorKey), ms);
  }
}

export const orderKey = (action: string, orderId: string) => `cooldown:order:${action}:${orderId}`;
const balanceKey = (actorKey: string) => `cooldown:balance:${actorKey}`;
