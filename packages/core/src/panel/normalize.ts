import type { OrderStatus, RefillStatus, TicketStatus } from './types.js';

/**
 * Panels write statuses many ways (`In progress`, `in_progress`, `INPROGRESS`, `Cancelled`,
 * `Canceled`, translation keys...). Matching is case-insensitive with spaces, `-` and `_` removed.
 */
const key = (raw: unknown) =>
  String(raw ?? '')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

const ORDER: Record<string, OrderStatus> = {
  pending: 'pending',
  awaiting: 'pending',
  queued: 'pending',
  processing: 'processing',
  inprogress: 'in_progress',
  active: 'in_progress',
  running: 'in_progress',
  completed: 'completed',
  complete: 'completed',
  success: 'completed',
  partial: 'partial',
  partiallycompleted: 'partial',
  canceled: 'canceled',
  cancelled: 'canceled',
  refunded: 'refunded',
  refund: 'refunded',
  failed: 'failed',
  fail: 'failed',
  error: 'failed',
};

export function normalizeOrderStatus(raw: unknown): OrderStatus {
  return ORDER[key(raw)] ?? 'unknown';
}

const REFILL: Record<string, RefillStatus> = {
  pending: 'pending',
  awaiting: 'pending',
  inprogress: 'in_progress',
  processing: 'in_progress',
  completed: 'completed',
  complete: 'completed',
  success: 'completed',
  rejected: 'rejected',
  canceled: 'rejected',
  cancelled: 'rejected',
  error: 'error',
  failed: 'error',
};

export function normalizeRefillStatus(raw: unknown): RefillStatus {
  return REFILL[key(raw)] ?? 'unknown';
}

const TICKET: Record<string, TicketStatus> = {
  open: 'open',
  new: 'open',
  pending: 'pending',
  inprogress: 'pending',
  answered: 'answered',
  replied: 'answered',
  closed: 'closed',
  resolved: 'closed',
};

export function normalizeTicketStatus(raw: unknown): TicketStatus {
  return TICKET[key(raw)] ?? 'unknown';
}

/** A number from a panel field that may be a number, a numeric string, `{ value }`, or junk. */
export function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const n = Number(numericText(raw.trim()));
    return Number.isFinite(n) ? n : undefined;
  }
  if (raw && typeof raw === 'object' && 'value' in raw) return toNumber((raw as { value: unknown }).value);
  return undefined;
}

/** `1,234.5` and `1,234` are thousands; `0,27819` (a decimal comma, no dot) is 0.27819. */
function numericText(text: string): string {
  if (text.includes('.')) return text.replace(/,/g, '');
  if (/^-?\d{1,3}(,\d{3})+$/.test(text)) return text.replace(/,/g, '');
  return /^-?\d+,\d+$/.test(text) ? text.replace(',', '.') : text;
}

/**
 * A Date from an ISO string, a `YYYY-MM-DD HH:MM:SS` string or UNIX seconds/ms; undefined for junk.
 * Zone-less date-times are in the panel's own time: pass its UTC offset (`panelOffsetMinutes`, e.g.
 * 180 for UTC+3; default 0) so refill windows are not off by hours.
 */
export function toDate(raw: unknown, panelOffsetMinutes = 0): Date | undefined {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw;
  if (typeof raw === 'number') return new Date(raw < 1e12 ? raw * 1000 : raw);
  if (typeof raw === 'string' && raw.trim() !== '') {
    if (/^\d+$/.test(raw)) return toDate(Number(raw));
    const zoneless = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(raw.trim());
    const d = new Date(zoneless ? `${raw.trim().replace(' ', 'T')}Z` : raw);
    if (Number.isNaN(d.getTime())) return undefined;
    return zoneless ? new Date(d.getTime() - panelOffsetMinutes * 60_000) : d;
  }
  return undefined;
}

/** A boolean from true/false, 1/0, "1"/"0", "true"/"false", "yes"/"no"; undefined otherwise. */
export function toBool(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === '1' || raw === 'true' || raw === 'yes') return true;
  if (raw === 0 || raw === '0' || raw === 'false' || raw === 'no') return false;
  return undefined;
}
