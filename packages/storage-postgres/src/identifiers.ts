import { createHash } from 'node:crypto';
import { SmmbotError } from '@smmbot/core';

/** PostgreSQL silently truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_BYTES = 63;
const HASH_CHARS = 12;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const COLLECTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

/** Quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A name that fits in 63 bytes. Longer names (a long collection name plus its index fields) keep a
 * readable prefix and a hash of the whole name, so two long names never truncate to the same one.
 */
export function fitName(name: string): string {
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, HASH_CHARS);
  return `${name.slice(0, MAX_IDENTIFIER_BYTES - HASH_CHARS - 1)}_${hash}`;
}

export function assertSchemaName(schema: string): void {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new SmmbotError(
      'E_CONFIG_INVALID',
      `invalid PostgreSQL schema name ${JSON.stringify(schema)}: use letters, digits and _ (at most 63)`,
    );
  }
}

export function assertCollectionName(name: string): void {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
    throw new SmmbotError('E_STORAGE', `invalid collection name ${JSON.stringify(name)}`);
  }
}

/** The table of a collection (same `c_` prefix as the SQLite backend). */
export function collectionTable(name: string): string {
  return fitName(`c_${name}`);
}
