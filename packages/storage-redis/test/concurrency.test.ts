import { VirtualClock } from '@smmbot/core';
import { realServerUrl } from '@smmbot/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisKv, type RedisKeyValueStore } from '../src/index.js';
import { deletePrefix, testPrefix } from './helpers.js';

const url = realServerUrl('redis');
const PROCESSES = 4;
const CALLS = 200;

/**
 * Four stores with a connection each stand for four processes of one deployment: same prefix, same
 * (virtual) time. Atomicity must come from the Lua scripts, not from one client's ordering.
 */
describe.skipIf(!url)('redis kv across connections', () => {
  const server = url ?? '';
  let stores: RedisKeyValueStore[] = [];
  let prefix = '';
  const clock = new VirtualClock();

  function openProcesses(): RedisKeyValueStore[] {
    prefix = testPrefix();
    stores = Array.from({ length: PROCESSES }, () => createRedisKv({ url: server, clock, prefix }));
    return stores;
  }

  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
    await deletePrefix(server, prefix);
  });

  it('uses four separate connections', async () => {
    const ids = await Promise.all(openProcesses().map((s) => s.client.client('ID')));
    expect(new Set(ids).size).toBe(PROCESSES);
  });

  it(`${CALLS} concurrent setIfAbsent calls from ${PROCESSES} connections: exactly one winner`, async () => {
    const procs = openProcesses();
    const results = await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        procs[i % PROCESSES]!.setIfAbsent('acme', 'dedupe:msg-1', `w${i}`, 60_000),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    for (const store of procs) expect(await store.get('acme', 'dedupe:msg-1')).toBe(`w${winner}`);
  });

  it(`${CALLS} concurrent acquireLock calls from ${PROCESSES} connections: exactly one holder`, async () => {
    const procs = openProcesses();
    const locks = await Promise.all(
      Array.from({ length: CALLS }, (_, i) => procs[i % PROCESSES]!.acquireLock('acme', 'job:sync', 30_000)),
    );
    const held = locks.filter((l) => l !== undefined);
    expect(held).toHaveLength(1);
    expect(await procs[0]!.acquireLock('acme', 'job:sync', 30_000)).toBeUndefined();
    expect(await held[0]!.release()).toBe(true);
    const again = await procs[3]!.acquireLock('acme', 'job:sync', 30_000);
    expect(again).toBeDefined();
    await again?.release();
  });

  it('concurrent increments from all connections lose no update', async () => {
    const procs = openProcesses();
    const values = await Promise.all(
      Array.from({ length: CALLS }, (_, i) => procs[i % PROCESSES]!.increment('acme', 'hits', 1, 60_000)),
    );
    expect(new Set(values).size).toBe(CALLS);
    expect(await procs[2]!.get('acme', 'hits')).toBe(CALLS);
  });

  it('a stale owner cannot release or extend after its lock expired and another process took it', async () => {
    const [a, b] = openProcesses();
    const stale = await a!.acquireLock('acme', 'order:42', 1000);
    expect(stale).toBeDefined();
    await clock.advance(1001);
    const fresh = await b!.acquireLock('acme', 'order:42', 1000);
    expect(fresh).toBeDefined();
    expect(await stale!.release()).toBe(false);
    expect(await stale!.extend(60_000)).toBe(false);
    // The new owner's lock is untouched: still held, still with its own token and expiry.
    const raw = await b!.client.hgetall(b!.redisKey('acme', 'lock', 'order:42'));
    expect(raw).toEqual({ t: fresh!.token, x: String(clock.now() + 1000) });
    expect(await a!.acquireLock('acme', 'order:42', 1000)).toBeUndefined();
    expect(await fresh!.release()).toBe(true);
  });
});
