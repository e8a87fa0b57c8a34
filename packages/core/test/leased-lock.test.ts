import { createMemoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { acquireLeasedLock, type KeyValueStore, VirtualClock } from '../src/index.js';

/** A holder's view of the store that dies with it: after `kill()` its calls never answer. */
function mortal(kv: KeyValueStore) {
  let dead = false;
  const view: KeyValueStore = Object.create(kv);
  view.acquireLock = async (tenant, key, ttlMs) => {
    const lock = await kv.acquireLock(tenant, key, ttlMs);
    if (!lock) return lock;
    return {
      key: lock.key,
      token: lock.token,
      extend: (ms) => (dead ? new Promise<boolean>(() => {}) : lock.extend(ms)),
      release: () => (dead ? new Promise<boolean>(() => {}) : lock.release()),
    };
  };
  return { view, kill: () => (dead = true) };
}

describe('acquireLeasedLock', () => {
  it('a live holder keeps the lock past its lease, up to maxMs', async () => {
    const clock = new VirtualClock(0);
    const kv = createMemoryStorage(clock).kv;
    const held = await acquireLeasedLock(kv, 't', 'job:sync', { maxMs: 300_000, leaseMs: 30_000, clock });
    expect(held).toBeDefined();
    await clock.advance(120_000);
    expect(await acquireLeasedLock(kv, 't', 'job:sync', { maxMs: 300_000, clock })).toBeUndefined();
    await clock.advance(181_000);
    const next = await acquireLeasedLock(kv, 't', 'job:sync', { maxMs: 300_000, clock });
    expect(next).toBeDefined();
    await next!.release();
    await held!.release();
  });

  it('a holder killed mid-run frees the lock within one lease, not after maxMs', async () => {
    const clock = new VirtualClock(0);
    const kv = createMemoryStorage(clock).kv;
    const worker = mortal(kv);
    const held = await acquireLeasedLock(worker.view, 't', 'ticket-lock:42', {
      maxMs: 300_000,
      leaseMs: 30_000,
      clock,
    });
    expect(held).toBeDefined();
    await clock.advance(25_000);
    worker.kill();
    await clock.advance(20_000);
    expect(await kv.acquireLock('t', 'ticket-lock:42', 1_000)).toBeUndefined();
    await clock.advance(20_000);
    expect(await kv.acquireLock('t', 'ticket-lock:42', 1_000)).toBeDefined();
  });

  it('release stops the renewals', async () => {
    const clock = new VirtualClock(0);
    const kv = createMemoryStorage(clock).kv;
    const held = await acquireLeasedLock(kv, 't', 'k', { maxMs: 60_000, leaseMs: 3_000, clock });
    expect(await held!.release()).toBe(true);
    expect(clock.pending).toBe(0);
  });
});
