import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SmmbotError } from '@smmbot/core';
import Database from 'better-sqlite3';

export type Statement = Database.Statement<unknown[]>;

export interface ConnectionOptions {
  /** How long a write waits for another process's write lock before failing (ms). */
  busyTimeoutMs?: number;
}

const MAX_CACHED_STATEMENTS = 1000;

/**
 * One better-sqlite3 connection shared by the record store and the key-value store: WAL mode,
 * busy_timeout, prepared statements cached by SQL text, and a reference count so the file is closed
 * when the last user closes it.
 */
export class SqliteConnection {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Statement>();
  private readonly txn: Database.Transaction<(fn: () => unknown) => unknown>;
  private users = 0;

  constructor(file: string, options: ConnectionOptions = {}) {
    const inMemory = file === ':memory:' || file === '';
    if (!inMemory && !file.startsWith('file:')) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    try {
      this.db = new Database(file);
    } catch (err) {
      throw new SmmbotError('E_STORAGE', `cannot open SQLite database at ${file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    this.db.pragma('synchronous = NORMAL');
    // Keep the query planner's statistics current (SQLite's recommendation for long-lived connections):
    // without them a search starts from the tenant's rows instead of the full-text matches.
    this.db.pragma('optimize = 0x10002');
    // Case-insensitive substring test with JavaScript's Unicode case folding (LIKE folds ASCII only).
    this.db.function('smm_icontains', { deterministic: true }, (hay: unknown, needle: unknown) =>
      typeof hay === 'string' && typeof needle === 'string' && hay.toLowerCase().includes(needle) ? 1 : 0,
    );
    this.txn = this.db.transaction((fn: () => unknown) => fn());
  }

  get open(): boolean {
    return this.db.open;
  }

  /** The cached prepared statement for `sql`. */
  statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  run(sql: string, params: unknown[] = []): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  get<R>(sql: string, params: unknown[] = []): R | undefined {
    return this.statement(sql).get(...params) as R | undefined;
  }

  all<R>(sql: string, params: unknown[] = []): R[] {
    return this.statement(sql).all(...params) as R[];
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction (a savepoint when nested): atomic across processes. */
  write<R>(fn: () => R): R {
    return this.txn.immediate(fn) as R;
  }

  /** Runs `fn` in a deferred transaction: one consistent snapshot for several reads. */
  read<R>(fn: () => R): R {
    return this.txn.deferred(fn) as R;
  }

  retain(): void {
    this.users++;
  }

  /** Drops one user; closes the database when none is left. */
  release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) this.close();
  }

  close(): void {
    if (!this.db.open) return;
    this.statements.clear();
    this.db.close();
  }
}

/** Quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
