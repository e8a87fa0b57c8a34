import { randomBytes } from 'node:crypto';
import { VirtualClock } from '@smmbot/core';
import { realServerUrl } from '@smmbot/core/testing';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createPostgresStorage, type PostgresStorage, type PostgresStorageOptions } from '../src/index.js';

/** The server's URL; undefined (with a printed notice) outside CI without one. Throws under CI=true. */
export const url = realServerUrl('postgres');

let admin: pg.Pool | undefined;
/** A small pool of this test file for set-up and inspection (schemas, EXPLAIN, pg_stat_activity). */
export function adminPool(): pg.Pool {
  admin ??= new pg.Pool({ connectionString: url, max: 3 });
  return admin;
}
afterAll(async () => {
  await admin?.end();
  admin = undefined;
});

/** A schema name no other test uses: every test gets its own tables, so files run in parallel. */
export function freshSchema(): string {
  return `smmbot_test_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  await adminPool().query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

export interface TestStorage {
  storage: PostgresStorage;
  clock: VirtualClock;
  schema: string;
  /** Closes the storage (if still open) and drops its schema. */
  cleanup(): Promise<void>;
}

/** A migrated storage in a fresh schema, on a virtual clock. */
export async function openStorage(overrides: Partial<PostgresStorageOptions> = {}): Promise<TestStorage> {
  const schema = overrides.schema ?? freshSchema();
  const clock = new VirtualClock();
  const storage = createPostgresStorage({ url, clock, schema, poolMax: 4, ...overrides });
  await storage.ready;
  return {
    storage,
    clock,
    schema,
    async cleanup() {
      await storage.close();
      await dropSchema(schema);
    },
  };
}
