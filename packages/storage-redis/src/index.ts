import { redisStorage } from './plugin.js';

export { DEFAULT_REDIS_OPTIONS, redactUrl } from './connection.js';
export { createRedisKv, DEFAULT_EXPIRY_GRACE_MS, DEFAULT_PREFIX, type RedisKvOptions } from './create.js';
export { escapeKeyPart, KeyBuilder, type KeyKind } from './keys.js';
export { RedisKeyValueStore, type RedisKeyValueStoreOptions } from './kv-store.js';
export { SCRIPTS } from './scripts.js';
export { PLUGIN_NAME, redisStorage } from './plugin.js';

export default redisStorage;
