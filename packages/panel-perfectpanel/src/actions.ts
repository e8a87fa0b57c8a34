import type { ActionResult } from '@smmbot/core';
import { envelopeError, inspect, isObject, rowsOf } from './envelope.js';
import { str } from './map.js';

/** An id list for a POST body: `[123, 124]` (numbers where numeric) or `"123,124"`. */
export function idList(ids: string[], format: 'array' | 'csv'): unknown {
  if (format === 'csv') return ids.join(',');
  return ids.map((id) => (/^\d+$/.test(id) && id.length < 16 ? Number(id) : id));
}

function errorText(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === false || raw === '') return undefined;
  if (isObject(raw)) return errorText(raw.error) ?? errorText(raw.message) ?? 'error';
  return String(raw);
}

/** One per-order entry of a write answer: `{ id, refill_id }`, `{ id, error }`, `{ order, refill: { error } }`. */
function entryResult(row: Record<string, unknown>): ActionResult | undefined {
  const orderId = str(row.id) ?? str(row.order) ?? str(row.order_id);
  if (!orderId) return undefined;
  const nested = [row.refill, row.cancel, row.resend].find((v) => v !== undefined);
  const error = errorText(row.error) ?? (isObject(nested) ? errorText(nested.error) : undefined);
  if (error) return { orderId, ok: false, error, raw: row };
  const reference =
    str(row.refill_id) ?? str(row.cancel_id) ?? str(row.reference) ?? (isObject(nested) ? undefined : str(nested));
  return { orderId, ok: true, reference, raw: row };
}

/**
 * Per-order results of a batch write. A refusal of the whole call (`error_code` ≠ 0 other than a key
 * error) is an explicit "no" — nothing was done — so every order gets `ok: false` with the panel's
 * text rather than an exception (which the idempotency guard would record as an unknown outcome).
 * A `data.list` answer is read per order (orders it leaves out are reported as failed); any other
 * success answer means every order was accepted.
 */
export function actionResults(panel: string, where: string, ids: string[], body: unknown): ActionResult[] {
  const r = inspect(body);
  if (!r.ok) {
    if (r.kind === 'malformed' || r.kind === 'unauthorized') throw envelopeError(panel, where, r);
    const error = r.message || String(r.code);
    return ids.map((orderId) => ({ orderId, ok: false, error, raw: body }));
  }
  const hasList = Array.isArray(r.data) || (isObject(r.data) && Array.isArray(r.data.list));
  if (!hasList) {
    const keyed = isObject(r.data) ? r.data : {};
    return ids.map((orderId) => {
      const own = keyed[orderId];
      const entry = isObject(own) ? entryResult({ id: orderId, ...own }) : undefined;
      return entry ?? { orderId, ok: true, raw: r.data };
    });
  }
  const byId = new Map<string, ActionResult>();
  for (const row of rowsOf(r.data)) {
    const result = entryResult(row);
    if (result) byId.set(result.orderId, result);
  }
  return ids.map(
    (orderId) =>
      byId.get(orderId) ?? { orderId, ok: false, error: 'the panel did not report on this order', raw: r.data },
  );
}

/** The single-order form (set-partial). */
export function actionResult(panel: string, where: string, id: string, body: unknown): ActionResult {
  return actionResults(panel, where, [id], body)[0]!;
}
