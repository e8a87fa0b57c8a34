import {
  assertField,
  assertOperator,
  type FieldCondition,
  type Scalar,
  SmmbotError,
  type SortSpec,
  type Where,
} from '@smmbot/core';

/**
 * Translates `where` and `sort` to SQL over `(tenant_id, id, record jsonb)` rows. Field names are
 * checked against a strict pattern before they are inlined (they must be literal so PostgreSQL can
 * match the expression indexes); every value is a bound parameter.
 *
 * A field is read as `NULLIF(record -> 'f', 'null')`: jsonb, with a JSON null and a missing field
 * both SQL NULL, which gives the conformance semantics directly. Equality compares jsonb values, so it
 * is type-strict (true is not 1, 1 is not "1"); ranges add a `jsonb_typeof` guard; numbers order
 * numerically; `NULLS FIRST` in asc puts null/missing first. The same text is used in CREATE INDEX.
 */

type Row = Record<string, unknown>;

/** Collects bound values and hands out their `$n` placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const COLUMNS: Record<string, string> = { id: 'id', tenantId: 'tenant_id' };
const isColumn = (field: string) => field in COLUMNS;

/** The SQL expression of a field: a text column for id/tenantId, else the jsonb value (see above). */
export function fieldExpr(field: string): string {
  assertField(field);
  return COLUMNS[field] ?? `NULLIF(record -> '${field}', 'null'::jsonb)`;
}

/** The field as text, as `contains` searches it and the trigram index indexes it. */
export function textExpr(field: string): string {
  assertField(field);
  return COLUMNS[field] ?? `(record ->> '${field}')`;
}

const FALSE = 'false';
const jsonParam = (p: SqlParams, value: Scalar | string | number) => `${p.add(JSON.stringify(value))}::jsonb`;
/** JSON has no NaN or Infinity (they would serialize as null), and no stored value equals them. */
const storable = (v: Scalar) => typeof v !== 'number' || Number.isFinite(v);

function eq(field: string, value: Scalar, p: SqlParams): string {
  const expr = fieldExpr(field);
  if (isColumn(field)) return typeof value === 'string' ? `${expr} = ${p.add(value)}` : FALSE;
  if (value === null) return `${expr} IS NULL`;
  if (!storable(value)) return FALSE;
  return `${expr} = ${jsonParam(p, value)}`;
}

/** The exact complement of `eq`: NULL (a missing field) counts as "not equal". */
function ne(field: string, value: Scalar, p: SqlParams): string {
  return `NOT COALESCE(${eq(field, value, p)}, false)`;
}

function anyOf(field: string, list: Scalar[], p: SqlParams): string {
  if (!Array.isArray(list)) throw new SmmbotError('E_STORAGE', `"in" on field "${field}" needs an array`);
  const expr = fieldExpr(field);
  if (isColumn(field)) {
    const strings = list.filter((v): v is string => typeof v === 'string');
    return strings.length > 0 ? `${expr} = ANY(${p.add(strings)}::text[])` : FALSE;
  }
  const parts: string[] = [];
  if (list.includes(null)) parts.push(`${expr} IS NULL`);
  const values = list.filter((v) => v !== null && storable(v));
  if (values.length > 0) parts.push(`${expr} = ANY(${p.add(values.map((v) => JSON.stringify(v)))}::jsonb[])`);
  return parts.length === 0 ? FALSE : `(${parts.join(' OR ')})`;
}

const RANGE = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
type RangeOp = keyof typeof RANGE;

function range(field: string, op: RangeOp, bound: unknown, p: SqlParams): string {
  const expr = fieldExpr(field);
  if (typeof bound === 'string') {
    if (isColumn(field)) return `${expr} ${RANGE[op]} ${p.add(bound)}`;
    return `(${expr} ${RANGE[op]} ${jsonParam(p, bound)} AND jsonb_typeof(${expr}) = 'string')`;
  }
  if (typeof bound !== 'number' || Number.isNaN(bound) || isColumn(field)) return FALSE;
  const isNumber = `jsonb_typeof(${expr}) = 'number'`;
  if (!Number.isFinite(bound)) {
    // Every stored number is below +Infinity and above -Infinity.
    const below = op === 'lt' || op === 'lte';
    return below === bound > 0 ? isNumber : FALSE;
  }
  return `(${expr} ${RANGE[op]} ${jsonParam(p, bound)} AND ${isNumber})`;
}

/** ILIKE with the LIKE wildcards of the term escaped (backslash is ILIKE's default escape). */
function contains(field: string, term: unknown, p: SqlParams): string {
  const pattern = `%${String(term).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const test = `${textExpr(field)} ILIKE ${p.add(pattern)}`;
  return isColumn(field) ? test : `(jsonb_typeof(${fieldExpr(field)}) = 'string' AND ${test})`;
}

function condition(field: string, cond: FieldCondition, p: SqlParams): string[] {
  if (typeof cond !== 'object' || cond === null) return [eq(field, cond, p)];
  const out: string[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    assertOperator(op, field);
    if (arg === undefined) continue;
    if (op === 'eq') out.push(eq(field, arg as Scalar, p));
    else if (op === 'ne') out.push(ne(field, arg as Scalar, p));
    else if (op === 'in') out.push(anyOf(field, arg as Scalar[], p));
    else if (op === 'contains') out.push(contains(field, arg, p));
    else out.push(range(field, op as RangeOp, arg, p));
  }
  return out;
}

/** `tenant_id = $n AND ...`: the tenant condition is always first and always present. */
export function whereSql(where: Where<Row> | undefined, tenant: string, p: SqlParams): string {
  const parts = [`tenant_id = ${p.add(tenant)}`];
  for (const [field, cond] of Object.entries(where ?? {})) {
    assertField(field);
    if (cond === undefined) continue;
    parts.push(...condition(field, cond, p));
  }
  return parts.join(' AND ');
}

/**
 * ORDER BY the requested fields, null/missing first in asc and last in desc (so an index built
 * `NULLS FIRST` serves asc forward and desc backward), then id, so the order is total and offset
 * paging never repeats or skips a record.
 */
export function orderSql(sort: SortSpec<Row>[] | undefined): string {
  const keys = (sort ?? []).map((s) => {
    const desc = s.direction === 'desc';
    if (isColumn(s.field)) return `${fieldExpr(s.field)} ${desc ? 'DESC' : 'ASC'}`;
    return `${fieldExpr(s.field)} ${desc ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`;
  });
  return `ORDER BY ${[...keys, 'id ASC'].join(', ')}`;
}
