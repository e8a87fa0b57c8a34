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
    const n = Number(raw.replace(/,/g, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  if (raw && typeof raw === 'object' && 'value' in raw) return toNumber((raw as { value: unknown }).value);
  return undefined;
}

/** A Date from an ISO/`YYYY-MM-DD HH:MM:SS` string or UNIX seconds/ms; undefined for junk. */
export function toDate(raw: unknown): Date | undefined {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw;
  if (typeof raw === 'number') return new Date(raw < 1e12 ? raw * 1000 : raw);
  if (typeof raw === 'string' && raw.trim() !== '') {
    if (/^\d+$/.test(raw)) return toDate(Number(raw));
    const d = new Date(/^\d{4}-\d{2}-\d{2} \d/.test(raw) ? `${raw.replace(' ', 'T')}Z` : raw);
    return Number.isNaN(d.getTime()) ? undefined : d;
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
