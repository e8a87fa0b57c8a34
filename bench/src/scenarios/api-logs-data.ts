/** The api-logs scenario's synthetic message log: production-like shares of commands, statuses and times. */
import { randomUUID } from 'node:crypto';
import type { LogRecord } from '@smmbot/support';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** Customers write more in the afternoon and evening (UTC+6 panel, hours in UTC). */
const HOURS = [6, 7, 8, 8, 9, 9, 9, 8, 8, 7, 7, 6, 6, 6, 7, 8, 9, 10, 10, 9, 6, 3, 2, 3];
const ACTIONS = [
  ['order', 28],
  ['refill', 18],
  ['cancel', 7],
  ['verification', 8],
  ['speedup', 6],
  ['balance', 5],
  ['greeting', 5],
  ['help', 4],
  ['refill_status', 4],
  ['ticket', 3],
  ['unknown', 3],
  ['services', 2],
  ['refund', 2],
  ['partial', 1],
  ['fake_complete', 1],
  ['my_username', 1],
  ['admin.resolve', 1],
  ['staff.refill_verify', 0.5],
  ['staff.provider_status', 0.5],
] as const;
const RECENT = [
  ['open', 55],
  ['escalated', 10],
  ['ticket created', 10],
  ['resolved', 18],
  ['ignored', 7],
] as const;
const SETTLED = [
  ['open', 3],
  ['escalated', 2],
  ['ticket created', 7],
  ['resolved', 63],
  ['ignored', 25],
] as const;
const RESULTS = [
  ['ok', 68],
  ['refused', 22],
  ['info', 6],
  ['error', 2],
  ['partial', 2],
] as const;
const REASONS = ['not_owned', 'refill_window_expired', 'command_cooldown', 'verification_required', 'not_found'];
const URGENT = new Set(['cancel', 'refund', 'fake_complete', 'partial']);

function weighted<T>(rand: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  let r = rand() * total;
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1]![0];
}

/**
 * `rows` creation times over the last `days` days, sorted (serials follow time, as in production):
 * traffic grows towards today (density falls linearly with age, plus a flat 30%), by hour of day.
 */
export function times(rows: number, days: number, now: number, rand: () => number): Float64Array {
  const out = new Float64Array(rows);
  const today = now - (now % DAY);
  for (let i = 0; i < rows; i++) {
    let t: number;
    do {
      const age = rand() < 0.3 ? rand() * days : days * (1 - Math.sqrt(rand()));
      const hour = weighted(
        rand,
        HOURS.map((w, h) => [h, w] as const),
      );
      t = today - Math.floor(age) * DAY + hour * HOUR + Math.floor(rand() * HOUR);
    } while (t > now);
    out[i] = t;
  }
  return out.sort();
}

export function row(serial: number, createdAt: number, now: number, tenant: string, rand: () => number) {
  const action = weighted(rand, ACTIONS);
  const customer = Math.floor(rand() ** 1.6 * 8_000);
  const phone = `8801${String(700_000_000 + customer * 37).slice(0, 9)}`;
  const staff = action.startsWith('admin.') || action.startsWith('staff.');
  const orders = ['order', 'refill', 'cancel', 'speedup', 'refill_status', 'refund', 'partial', 'fake_complete'];
  const orderIds =
    orders.includes(action) || staff
      ? Array.from({ length: rand() < 0.8 ? 1 : 3 }, () => String(1_000_000 + Math.floor(rand() * 9_000_000)))
      : [];
  const result = action === 'verification' || action === 'help' ? 'info' : weighted(rand, RESULTS);
  const channel = rand() < 0.7 ? 'baileys-main' : `webchat:${tenant}`;
  return {
    id: randomUUID(),
    serial,
    identityId: `${channel}:${phone}@s.whatsapp.net`,
    channel,
    chatId: `${phone}@s.whatsapp.net`,
    senderId: `${phone}@s.whatsapp.net`,
    ...(customer % 7 === 0 ? {} : { panelUser: `customer${customer}` }),
    role: staff ? (rand() < 0.5 ? 'staff' : 'owner') : 'customer',
    action,
    orderIds,
    ...(action === 'refill' && rand() < 0.6 ? { provider: `provider-${1 + (customer % 6)}` } : {}),
    providerOrderIds: action === 'refill' && rand() < 0.6 ? orderIds.map((o) => `P${o}`) : [],
    result,
    ...(result === 'refused' ? { reason: REASONS[Math.floor(rand() * REASONS.length)] } : {}),
    supportStatus: weighted(rand, now - createdAt < 2 * DAY ? RECENT : SETTLED),
    priority: rand() < (URGENT.has(action) ? 0.4 : 0.05),
    rawText: orderIds.length ? `${action.replace(/^\w+\./, '')} ${orderIds.join(' ')}` : action,
    reply:
      result === 'ok'
        ? `Order ${orderIds[0] ?? ''}: your request was sent to our team and will be handled shortly. Thank you for waiting!`
        : 'Sorry, this order is not eligible right now. Reply "help" to see what I can do for you.',
    createdAt,
    updatedAt: createdAt,
  } satisfies Omit<LogRecord, 'tenantId'>;
}
