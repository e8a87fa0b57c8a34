import { postgresStorage } from './plugin.js';

export { createPostgresStorage, type PostgresStorage, type PostgresStorageOptions } from './backend.js';
export type { PostgresCapabilities } from './capabilities.js';
export { PgDatabase } from './database.js';
export { isConnectionLoss, redactUrl } from './errors.js';
export { PostgresKeyValueStore } from './kv-store.js';
export { ADVISORY_NAMESPACE, MIGRATIONS, type Migration, runMigrations } from './migrations.js';
export { DEFAULT_SCHEMA, PLUGIN_NAME, postgresOptions, postgresStorage } from './plugin.js';
export { PostgresCollection, PostgresRecordStore } from './record-store.js';
export { indexDefinitions } from './schema.js';

export default postgresStorage;
