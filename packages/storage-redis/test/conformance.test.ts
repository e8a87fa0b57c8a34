import { VirtualClock } from '@smmbot/core';
import { realServerUrl, storageConformance } from '@smmbot/core/testing';
import { createMemoryStorage } from '@smmbot/storage-memory';
import { describe } from 'vitest';
import { createRedisKv } from '../src/index.js';
import { deletePrefix, testPrefix } from './helpers.js';

const url = realServerUrl('redis');

describe.skipIf(!url)('redis kv', () => {
  const server = url ?? '';
  // Redis provides the key-value half only; the memory RecordStore is a placeholder for the other.
  storageConformance(
    'redis (kv)',
    async () => {
      const clock = new VirtualClock();
      const prefix = testPrefix();
      const kv = createRedisKv({ url: server, clock, prefix });
      const { records } = createMemoryStorage(clock);
      return { backend: { records, kv }, clock, cleanup: async () => void (await deletePrefix(server, prefix)) };
    },
    { parts: ['kv'] },
  );
});
