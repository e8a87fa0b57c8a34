import type { OrderStatus, Outcome, PanelOrder, ParsedCommand, RefillStatus, Turn } from '@smmbot/core';
import { DEFAULT_TEMPLATES, draft, renderTemplate } from '../../templates/defaults.js';
import {
  factsOf,
  formatDate,
  groupedReply,
  idList,
  orderBlock,
  orderVars,
  outcomeLines,
  STATUS_LABEL,
} from '../format.js';
import { type Actor, ownershipRefusal } from '../ownership.js';
import type { OrderOutcome } from '../types.js';
import { type RefillRecord, refillKey } from './actions.js';
import { type OrdersEnv, outcomesReply, panelOf, recordOutcomes, refusal } from './common.js';

/** Up to this many orders are shown in full; more are grouped by status, one line per status. */
export const FULL_DETAIL_MAX = 3;
const STATUS_ORDER: OrderStatus[] = [
  'pending',
  'processing',
  'in_progress',
  'partial',
  'completed',
  'canceled',
  'refunded',
  'failed',
  'unknown',
];
const ACTIVE: readonly OrderStatus[] = ['pending', 'processing', 'in_progress'];

/** `order <ids>`: the status of each order the asker may see; others are refused per order. */
export async function orderStatus(_env: OrdersEnv, turn: Turn, command: ParsedCommand, actor: Actor): Promise<Outcome> {
  if (!actor.anyOwner && !actor.panelUser) return refusal(turn, 'not_linked');
  if (command.ids.length === 0) return refusal(turn, 'order_missing_id', { command: command.verb ?? 'order' });
  const found = new Map((await panelOf(turn).getOrders(command.ids)).map((o) => [o.id, o]));
  const outcomes: OrderOutcome[] = [];
  const shown: PanelOrder[] = [];
  for (const id of command.ids) {
    const order = found.get(id);
    const refused = ownershipRefusal(actor, id, order);
    if (refused || !order) outcomes.push(refused!);
    else {
      shown.push(order);
      const vars = orderVars(order);
      const done = { orderId: id, kind: 'done' as const, key: 'order_status' as const, vars, reason: 'order_status' };
      outcomes.push({ ...done, provider: order.provider, providerOrderId: order.externalId });
    }
  }
  recordOutcomes(turn, outcomes, 'info');
  const refusals = outcomes.filter((o) => o.kind !== 'done');
  const facts = factsOf(outcomes);
  // One order, nothing refused: the order_status template with all its vars (custom mode re-renders it).
  if (shown.length === 1 && refusals.length === 0) {
    const only = shown[0]!;
    const vars = orderVars(only, { provider: actor.anyOwner });
    return {
      reason: 'order_status',
      replies: [{ text: orderBlock(only, { provider: actor.anyOwner }), template: 'order_status', vars, facts }],
    };
  }
  // Only refusals (not found, not owned): their grouped lines keep their templates (custom mode applies).
  if (shown.length === 0) return { reason: 'order_status', replies: [groupedReply(outcomeLines(refusals), facts)] };
  const blocks: string[] = [];
  if (shown.length > FULL_DETAIL_MAX) blocks.push(statusGroups(shown));
  else blocks.push(...shown.map((o) => orderBlock(o, { provider: actor.anyOwner })));
  const refusedText = outcomeLines(refusals)
    .map((l) => l.text)
    .join('\n');
  if (refusedText) blocks.push(refusedText);
  return { reason: 'order_status', replies: [{ ...draft('order_results', { results: blocks.join('\n\n') }), facts }] };
}

/** Many orders: one line per status (`*In progress*: #1003 (remains 650), #1011 (remains 20)`). */
function statusGroups(orders: PanelOrder[]): string {
  return STATUS_ORDER.flatMap((status) => {
    const group = orders.filter((o) => o.status === status);
    if (group.length === 0) return [];
    const list = ACTIVE.includes(status)
      ? group.map((o) => `#${o.id}${o.remains === undefined ? '' : ` (remains ${o.remains})`}`).join(', ')
      : idList(group.map((o) => o.id));
    return [
      renderTemplate(DEFAULT_TEMPLATES.order_status_group, {
        status: `${STATUS_LABEL[status]} (${group.length})`,
        orders: list,
      }),
    ];
  }).join('\n');
}

const REFILL_LABEL: Record<RefillStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
  rejected: 'Rejected',
  error: 'Error',
  unknown: 'Unknown',
};

/**
 * `refill status <ids>`: the refill the bot requested for each (owned) order. A panel refill id is
 * looked up live when the panel has `refills.status`; a refill sent to a provider group says when it
 * was sent; without a record: none found; a panel refill without the capability: unavailable.
 */
export async function refillStatus(env: OrdersEnv, turn: Turn, command: ParsedCommand, actor: Actor): Promise<Outcome> {
  if (!actor.anyOwner && !actor.panelUser) return refusal(turn, 'not_linked');
  if (command.ids.length === 0) return refusal(turn, 'order_missing_id', { command: command.verb ?? 'refill status' });
  const panel = panelOf(turn);
  const found = new Map((await panel.getOrders(command.ids)).map((o) => [o.id, o]));
  const canCheck = panel.capabilities.has('refills.status') && typeof panel.refillStatus === 'function';
  const outcomes: OrderOutcome[] = [];
  for (const id of command.ids) {
    const order = found.get(id);
    const refused = ownershipRefusal(actor, id, order);
    if (refused || !order) {
      outcomes.push(refused!);
      continue;
    }
    const base = { orderId: id, provider: order.provider, providerOrderId: order.externalId };
    const record = await env.ctx.kv.get<RefillRecord>(turn.tenantId, refillKey(id));
    if (!record) {
      outcomes.push({
        ...base,
        kind: 'refused',
        key: 'refill_status_none',
        vars: { order_id: id },
        reason: 'no_refill',
      });
    } else if (!record.reference) {
      const vars = { order_id: id, date: formatDate(record.at) };
      outcomes.push({ ...base, kind: 'done', key: 'refill_status_sent', vars, reason: `refill_sent:${record.route}` });
    } else if (!canCheck) {
      const vars = { action: 'refill status' };
      outcomes.push({ ...base, kind: 'refused', key: 'action_unavailable', vars, reason: 'unavailable' });
    } else {
      const [status] = await panel.refillStatus!([record.reference]);
      const vars = { order_id: id, status: REFILL_LABEL[status?.status ?? 'unknown'] };
      outcomes.push({ ...base, kind: 'done', key: 'refill_status', vars, reason: 'refill_status' });
    }
  }
  recordOutcomes(turn, outcomes, 'info');
  return outcomesReply(outcomes, 'refill_status');
}
