import type { PgDatabase } from './database.js';
import { advisoryLock } from './migrations.js';
import { ident } from './identifiers.js';

/** What this database offers, found at startup; warnings say what is degraded and why. */
export interface PostgresCapabilities {
  /** Quoted schema of the pg_trgm extension (for `gin_trgm_ops`); undefined: `contains` scans. */
  trigramSchema: string | undefined;
  /**
   * Strings inside jsonb compare with the database's default collation. True when that is code-point
   * order (C, POSIX, C.UTF-8), the order every other backend sorts and compares strings in.
   */
  codePointOrder: boolean;
  /** ILIKE folds non-ASCII case (needs a UTF-8 LC_CTYPE): `contains: 'под'` matches 'ПОД'. */
  unicodeCaseFolding: boolean;
  warnings: string[];
}

const TRGM_SCHEMA_SQL = `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
  WHERE e.extname = 'pg_trgm'`;

/**
 * Makes pg_trgm available (it is a trusted extension since PostgreSQL 13: a database owner or anyone
 * with CREATE on the database may install it). It goes in `public` when that schema exists, not in
 * the storage's own schema: extensions are per database, and dropping a schema would drop the
 * extension, and with it the trigram indexes of every other schema. Returns undefined (with a
 * warning) when it is not installed and cannot be.
 */
export async function ensureTrigram(db: PgDatabase, warnings: string[]): Promise<string | undefined> {
  const found = await db.query<{ nspname: string }>(TRGM_SCHEMA_SQL);
  if (found.rows[0]) return ident(found.rows[0].nspname);
  try {
    return await db.transaction(async (client) => {
      await advisoryLock(db, client, 'extension:pg_trgm');
      const publicExists = await db.query("SELECT 1 FROM pg_namespace WHERE nspname = 'public'", [], client);
      const target = ident(publicExists.rowCount ? 'public' : db.schema);
      await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA ${target}`, [], client);
      const installed = await db.query<{ nspname: string }>(TRGM_SCHEMA_SQL, [], client);
      return installed.rows[0] ? ident(installed.rows[0].nspname) : undefined;
    });
  } catch (err) {
    warnings.push(
      `pg_trgm is not available (${db.error(err).message}); contains filters will scan instead of using a ` +
        'trigram index. Ask the database owner to run CREATE EXTENSION pg_trgm.',
    );
    return undefined;
  }
}

/** Tests the two collation-dependent behaviours the conformance suite pins. */
export async function probeTextSemantics(
  db: PgDatabase,
  warnings: string[],
): Promise<Pick<PostgresCapabilities, 'codePointOrder' | 'unicodeCaseFolding'>> {
  const { rows } = await db.query<{ code_point: boolean; folds: boolean }>(
    `SELECT '"B"'::jsonb < '"a"'::jsonb AND '"z"'::jsonb < '"ä"'::jsonb AS code_point,
            'ПОДПИСЧИКИ' ILIKE '%подпис%' AS folds`,
  );
  const codePointOrder = rows[0]?.code_point === true;
  const unicodeCaseFolding = rows[0]?.folds === true;
  if (!codePointOrder) {
    warnings.push(
      "the database's default collation is not code-point order: sorting and gt/lt on string fields follow " +
        'it instead of the order other backends use; create the database with LC_COLLATE C.UTF-8 (or C)',
    );
  }
  if (!unicodeCaseFolding) {
    warnings.push(
      "the database's LC_CTYPE does not fold non-ASCII case: contains is case-insensitive for ASCII only; " +
        'create the database with a UTF-8 LC_CTYPE such as C.UTF-8',
    );
  }
  return { codePointOrder, unicodeCaseFolding };
}
