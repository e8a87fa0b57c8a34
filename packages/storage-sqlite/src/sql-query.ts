import {
  assertField,
  assertOperator,
  type FieldCondition,
  type Scalar,
  SmmbotError,
  type SortSpec,
  type Where,
} from '@smmbot/core';
import { ident } from './connection.js';

/**
 * Translates `where` and `sort` to SQL over `(tenant_id, id, data JSON)` rows. Field names are
 * checked against a strict pattern before they are inlined (they must be literal so SQLite can match
 * the expression indexes); every value is a bound parameter. Comparisons are type-strict like the
 * memory backend: json_extract turns true/false into 1/0, so a json_type() guard keeps booleans,
 * numbers and strings apart.
 */

export interface Sql {
  sql: string;
  params: unknown[];
}

const NUMBER_TYPES = ['integer', 'real'];

const isColumn = (field: string) => field === 'id' || field === 'tenantId';

/** The SQL expression for a field; the same text is used in CREATE INDEX, so indexes match. */
export function fieldExpr(field: string): string {
  assertField(field);
  if (field === 'id') return 'id';
  if (field === 'tenantId') return 'tenant_id';
  return `json_extract(data, '$.${field}')`;
}

/** The JSON type of a field, as indexed next to it and as the type guards test it. */
export function typeExpr(field: string): string {
  assertField(field);
  return `json_type(data, '$.${field}')`;
}

function typesOf(value: Scalar): string[] {
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  if (typeof value === 'number') return NUMBER_TYPES;
  return ['text'];
}

const bind = (value: Scalar): unknown => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

/** '' when no guard is needed, '0' when the field can never hold such a type, else a json_type test. */
function typeGuard(field: string, types: Iterable<string>): string {
  const set = new Set(types);
  if (isColumn(field)) return set.has('text') ? '' : '0';
  return `${typeExpr(field)} IN (${[...set].map((t) => `'${t}'`).join(', ')})`;
}

function guarded(test: string, guard: string, params: unknown[]): Sql {
  if (guard === '0') return { sql: '0', params: [] };
  return { sql: guard ? `(${test} AND ${guard})` : `(${test})`, params };
}

function eq(field: string, value: Scalar): Sql {
  const expr = fieldExpr(field);
  if (value === null) return { sql: `${expr} IS NULL`, params: [] };
  return guarded(`${expr} = ?`, typeGuard(field, typesOf(value)), [bind(value)]);
}

function not(inner: Sql): Sql {
  return { sql: `NOT COALESCE(${inner.sql}, 0)`, params: inner.params };
}

function anyOf(field: string, list: Scalar[]): Sql {
  if (!Array.isArray(list)) throw new SmmbotError('E_STORAGE', `"in" on field "${field}" needs an array`);
  const values = list.filter((v) => v !== null);
  const parts: Sql[] = [];
  if (values.length < list.length) parts.push(eq(field, null));
  const mixesBoolAndNumber = values.some((v) => typeof v === 'boolean') && values.some((v) => typeof v === 'number');
  if (mixesBoolAndNumber) {
    parts.push(...values.map((v) => eq(field, v)));
  } else if (values.length > 0) {
    const marks = values.map(() => '?').join(', ');
    const guard = typeGuard(field, values.flatMap(typesOf));
    parts.push(guarded(`${fieldExpr(field)} IN (${marks})`, guard, values.map(bind)));
  }
  if (parts.length === 0) return { sql: '0', params: [] };
  return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
}

const RANGE = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function range(field: string, op: keyof typeof RANGE, bound: unknown): Sql {
  if (typeof bound !== 'number' && typeof bound !== 'string') return { sql: '0', params: [] };
  const types = typeof bound === 'number' ? NUMBER_TYPES : ['text'];
  return guarded(`${fieldExpr(field)} ${RANGE[op]} ?`, typeGuard(field, types), [bound]);
}

export interface SearchContext {
  tenant: string;
  /** The FTS5 trigram table of a `search` field, if it has one. */
  ftsTable(field: string): string | undefined;
}

const ASCII = /^[\x20-\x7e]*$/;

function contains(field: string, term: unknown, ctx: SearchContext): Sql {
  const text = String(term);
  const guard = typeGuard(field, ['text']);
  const fts = ctx.ftsTable(field);
  if (fts && [...text].length >= 3) {
    // A trigram phrase query is an exact case-insensitive substring match.
    const phrase = `"${text.replaceAll('"', '""')}"`;
    const sub = `rowid IN (SELECT rowid FROM ${ident(fts)} WHERE tenant_id = ? AND v MATCH ?)`;
    return guarded(sub, guard, [ctx.tenant, phrase]);
  }
  if (ASCII.test(text)) {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return guarded(`${fieldExpr(field)} LIKE ? ESCAPE '\\'`, guard, [pattern]);
  }
  return guarded(`smm_icontains(${fieldExpr(field)}, ?)`, guard, [text.toLowerCase()]);
}

function condition(field: string, cond: FieldCondition, ctx: SearchContext): Sql[] {
  if (typeof cond !== 'object' || cond === null) return [eq(field, cond)];
  const out: Sql[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    assertOperator(op, field);
    if (arg === undefined) continue;
    if (op === 'eq') out.push(eq(field, arg as Scalar));
    else if (op === 'ne') out.push(arg === null ? not(eq(field, null)) : not(eq(field, arg as Scalar)));
    else if (op === 'in') out.push(anyOf(field, arg as Scalar[]));
    else if (op === 'contains') out.push(contains(field, arg, ctx));
    else out.push(range(field, op as keyof typeof RANGE, arg));
  }
  return out;
}

/** `tenant_id = ? AND ...`: the tenant condition is always first and always present. */
export function whereSql(where: Where<Record<string, unknown>> | undefined, ctx: SearchContext): Sql {
  const parts: Sql[] = [{ sql: 'tenant_id = ?', params: [ctx.tenant] }];
  for (const [field, cond] of Object.entries(where ?? {})) {
    assertField(field);
    if (cond === undefined) continue;
    parts.push(...condition(field, cond, ctx));
  }
  return { sql: parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) };
}

/** ORDER BY the requested fields, then id, so the order is total and offset paging is stable. */
export function orderSql(sort: SortSpec<Record<string, unknown>>[] | undefined): string {
  const keys = (sort ?? []).map((s) => `${fieldExpr(s.field)} ${s.direction === 'desc' ? 'DESC' : 'ASC'}`);
  return `ORDER BY ${[...keys, 'id ASC'].join(', ')}`;
}
