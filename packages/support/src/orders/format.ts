import type { OrderStatus, PanelOrder, ReplyDraft } from '@smmbot/core';
import { DEFAULT_TEMPLATES, draft, renderTemplate, type TemplateKey } from '../templates/defaults.js';
import type { OrderAction, OrderOutcome, Vars } from './types.js';

export const STATUS_LABEL: Record<OrderStatus, string> = {
  pending: 'Pending',
  processing: 'Processing',
  in_progress: 'In progress',
  completed: 'Completed',
  partial: 'Partial',
  canceled: 'Canceled',
  refunded: 'Refunded',
  failed: 'Failed',
  unknown: 'Unknown',
};

/** How an action is named in customer texts (`{action}`). */
export const ACTION_LABEL: Record<OrderAction, string> = {
  refill: 'refill',
  cancel: 'cancel',
  speedup: 'speed-up',
  refund: 'refund',
  partial: 'partial',
  fake_complete: 'complete',
};

/** `45 seconds`, `12 minutes`, `2 hours 5 minutes`, `3 days`: always rounded up, never "0 seconds". */
export function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48)
    return minutes % 60 ? `${plural(hours, 'hour')} ${plural(minutes % 60, 'minute')}` : plural(hours, 'hour');
  return plural(Math.ceil(hours / 24), 'day');
}

/** `2026-11-28 14:05 UTC`: dates in replies are UTC, to the minute. */
export function formatDate(date: Date | number): string {
  const iso = new Date(date).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const dash = (n: number | undefined) => (n === undefined ? '-' : n);

/** The vars of the `order_status` template (and of custom templates that show an order). */
export function orderVars(order: PanelOrder, options: { provider?: boolean } = {}): Vars {
  const vars: Vars = {
    order_id: order.id,
    service: order.serviceName ?? order.serviceId ?? '-',
    status: STATUS_LABEL[order.status],
    start_count: dash(order.startCount),
    remains: dash(order.remains),
    quantity: dash(order.quantity),
    charge: order.charge === undefined ? '-' : `${order.charge}${order.currency ? ` ${order.currency}` : ''}`,
  };
  if (options.provider) {
    vars.provider = order.provider ?? '-';
    vars.provider_order_id = order.externalId ?? '-';
  }
  return vars;
}

/** One order in full (`order_status`), with the charge and, for staff, the provider. */
export function orderBlock(order: PanelOrder, options: { provider?: boolean } = {}): string {
  const vars = orderVars(order, options);
  const lines = [renderTemplate(DEFAULT_TEMPLATES.order_status, vars)];
  if (order.charge !== undefined) lines.push(`Charge: ${vars.charge}`);
  if (options.provider && order.provider)
    lines.push(`Provider: ${order.provider} | Provider OID: ${vars.provider_order_id}`);
  return lines.join('\n');
}

/** `#1001, #1002, #1009`. */
export const idList = (ids: string[]) => ids.map((id) => `#${id}`).join(', ');

/**
 * Outcomes grouped by reply line: orders with the same template and the same vars (but their id) share
 * one line, whose `{order_id}` lists them all (`order #1001, #1006`). One order gives its own template.
 */
export function outcomeLines(outcomes: OrderOutcome[]): { key: TemplateKey; vars: Vars; text: string }[] {
  const groups = new Map<string, { key: TemplateKey; vars: Vars; ids: string[] }>();
  for (const o of outcomes) {
    const { order_id: _id, ...rest } = o.vars;
    const sig = `${o.key}\u0000${JSON.stringify(rest)}`;
    const group = groups.get(sig) ?? { key: o.key, vars: rest, ids: [] };
    group.ids.push(o.orderId);
    groups.set(sig, group);
  }
  return [...groups.values()].map((g) => {
    const vars = { ...g.vars, order_id: g.ids.join(', #') };
    return { key: g.key, vars, text: renderTemplate(DEFAULT_TEMPLATES[g.key], vars) };
  });
}

/** One reply for a whole command: a single line keeps its template; several become `order_results`. */
export function groupedReply(lines: { key: TemplateKey; vars: Vars; text: string }[], facts: string[]): ReplyDraft {
  if (lines.length === 1) {
    const only = lines[0]!;
    return { text: only.text, template: only.key, vars: only.vars, facts };
  }
  const results = lines.map((l) => l.text).join('\n');
  return { ...draft('order_results', { results }), facts };
}

/** Order ids and statuses a rewrite must keep. */
export function factsOf(outcomes: OrderOutcome[]): string[] {
  const facts = new Set<string>();
  for (const o of outcomes) {
    facts.add(o.orderId);
    if (typeof o.vars.status === 'string') facts.add(o.vars.status);
  }
  return [...facts];
}
