import { SmmbotError } from './errors.js';
import type { TenantId } from './storage.js';

/**
 * Checks every storage backend makes at its edge, in one place so all backends reject the same
 * input with the same messages (the conformance suite relies on it).
 */
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The filter operators of `FieldCondition`. */
export const FILTER_OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains']);

export function assertTenant(tenant: TenantId): void {
  if (typeof tenant !== 'string' || tenant.length === 0) {
    throw new SmmbotError('E_STORAGE', 'a tenant id (non-empty string) is required for every storage call');
  }
}

/** Field names end up in SQL and JSON paths: letters, digits and `_` only. */
export function assertField(field: string): void {
  if (typeof field !== 'string' || !FIELD.test(field)) {
    throw new SmmbotError('E_STORAGE', `invalid field name ${JSON.stringify(field)}: use letters, digits and _`);
  }
}

export function assertOperator(op: string, field: string): void {
  if (!FILTER_OPERATORS.has(op)) throw new SmmbotError('E_STORAGE', `unknown operator "${op}" on field "${field}"`);
}

export function assertPaging(limit: number | undefined, offset: number | undefined): void {
  for (const [name, v] of [
    ['limit', limit],
    ['offset', offset],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
      throw new SmmbotError('E_STORAGE', `${name} must be a non-negative integer; got ${v}`);
    }
  }
}

export function assertTtl(ttlMs: number | undefined, required = false): void {
  if (ttlMs === undefined && !required) return;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new SmmbotError('E_STORAGE', `ttlMs must be a positive number of milliseconds; got ${ttlMs}`);
  }
}

/** A record's own fields (without id and tenantId) as JSON text; rejects what JSON cannot hold. */
export function recordJson(record: object): string {
  const { id: _id, tenantId: _tenant, ...rest } = record as Record<string, unknown>;
  const json = JSON.stringify(rest);
  if (json === undefined) throw new SmmbotError('E_STORAGE', 'record is not JSON-serializable');
  return json;
}

/** A key-value value as JSON text; rejects `undefined` and what JSON cannot hold. */
export function valueJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new SmmbotError('E_STORAGE', 'kv values must be JSON-serializable (not undefined)');
  return json;
}
