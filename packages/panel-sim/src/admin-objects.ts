import type { SimConfig } from './config.js';
import { actionsFor } from './data/ops.js';
import type { SimState } from './data/state.js';
import { formatDate, json, money, type SimResponse } from './http.js';
import type { SimOrder, SimTicket, SimUser } from './types.js';

/** The Admin API envelope: `{ data, error_code, error_message }`, `error_code` 0 on success. */
export function ok(data: unknown): SimResponse {
  return json({ data, error_code: 0, error_message: '' });
}

export function fail(code: number, message: string, httpStatus = 200): SimResponse {
  return json({ data: null, error_code: code, error_message: message }, httpStatus);
}

export function moneyObject(value: number) {
  const v = money(value);
  return { value: v, currency_code: 'USD', formatted: `$${v}` };
}

/** An order as the Admin API shows it (research 1.5). */
export function orderObject(state: SimState, order: SimOrder, config: SimConfig) {
  const view = state.view(order);
  const service = state.getService(order.serviceId);
  return {
    id: order.id,
    user: order.user,
    service_id: order.serviceId,
    service_name: service?.name ?? '',
    link: order.link,
    quantity: order.quantity,
    status: view.status,
    created: formatDate(order.created, config.dateFormat),
    last_update: formatDate(view.lastUpdate, config.dateFormat),
    charge: moneyObject(view.charge),
    start_count: view.startCount,
    remains: view.remains,
    mode: order.mode,
    provider: order.provider,
    external_id: order.externalId,
    actions: actionsFor(state, order),
  };
}

export function userObject(state: SimState, user: SimUser, config: SimConfig) {
  const balance = state.balanceOf(user.username);
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    balance: moneyObject(balance),
    spent: moneyObject(Math.max(0, user.deposited - balance)),
    status: user.status,
    created: formatDate(user.created, config.dateFormat),
    last_auth: formatDate(user.lastAuth, config.dateFormat),
    discount: user.discount,
  };
}

export function ticketObject(ticket: SimTicket, config: SimConfig, withMessages: boolean) {
  const base = {
    id: ticket.id,
    user: ticket.user,
    subject: ticket.subject,
    status: ticket.status,
    created: formatDate(ticket.created, config.dateFormat),
    last_update: formatDate(ticket.lastUpdate, config.dateFormat),
  };
  if (!withMessages) return base;
  return {
    ...base,
    messages: ticket.messages.map((m) => ({
      id: m.id,
      sender: m.sender,
      author: m.author,
      message: m.message,
      created: formatDate(m.created, config.dateFormat),
    })),
  };
}

/** `limit` (default 100, max 1000; 0 means default), `offset`, `sort=date-desc|date-asc` (default desc). */
export function paginate<T>(
  rows: T[],
  query: URLSearchParams,
  config: SimConfig,
  createdOf: (row: T) => number,
  idOf: (row: T) => number,
): { count: number; list: T[] } {
  const asc = query.get('sort') === 'date-asc';
  const sorted = [...rows].sort((a, b) => {
    const d = createdOf(a) - createdOf(b) || idOf(a) - idOf(b);
    return asc ? d : -d;
  });
  const rawLimit = Number(query.get('limit') ?? 100);
  const limit = Number.isFinite(rawLimit) && rawLimit > 0 ? Math.min(Math.floor(rawLimit), 1000) : 100;
  const rawOffset = Number(query.get('offset') ?? 0);
  const offset = Number.isFinite(rawOffset) && rawOffset > 0 ? Math.floor(rawOffset) : 0;
  const list = sorted.slice(offset, offset + limit);
  return { count: config.countMeaning === 'total' ? sorted.length : list.length, list };
}
