import { sqliteStorage } from './plugin.js';

export { createSqliteStorage, type SqliteStorage, type SqliteStorageOptions } from './backend.js';
export { SqliteConnection } from './connection.js';
export { SqliteKeyValueStore } from './kv-store.js';
export { MIGRATIONS, type Migration, runMigrations } from './migrations.js';
export { DEFAULT_PATH, sqliteStorage } from './plugin.js';
export { SqliteCollection, SqliteRecordStore } from './record-store.js';

export default sqliteStorage;
