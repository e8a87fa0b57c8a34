import {
  type ActionResult,
  normalizeOrderStatus,
  normalizeRefillStatus,
  type PanelOrder,
  type PanelService,
  type RefillStatus,
  toBool,
  toNumber,
} from '@smmbot/core';
import { errorOf } from './errors.js';

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An id that may arrive as a string or a number. */
export function idOf(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Drops undefined fields so domain objects compare and log cleanly. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** One `status` answer (or one entry of a multi-status answer). `remains: "Unknown"` becomes undefined. */
export function toOrder(id: string, raw: Record<string, unknown>): PanelOrder {
  const rawStatus = str(raw.status);
  return compact<PanelOrder>({
    id,
    status: normalizeOrderStatus(rawStatus),
    rawStatus,
    charge: toNumber(raw.charge),
    startCount: toNumber(raw.start_count),
    remains: toNumber(raw.remains),
    currency: str(raw.currency),
    link: str(raw.link),
    quantity: toNumber(raw.quantity),
    serviceId: idOf(raw.service),
    raw,
  });
}

export function toService(raw: unknown): PanelService | undefined {
  if (!isRecord(raw)) return undefined;
  const id = idOf(raw.service ?? raw.id ?? raw.service_id);
  if (!id) return undefined;
  return compact<PanelService>({
    id,
    name: str(raw.name) ?? `Service ${id}`,
    category: str(raw.category),
    type: str(raw.type),
    rate: toNumber(raw.rate),
    min: toNumber(raw.min),
    max: toNumber(raw.max),
    refill: toBool(raw.refill),
    cancel: toBool(raw.cancel),
    dripfeed: toBool(raw.dripfeed),
    description: str(raw.description ?? raw.desc),
    raw,
  });
}

/** Refill ids are numbers on every panel seen; a UUID-like token is accepted too. Anything else is an error text. */
const looksLikeId = (s: string) => /^\d+$/.test(s) || /^(?=.*\d)[0-9a-f-]{8,64}$/i.test(s);

/**
 * The outcome for one order of a `refill`/`cancel`: `field` is `refill` or `cancel`. Accepted:
 * `1`, `"1"`, `12345`, `true`, `{success, refill}`, `{status: "success"}`. Refused: `{error}` as the
 * field or as the entry, a bare error string, `0`/`false`.
 */
export function actionResult(orderId: string, entry: unknown, field: 'refill' | 'cancel'): ActionResult {
  const value = isRecord(entry) ? entry[field] : entry;
  const fail = (error: string): ActionResult => ({ orderId, ok: false, error, raw: entry });
  const pass = (reference?: string): ActionResult => compact({ orderId, ok: true, reference, raw: entry });
  if (isRecord(entry) && value === undefined) {
    const err = errorOf(entry);
    if (err !== undefined) return fail(err);
    if (entry.success || (typeof entry.status === 'string' && /^(success|ok)$/i.test(entry.status))) return pass();
    return fail(`the panel gave no ${field} answer for this order`);
  }
  if (isRecord(value)) return fail(errorOf(value) ?? JSON.stringify(value));
  if (typeof value === 'number') return value > 0 ? pass(String(value)) : fail(`the panel refused the ${field}`);
  if (typeof value === 'boolean') return value ? pass() : fail(`the panel refused the ${field}`);
  if (typeof value === 'string') {
    const s = value.trim();
    if (s === '0' || s === '') return fail(`the panel refused the ${field}`);
    return looksLikeId(s) ? pass(s) : fail(s);
  }
  return fail(`the panel gave no ${field} answer for this order`);
}

export interface RefillStatusResult {
  refillId: string;
  status: RefillStatus;
  error?: string;
}

/** One refill's status: `{status: "Completed"}`, `{status: {error}}`, a bare error string, `{error}`. */
export function refillStatusOf(refillId: string, entry: unknown): RefillStatusResult {
  const value = isRecord(entry) ? (entry.status ?? entry) : entry;
  const err = isRecord(value) ? errorOf(value) : undefined;
  if (err !== undefined) return { refillId, status: 'unknown', error: err };
  if (typeof value !== 'string' && typeof value !== 'number')
    return { refillId, status: 'unknown', error: 'the panel gave no status for this refill' };
  const text = String(value);
  const status = normalizeRefillStatus(text);
  if (status === 'unknown' && /error|not found|not exist|incorrect|invalid/i.test(text))
    return { refillId, status, error: text };
  return { refillId, status };
}

/**
 * The entries of a multi answer for `refill`, `refill_status` or `cancel`: a list of
 * `{order|refill: id, ...}` or an object keyed by id. Undefined when the shape is neither.
 */
export function entriesById(body: unknown, idField: 'order' | 'refill'): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  if (Array.isArray(body)) {
    for (const e of body) {
      const id = isRecord(e) ? idOf(e[idField] ?? e.id) : undefined;
      if (id !== undefined) out.set(id, e);
    }
    return out;
  }
  if (!isRecord(body)) return undefined;
  for (const [k, v] of Object.entries(body)) out.set(k.trim(), v);
  return out;
}
