import { PanelError } from '@smmbot/core';

/**
 * The Admin API answers `{ data, error_code, error_message }`; `error_code` 0 is success. Error texts
 * are undocumented: key errors and snake_case not-found tokens are recognised by their words.
 */
export type Inspected =
  | { ok: true; data: unknown }
  | { ok: false; kind: 'unauthorized' | 'not_found' | 'refused'; code: unknown; message: string }
  | { ok: false; kind: 'malformed' };

const AUTH_TEXT =
  /invalid[\s_-]*(api[\s_-]*)?key|bad[\s_-]*auth|wrong[\s_-]*key|unauthori[sz]ed|forbidden|access[\s_-]*denied/i;
const AUTH_CODES = new Set(['401', '403', 'bad_auth', 'unauthorized', 'invalid_key', 'invalid_api_key']);
const NOT_FOUND_TEXT = /order_not_found|orders_not_found|no_orders|not_found|not found|incorrect order id/i;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function inspect(body: unknown): Inspected {
  if (!isObject(body)) return { ok: false, kind: 'malformed' };
  const hasCode = 'error_code' in body;
  // Some panels (and the v1 neighbour) answer `{ "error": "bad_auth" }` without the envelope.
  if (!hasCode && !('data' in body)) {
    if (typeof body.error === 'string') return classify(body.error, body.error);
    return { ok: false, kind: 'malformed' };
  }
  const code = body.error_code;
  if (code === undefined || code === null || code === 0 || code === '0') return { ok: true, data: body.data };
  const message = typeof body.error_message === 'string' ? body.error_message : '';
  return classify(code, message);
}

function classify(code: unknown, message: string): Inspected {
  const text = `${String(code)} ${message}`;
  if (AUTH_CODES.has(String(code).toLowerCase()) || AUTH_TEXT.test(text))
    return { ok: false, kind: 'unauthorized', code, message };
  if (NOT_FOUND_TEXT.test(text)) return { ok: false, kind: 'not_found', code, message };
  return { ok: false, kind: 'refused', code, message };
}

/** The error to throw for a failed inspection (not-found included, for callers that do not expect it). */
export function envelopeError(panel: string, where: string, failed: Exclude<Inspected, { ok: true }>): PanelError {
  if (failed.kind === 'malformed') {
    return new PanelError('bad_response', `${where}: the answer is not an Admin API envelope`, {
      details: { panel, where },
    });
  }
  const details = { panel, where, errorCode: failed.code, errorMessage: failed.message };
  if (failed.kind === 'unauthorized')
    return new PanelError('unauthorized', `${where}: the API key was refused (${failed.message})`, { details });
  if (failed.kind === 'not_found') return new PanelError('not_found', `${where}: ${failed.message}`, { details });
  return new PanelError('bad_response', `${where}: error_code ${String(failed.code)}: ${failed.message}`, {
    details,
  });
}

/** `data` of a successful answer; throws typed errors otherwise. Not-found → `undefined` when `lenient`. */
export function unwrap(panel: string, where: string, body: unknown, lenient = false): unknown {
  const r = inspect(body);
  if (r.ok) return r.data;
  if (lenient && r.kind === 'not_found') return undefined;
  throw envelopeError(panel, where, r);
}

/** The rows of a list answer: `data.list`, a bare array, or a single object in `data`. */
export function rowsOf(data: unknown): Record<string, unknown>[] {
  if (data === undefined || data === null) return [];
  if (Array.isArray(data)) return data.filter(isObject);
  if (!isObject(data)) return [];
  if (Array.isArray(data.list)) return data.list.filter(isObject);
  if ('list' in data || 'count' in data) return [];
  return 'id' in data ? [data] : [];
}

export { isObject };
