import { SmmbotError } from '@smmbot/core';
import pg from 'pg';
import { closedError, secretsOf, storageError } from './errors.js';
import { assertSchemaName, ident } from './identifiers.js';

export interface DatabaseOptions {
  /** `postgres://user:password@host:5432/db`; ignored when `pool` is given. */
  url?: string;
  /** A pool the caller owns: used as is, and not ended by `close()`. */
  pool?: pg.Pool;
  /** Connections in the pool this backend creates. Default 10. */
  poolMax?: number;
  /** Schema holding every table; created when missing. */
  schema: string;
  /** Told about idle connections the server dropped (the pool replaces them). */
  onIdleError?: (err: Error) => void;
}

/** Anything that runs a query: the pool, or a client checked out for a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;
export type Row = pg.QueryResultRow;

const DEFAULT_POOL_MAX = 10;
/** A dead server fails a call after this long instead of leaving it waiting for a connection forever. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The pool shared by the record store and the key-value store: every query goes through `query`,
 * which maps driver errors to SmmbotError, and the pool is ended when the last user releases it.
 */
export class PgDatabase {
  readonly pool: pg.Pool;
  readonly schema: string;
  private readonly ownsPool: boolean;
  private readonly secrets: string[];
  private readonly onIdleError: (err: Error) => void;
  private users = 0;
  private ending: Promise<void> | undefined;

  constructor(options: DatabaseOptions) {
    assertSchemaName(options.schema);
    this.schema = options.schema;
    this.secrets = secretsOf(options.url);
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else {
      this.pool = new pg.Pool({
        connectionString: checkedUrl(options.url),
        max: options.poolMax ?? DEFAULT_POOL_MAX,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        application_name: 'smmbot',
      });
      this.ownsPool = true;
    }
    // An idle connection the server drops (restart, failover) is emitted on the pool; without a
    // listener Node would crash the process. The pool already discards that client.
    this.onIdleError = (err: Error) => options.onIdleError?.(err);
    this.pool.on('error', this.onIdleError);
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  /** `"schema"."name"` */
  table(name: string): string {
    return `${ident(this.schema)}.${ident(name)}`;
  }

  async query<R extends Row = Row>(
    sql: string,
    params: unknown[] = [],
    on: Queryable = this.pool,
  ): Promise<pg.QueryResult<R>> {
    if (this.ending) throw closedError();
    try {
      return await on.query<R>(sql, params);
    } catch (err) {
      throw this.error(err);
    }
  }

  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  async transaction<R>(fn: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    if (this.ending) throw closedError();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.error(err);
    }
    let broken: Error | undefined;
    try {
      await this.query('BEGIN', [], client);
      const result = await fn(client);
      await this.query('COMMIT', [], client);
      return result;
    } catch (err) {
      // A failed ROLLBACK means the connection itself is gone: release it as broken so it is not reused.
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken = rollbackErr;
      });
      throw this.error(err);
    } finally {
      client.release(broken);
    }
  }

  error(err: unknown): SmmbotError {
    return storageError(err, this.secrets);
  }

  retain(): void {
    this.users++;
  }

  /** Drops one user; ends the pool (if this backend created it) when none is left. */
  async release(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) await this.end();
  }

  end(): Promise<void> {
    if (!this.ending) {
      // A pool the caller owns outlives this backend: take back the listener, leave the pool open.
      if (!this.ownsPool) this.pool.off('error', this.onIdleError);
      this.ending = this.ownsPool ? this.pool.end().catch(() => undefined) : Promise.resolve();
    }
    return this.ending;
  }
}

/** Rejects what is not a postgres:// URL without echoing it (it may carry a password). */
function checkedUrl(url: string | undefined): string {
  let protocol: string | undefined;
  try {
    protocol = url ? new URL(url).protocol : undefined;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new SmmbotError(
      'E_CONFIG_INVALID',
      'PostgreSQL storage needs `url` (postgres://user:password@host:5432/database) or a `pool`',
    );
  }
  return url as string;
}
