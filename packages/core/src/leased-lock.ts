import type { Clock, TimerHandle } from './clock.js';
import type { KeyValueStore, Lock, TenantId } from './storage.js';

/** How long a leased lock lives unless renewed: a holder killed mid-run frees it this soon. */
export const DEFAULT_LOCK_LEASE_MS = 30_000;

export interface LeasedLock {
  readonly lock: Lock;
  /** Stops renewing and releases the lock (false when it was no longer ours). */
  release(): Promise<boolean>;
}

/**
 * Takes a kv lock as a lease: its TTL is `leaseMs`, extended every third of a lease while the
 * holder lives, never past `maxMs` from the take (the most a run may hold it, as before). A lock
 * taken once for the whole `maxMs` outlives a process killed mid-run by all of it: the job or the
 * ticket it guards then waits minutes for no one. A live holder keeps it exactly as long as before.
 */
export async function acquireLeasedLock(
  kv: KeyValueStore,
  tenant: TenantId,
  key: string,
  options: { maxMs: number; clock: Clock; leaseMs?: number },
): Promise<LeasedLock | undefined> {
  const { clock, maxMs } = options;
  const leaseMs = Math.min(options.leaseMs ?? DEFAULT_LOCK_LEASE_MS, maxMs);
  const lock = await kv.acquireLock(tenant, key, leaseMs);
  if (!lock) return undefined;
  const deadline = clock.now() + maxMs;
  let timer: TimerHandle | undefined;
  let ended = false;
  const arm = () => {
    if (!ended) timer = clock.setTimeout(renew, Math.max(1, Math.floor(leaseMs / 3)));
  };
  const renew = () => {
    timer = undefined;
    const left = deadline - clock.now();
    if (ended || left <= 0) return;
    lock.extend(Math.min(leaseMs, left)).then(
      (ours) => {
        if (ours) arm();
      },
      // The store is unreachable for now: the next tick tries again while the lease may still be ours.
      () => arm(),
    );
  };
  if (leaseMs < maxMs) arm();
  return {
    lock,
    release() {
      ended = true;
      if (timer) clock.clearTimeout(timer);
      return lock.release();
    },
  };
}
