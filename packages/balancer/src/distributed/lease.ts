import type { Clock, KeyValueStore, Lock, Logger, TenantId, TimerHandle } from '@smmbot/core';

export interface LeaseDeps {
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  tenant: TenantId;
  key: string;
  leaseMs: number;
  renewEveryMs: number;
  /** This process now holds the lease. Not awaited: renewal goes on while the new leader loads its jobs. */
  onGained(): void;
  /** This process no longer holds it: stop acting as leader at once. */
  onLost(reason: string): void;
}

/**
 * Keeps (or keeps trying to take) one kv lock. Renewal extends it with the owner token; a failed
 * extend loses it. The process also counts the lease as lost when its own deadline passes without
 * a successful renewal (a slow or unreachable kv, a long pause): from then on another process may
 * hold it, so waiting for the kv to answer would let two leaders send.
 */
export class LeaseKeeper {
  private lock: Lock | undefined;
  private validUntil = 0;
  private tickTimer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private closed = false;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LeaseDeps) {}

  /** True while this process holds the lease by its own clock. */
  get held(): boolean {
    return this.lock !== undefined && this.deps.clock.now() < this.validUntil;
  }

  /** Tries once now, then every `renewEveryMs`; resolves after the first try. */
  start(): Promise<void> {
    this.ticking = this.tick();
    return this.ticking;
  }

  private async tick(): Promise<void> {
    this.tickTimer = undefined;
    if (this.closed) return;
    const { kv, clock, tenant, key, leaseMs, logger } = this.deps;
    // Measured before the call: the store's expiry counts from when it handled it, never earlier.
    const asked = clock.now();
    try {
      if (!this.lock) {
        const lock = await kv.acquireLock(tenant, key, leaseMs);
        if (lock && this.closed) await lock.release();
        else if (lock) {
          this.lock = lock;
          this.renewed(asked);
          this.deps.onGained();
        }
      } else {
        const lock = this.lock;
        if (await lock.extend(leaseMs)) {
          if (this.lock === lock) this.renewed(asked);
        } else this.lose('another process holds the lease');
      }
    } catch (err) {
      // Keep the lease while its deadline allows; the deadline timer gives it up otherwise.
      logger.warn({ err, key }, 'could not take or renew the balancer lease');
    }
    if (!this.closed) this.tickTimer = clock.setTimeout(() => this.nextTick(), this.deps.renewEveryMs);
  }

  private nextTick(): void {
    this.ticking = this.tick();
  }

  private renewed(asked: number): void {
    const { clock, leaseMs } = this.deps;
    // A kv may judge expiry by each caller's clock (the Redis store does): stopping a tenth early
    // keeps two leaders from overlapping while the processes' clocks are that close (NTP).
    this.validUntil = asked + leaseMs - Math.floor(leaseMs / 10);
    if (this.deadlineTimer) clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = clock.setTimeout(
      () => this.lose('the lease could not be renewed in time'),
      Math.max(0, this.validUntil - clock.now()),
    );
  }

  private lose(reason: string): void {
    if (!this.lock) return;
    this.lock = undefined;
    this.validUntil = 0;
    if (this.deadlineTimer) this.deps.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.deps.logger.warn({ key: this.deps.key, reason }, 'balancer lease lost: this process stops sending');
    this.deps.onLost(reason);
  }

  /** Gives the lease up now (this process could not act as leader); it may take it again later. */
  async resign(): Promise<void> {
    const lock = this.lock;
    if (!lock) return;
    this.lose('resigned');
    await lock.release().catch(() => false);
  }

  /** Stops renewing. With `release`, gives the lease up so another process takes over at once. */
  async close(opts: { release: boolean }): Promise<void> {
    this.closed = true;
    const { clock } = this.deps;
    if (this.tickTimer) clock.clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    await this.ticking;
    const lock = this.lock;
    if (lock) this.lose('stopping');
    if (lock && opts.release) await lock.release().catch(() => false);
  }
}
