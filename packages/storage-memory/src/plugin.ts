import { definePlugin, Tokens } from '@smmbot/core';
import { MemoryKeyValueStore } from './kv-store.js';
import { z } from 'zod';
import { MemoryRecordStore } from './record-store.js';

export const PLUGIN_NAME = '@smmbot/storage-memory';

/**
 * Registers an in-memory RecordStore (Tokens.Store) and KeyValueStore (Tokens.Kv). Each is created
 * once, on first resolve; the key-value store uses the engine's Clock (Tokens.Clock).
 */
export const memoryStorage = definePlugin({
  name: PLUGIN_NAME,
  options: z.object({}),
  setup: () => {
    let records: MemoryRecordStore | undefined;
    let kv: MemoryKeyValueStore | undefined;
    return {
      name: PLUGIN_NAME,
      register(container) {
        container.register(Tokens.Store, { useFactory: () => (records ??= new MemoryRecordStore()) });
        container.register(Tokens.Kv, {
          useFactory: (c) => (kv ??= new MemoryKeyValueStore(c.resolve(Tokens.Clock))),
        });
      },
    };
  },
});
