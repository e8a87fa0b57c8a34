import type { Clock, StorageBackend } from '@smmbot/core';
import { MemoryKeyValueStore } from './kv-store.js';
import { MemoryRecordStore } from './record-store.js';

/** Both storage halves in process memory; every TTL runs on `clock`. */
export function createMemoryStorage(clock: Clock): StorageBackend & {
  records: MemoryRecordStore;
  kv: MemoryKeyValueStore;
} {
  return { records: new MemoryRecordStore(), kv: new MemoryKeyValueStore(clock) };
}
