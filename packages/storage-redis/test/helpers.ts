import { randomUUID } from 'node:crypto';
import { type Clock, VirtualClock } from '@smmbot/core';
import { Redis } from 'ioredis';
import { createRedisKv, type RedisKeyValueStore } from '../src/index.js';

/** A key prefix of its own for each test, so tests sharing one server never see each other's keys. */
export function testPrefix(): string {
  return `smmbot-test-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under a prefix (SCAN + UNLINK), with a client of its own. */
export async function deletePrefix(url: string, prefix: string): Promise<number> {
  const admin = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await admin.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    await admin.quit();
  }
}

/** Every key under a prefix, sorted (SCAN, never KEYS). */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

export interface KvFixture {
  kv: RedisKeyValueStore;
  clock: VirtualClock;
  prefix: string;
  /** Closes the store and deletes the prefix's keys. */
  done(): Promise<void>;
}

/** A store on a fresh prefix and a virtual clock. */
export function openKv(url: string, options: { clock?: Clock; expiryGraceMs?: number } = {}): KvFixture {
  const clock = new VirtualClock();
  const prefix = testPrefix();
  const kv = createRedisKv({ url, clock: options.clock ?? clock, prefix, expiryGraceMs: options.expiryGraceMs });
  return {
    kv,
    clock,
    prefix,
    async done() {
      await kv.close();
      await deletePrefix(url, prefix);
    },
  };
}
