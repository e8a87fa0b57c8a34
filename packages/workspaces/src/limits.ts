import { type Clock, type KeyValueStore, SYSTEM_TENANT } from '@smmbot/core';

export interface Window {
  limit: number;
  windowMs: number;
}

/**
 * Fixed-window counters in the installation's key-value scope (shared by every host process on the
 * same store). `hit` counts and answers; `peek`/`add`/`reset` let login count failures only.
 */
export class RateLimiter {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  /** Counts one event; `retryAfterMs` is set when this one is over the limit. */
  async hit(name: string, w: Window): Promise<{ ok: boolean; retryAfterMs: number }> {
    const { key, retryAfterMs } = this.slot(name, w);
    const n = await this.kv.increment(SYSTEM_TENANT, key, 1, w.windowMs);
    return { ok: n <= w.limit, retryAfterMs };
  }

  /** Whether the window is already full (without counting). */
  async full(name: string, w: Window): Promise<{ full: boolean; retryAfterMs: number }> {
    const { key, retryAfterMs } = this.slot(name, w);
    const n = (await this.kv.get<number>(SYSTEM_TENANT, key)) ?? 0;
    return { full: n >= w.limit, retryAfterMs };
  }

  async add(name: string, w: Window): Promise<void> {
    await this.kv.increment(SYSTEM_TENANT, this.slot(name, w).key, 1, w.windowMs);
  }

  async reset(name: string, w: Window): Promise<void> {
    await this.kv.delete(SYSTEM_TENANT, this.slot(name, w).key);
  }

  private slot(name: string, w: Window): { key: string; retryAfterMs: number } {
    const now = this.clock.now();
    const index = Math.floor(now / w.windowMs);
    return { key: `workspaces:rl:${name}:${index}`, retryAfterMs: (index + 1) * w.windowMs - now };
  }
}
