import type { Logger, TenantId } from '@smmbot/core';
import type { TenantBalancer } from './tenant.js';

interface Running {
  scheduler: TenantBalancer;
  ready: Promise<TenantBalancer>;
}

/**
 * The tenant schedulers running in this process, each started (its unfinished jobs recovered) on
 * first use. One process runs them all; in leased mode only the leader does, and forgets them
 * when it loses the lease.
 */
export class Schedulers {
  private readonly running = new Map<TenantId, Running>();
  /** Stopped and forgotten schedulers whose platform calls may still be in flight. */
  private retiring: TenantBalancer[] = [];

  constructor(
    private readonly create: (tenant: TenantId) => TenantBalancer,
    private readonly logger: Logger,
  ) {}

  get(tenant: TenantId): Promise<TenantBalancer> {
    let r = this.running.get(tenant);
    if (!r) {
      const scheduler = this.create(tenant);
      const ready = scheduler.start().then((recovered) => {
        if (recovered) this.logger.info({ tenant, recovered }, 'send queue recovered unfinished jobs');
        return scheduler;
      });
      const entry: Running = { scheduler, ready };
      // A start that failed (the store was down) is tried again on next use, not remembered.
      ready.catch(() => {
        if (this.running.get(tenant) === entry) this.running.delete(tenant);
        scheduler.stop();
      });
      this.running.set(tenant, entry);
      r = entry;
    }
    return r.ready;
  }

  /** The tenant's scheduler if it runs here (without starting one). */
  find(tenant: TenantId): Promise<TenantBalancer> | undefined {
    return this.running.get(tenant)?.ready;
  }

  /**
   * Stops every scheduler at once: no new decision or platform call; calls in flight finish and
   * record their outcome. With `forget` they are dropped (the lease was lost), and a later `get`
   * starts afresh from the store.
   */
  stopAll(forget: boolean): void {
    for (const { scheduler } of this.running.values()) {
      scheduler.stop();
      if (forget) this.retiring.push(scheduler);
    }
    if (forget) this.running.clear();
  }

  /** Resolves once the forgotten schedulers' platform calls have finished. */
  async retired(): Promise<void> {
    for (;;) {
      const active = this.retiring.flatMap((t) => [...t.active]);
      if (active.length === 0) break;
      await Promise.allSettled(active);
    }
    this.retiring = [];
  }

  /** Resolves when nothing is in flight and nothing due can start now. */
  async idle(): Promise<void> {
    for (;;) {
      const all = await Promise.all([...this.running.values()].map((r) => r.ready));
      const active = [...all, ...this.retiring].flatMap((t) => [...t.active]);
      if (active.length === 0) return;
      await Promise.allSettled(active);
    }
  }
}
