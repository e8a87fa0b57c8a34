import {
  normalizeOrderStatus,
  normalizeTicketStatus,
  type PanelOrder,
  type PanelService,
  type PanelTicket,
  type PanelUser,
  type TicketMessage,
  toBool,
  toDate,
  toNumber,
} from '@smmbot/core';
import { isObject } from './envelope.js';

type Row = Record<string, unknown>;

/** A non-empty string from a string or number field; undefined otherwise. */
export function str(raw: unknown): string | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'string' && raw.trim() !== '') return raw.trim();
  return undefined;
}

/** A username from a string field or an object such as `{ id, username }`. */
function username(raw: unknown): string | undefined {
  if (isObject(raw)) return str(raw.username) ?? str(raw.login) ?? str(raw.name);
  return str(raw);
}

/** `charge` may be `{ value, currency_code, formatted }`, a number or a numeric string. */
export function money(raw: unknown, currency?: unknown): { amount?: number; currency?: string } {
  if (isObject(raw)) {
    const code = str(raw.currency_code) ?? str(raw.currency) ?? str(currency);
    return { amount: toNumber(raw.value) ?? toNumber(raw.amount), currency: code };
  }
  return { amount: toNumber(raw), currency: str(currency) };
}

export function mapOrder(row: Row): PanelOrder | undefined {
  const id = str(row.id);
  if (!id) return undefined;
  const charge = money(row.charge, row.currency);
  const mode = str(row.mode)?.toLowerCase();
  const provider = isObject(row.provider) ? (str(row.provider.name) ?? str(row.provider.domain)) : str(row.provider);
  return {
    id,
    status: normalizeOrderStatus(row.status),
    rawStatus: str(row.status),
    user: username(row.user) ?? str(row.username),
    serviceId: str(row.service_id) ?? (isObject(row.service) ? str(row.service.id) : undefined),
    serviceName: str(row.service_name) ?? (isObject(row.service) ? str(row.service.name) : undefined),
    link: str(row.link),
    quantity: toNumber(row.quantity),
    startCount: toNumber(row.start_count),
    remains: toNumber(row.remains),
    charge: charge.amount,
    currency: charge.currency,
    createdAt: toDate(row.created),
    updatedAt: toDate(row.last_update) ?? toDate(row.updated),
    externalId: str(row.external_id),
    provider,
    mode: mode === 'auto' || mode === 'manual' ? mode : undefined,
    raw: row,
  };
}

export function mapUser(row: Row): PanelUser | undefined {
  const name = username(row.username) ?? username(row.login);
  if (!name) return undefined;
  const balance = money(row.balance, row.currency);
  const status = str(row.status)?.toLowerCase();
  return {
    id: str(row.id),
    username: name,
    email: str(row.email),
    balance: balance.amount,
    currency: balance.currency,
    status: status === 'active' ? 'active' : status === 'suspended' || status === 'blocked' ? 'suspended' : 'unknown',
    raw: row,
  };
}

function mapMessage(row: Row): TicketMessage | undefined {
  const text = str(row.message) ?? str(row.text) ?? str(row.content);
  if (text === undefined) return undefined;
  const sender = (str(row.sender) ?? str(row.author_type) ?? str(row.type) ?? '').toLowerCase();
  const staff = toBool(row.is_staff) ?? toBool(row.is_admin) ?? toBool(row.staff);
  const author =
    staff === true || /staff|admin|support|manager/.test(sender)
      ? 'staff'
      : staff === false || /user|customer|client/.test(sender)
        ? 'customer'
        : 'unknown';
  return { author, name: username(row.author) ?? username(row.user) ?? str(row.name), text, at: toDate(row.created) };
}

export function mapTicket(row: Row): PanelTicket | undefined {
  const ticket = isObject(row.ticket) ? { ...row.ticket, ...row, ticket: undefined } : row;
  const id = str(ticket.id);
  if (!id) return undefined;
  const messages = Array.isArray(ticket.messages)
    ? ticket.messages.filter(isObject).flatMap((m) => mapMessage(m) ?? [])
    : undefined;
  return {
    id,
    user: username(ticket.user) ?? str(ticket.username),
    subject: str(ticket.subject) ?? '',
    status: normalizeTicketStatus(ticket.status),
    createdAt: toDate(ticket.created),
    updatedAt: toDate(ticket.last_update) ?? toDate(ticket.updated),
    messages,
    raw: row,
  };
}

/** A row of the classic `action=services` answer. */
export function mapService(row: Row): PanelService | undefined {
  const id = str(row.service) ?? str(row.id);
  const name = str(row.name);
  if (!id || !name) return undefined;
  return {
    id,
    name,
    category: str(row.category),
    type: str(row.type),
    rate: toNumber(row.rate),
    min: toNumber(row.min),
    max: toNumber(row.max),
    refill: toBool(row.refill),
    cancel: toBool(row.cancel),
    dripfeed: toBool(row.dripfeed),
    description: str(row.description) ?? str(row.desc),
    raw: row,
  };
}
