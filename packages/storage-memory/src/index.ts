import { memoryStorage } from './plugin.js';

export { createMemoryStorage } from './backend.js';
export { MemoryKeyValueStore } from './kv-store.js';
export { memoryStorage } from './plugin.js';
export { MemoryCollection, MemoryRecordStore } from './record-store.js';

export default memoryStorage;
