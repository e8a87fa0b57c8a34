import { assertField, assertOperator, type FieldCondition, type Scalar, type SortSpec, type Where } from '@smmbot/core';

/**
 * In-memory evaluation of `where` and `sort`, with exactly the semantics the SQL backends have
 * (pinned by the conformance suite): type-strict comparisons, `null` matching a missing field,
 * missing/null sorting first in `asc`, ties broken by id.
 */

type Row = Record<string, unknown>;
type Predicate = (row: Row) => boolean;

function equals(value: unknown, want: Scalar): boolean {
  if (want === null) return value === null || value === undefined;
  return typeof value === typeof want && value === want;
}

function compare(value: unknown, bound: number | string, test: (order: number) => boolean): boolean {
  if (typeof bound === 'number' && typeof value === 'number') return test(value - bound);
  if (typeof bound === 'string' && typeof value === 'string') return test(value < bound ? -1 : value > bound ? 1 : 0);
  return false;
}

function isOperatorObject(cond: FieldCondition): cond is Exclude<FieldCondition, Scalar> {
  return typeof cond === 'object' && cond !== null;
}

function fieldPredicates(field: string, cond: FieldCondition): Predicate[] {
  const get = (row: Row) => row[field];
  if (!isOperatorObject(cond)) return [(row) => equals(get(row), cond)];
  const out: Predicate[] = [];
  for (const [op, arg] of Object.entries(cond)) {
    assertOperator(op, field);
    if (arg === undefined) continue;
    switch (op) {
      case 'eq':
        out.push((row) => equals(get(row), arg as Scalar));
        break;
      case 'ne':
        out.push((row) => !equals(get(row), arg as Scalar));
        break;
      case 'gt':
        out.push((row) => compare(get(row), arg as number | string, (o) => o > 0));
        break;
      case 'gte':
        out.push((row) => compare(get(row), arg as number | string, (o) => o >= 0));
        break;
      case 'lt':
        out.push((row) => compare(get(row), arg as number | string, (o) => o < 0));
        break;
      case 'lte':
        out.push((row) => compare(get(row), arg as number | string, (o) => o <= 0));
        break;
      case 'in': {
        const list = arg as Scalar[];
        out.push((row) => list.some((want) => equals(get(row), want)));
        break;
      }
      case 'contains': {
        const needle = String(arg).toLowerCase();
        out.push((row) => {
          const v = get(row);
          return typeof v === 'string' && v.toLowerCase().includes(needle);
        });
        break;
      }
    }
  }
  return out;
}

/** Compiles a `where` into one predicate. Undefined conditions are skipped. */
export function compileWhere(where: Where<Row> | undefined): Predicate {
  const predicates: Predicate[] = [];
  for (const [field, cond] of Object.entries(where ?? {})) {
    assertField(field);
    if (cond === undefined) continue;
    predicates.push(...fieldPredicates(field, cond));
  }
  return (row) => predicates.every((p) => p(row));
}

/** SQLite's order across types: null < numbers (booleans as 0/1) < text (objects as JSON text). */
function sortKey(value: unknown): [number, number | string] {
  if (value === null || value === undefined) return [0, 0];
  if (typeof value === 'boolean') return [1, value ? 1 : 0];
  if (typeof value === 'number') return [1, value];
  if (typeof value === 'string') return [2, value];
  return [2, JSON.stringify(value)];
}

function compareValues(a: unknown, b: unknown): number {
  const [ra, va] = sortKey(a);
  const [rb, vb] = sortKey(b);
  if (ra !== rb) return ra - rb;
  return va < vb ? -1 : va > vb ? 1 : 0;
}

/** A comparator for `sort`, ending with the id so every order is total (stable offset paging). */
export function compileSort(sort: SortSpec<Row>[] | undefined): (a: Row, b: Row) => number {
  const keys = (sort ?? []).map((s) => {
    assertField(s.field);
    return { field: s.field, sign: s.direction === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { field, sign } of keys) {
      const c = compareValues(a[field], b[field]);
      if (c !== 0) return c * sign;
    }
    return compareValues(a.id, b.id);
  };
}
