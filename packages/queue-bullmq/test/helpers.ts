import { randomUUID } from 'node:crypto';
import { type BotPlugin, type KeyValueStore, type StorageBackend, Tokens } from '@smmbot/core';
import { realServerUrl } from '@smmbot/core/testing';

export { crashableKv } from '@smmbot/core/testing';
import { Redis } from 'ioredis';
import { BULLMQ_REDIS_OPTIONS } from '../src/index.js';

export const url = realServerUrl('redis');

/** A BullMQ prefix of its own for each test, so tests sharing one server never see each other's jobs. */
export function testPrefix(): string {
  return `smmbot-bull-test-${randomUUID().slice(0, 8)}`;
}

/** A client for one "worker process" (each has its own connection, as separate processes would). */
export function connect(): Redis {
  return new Redis(url!, BULLMQ_REDIS_OPTIONS);
}

/** Deletes every key under a prefix (SCAN + UNLINK): all queues, jobs and job schedulers of a test. */
export async function deletePrefix(prefix: string): Promise<void> {
  const admin = new Redis(url!, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await admin.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await admin.quit();
  }
}

/** Resolves once `condition` holds: checked on every poll tick until `timeoutMs`, then fails with `what`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * One storage-memory backend shared by several engines: the stand-in for the shared PostgreSQL +
 * Redis a real deployment has. Each engine gets a view whose `close` leaves the backend open.
 */
export function sharedStorage(backend: StorageBackend, kv: KeyValueStore = backend.kv): BotPlugin {
  return {
    name: 'shared-store',
    register: (c) => {
      c.register(Tokens.Store, {
        useValue: { collection: backend.records.collection.bind(backend.records), close: async () => {} },
      });
      c.register(Tokens.Kv, { useValue: Object.assign(Object.create(kv), { close: async () => {} }) });
    },
  };
}
