import type { Outcome, PanelOrder, ParsedCommand, Turn } from '@smmbot/core';
import type { TemplateKey } from '../../templates/defaults.js';
import { checkEligibility } from '../eligibility.js';
import { ACTION_LABEL, formatWait } from '../format.js';
import { type Actor, ownershipRefusal } from '../ownership.js';
import { type OrderAction, type OrderOutcome, type RouteResult, routeResults } from '../types.js';
import { type OrdersEnv, outcomesReply, panelOf, recordOutcomes, refusal } from './common.js';

/** Where a refill handed to a route is remembered, for `refill status`. */
export const refillKey = (orderId: string) => `refill:${orderId}`;
export interface RefillRecord {
  at: number;
  route: string;
  /** The panel's refill id, when the panel route carried it. */
  reference?: string;
}
const REFILL_RECORD_TTL_MS = 90 * 86_400_000;

const SUBMITTED: Record<OrderAction, TemplateKey> = {
  refill: 'refill_submitted',
  cancel: 'cancel_submitted',
  speedup: 'speedup_submitted',
  refund: 'refund_submitted',
  partial: 'partial_submitted',
  fake_complete: 'fake_complete_submitted',
};

/**
 * An order action for the ids of a command: per order, ownership → eligibility → order+action cooldown
 * (claimed) → dispatch (grouped per provider) → cooldown confirmed on success, released otherwise.
 * Every order gets an outcome; the reply groups them.
 */
export async function runAction(
  env: OrdersEnv,
  turn: Turn,
  command: ParsedCommand,
  actor: Actor,
  action: OrderAction,
): Promise<Outcome> {
  // Spec: "fake complete" is a staff-level tool.
  if (action === 'fake_complete' && !actor.anyOwner) return refusal(turn, 'permission_denied');
  if (!actor.anyOwner && !actor.panelUser) return refusal(turn, 'not_linked');
  if (command.ids.length === 0) {
    return refusal(turn, 'order_missing_id', { command: command.verb ?? ACTION_LABEL[action] });
  }
  const panel = panelOf(turn);
  const now = env.ctx.clock.now();
  const found = new Map((await panel.getOrders(command.ids)).map((o) => [o.id, o]));
  const outcomes = new Map<string, OrderOutcome>();
  const eligible: PanelOrder[] = [];
  for (const id of command.ids) {
    const order = found.get(id);
    const refused = ownershipRefusal(actor, id, order);
    if (refused || !order) {
      outcomes.set(id, refused!);
      continue;
    }
    const verdict = checkEligibility(action, order, await env.rules.forOrder(turn, panel, order), now);
    if (!verdict.ok) outcomes.set(id, withProvider(verdict.refusal, order));
    else eligible.push(order);
  }

  const cooldownMs = turn.config.cooldown_seconds * 1000;
  const claimed: PanelOrder[] = [];
  for (const order of eligible) {
    const wait = await env.cooldowns.claimOrder(turn.tenantId, action, order.id, cooldownMs);
    if (wait === undefined) claimed.push(order);
    else {
      const vars = { action: ACTION_LABEL[action], order_id: order.id, wait: formatWait(wait) };
      outcomes.set(
        order.id,
        withProvider({ orderId: order.id, kind: 'refused', key: 'cooldown_active', vars, reason: 'cooldown' }, order),
      );
    }
  }

  // One dispatch per provider: a provider group gets one message with all of its order ids.
  const byProvider = new Map<string, PanelOrder[]>();
  for (const order of claimed) {
    const key = order.provider?.trim().toLowerCase() ?? '';
    byProvider.set(key, [...(byProvider.get(key) ?? []), order]);
  }
  for (const orders of byProvider.values()) {
    const orderIds = orders.map((o) => o.id);
    const dispatched = { kind: action, orderIds, params: { orders, idempotencyPrefix: turn.message.id } };
    // A route that throws fails its orders (their claims are released below), not the whole command.
    const result = await env.dispatch(dispatched, turn).catch((err: unknown) => {
      turn.log.warn({ err, action, orderIds }, 'dispatch failed');
      return { route: 'none', ok: false };
    });
    const results = new Map(routeResults(result).map((r) => [r.orderId, r]));
    for (const order of orders) {
      const r = results.get(order.id) ?? { orderId: order.id, status: 'failed', error: 'no route result' };
      const outcome = fromRoute(action, r, order, result.route);
      outcomes.set(order.id, outcome);
      if (r.status === 'submitted') {
        await env.cooldowns.confirmOrder(turn.tenantId, action, order.id, cooldownMs);
        if (action === 'refill') {
          const record: RefillRecord = { at: now, route: result.route, reference: r.reference };
          await env.ctx.kv.set(turn.tenantId, refillKey(order.id), record, REFILL_RECORD_TTL_MS);
        }
      } else {
        await env.cooldowns.releaseOrder(turn.tenantId, action, order.id);
      }
    }
  }

  const ordered = command.ids.map((id) => outcomes.get(id)!);
  recordOutcomes(turn, ordered, 'ok');
  return outcomesReply(ordered, `${action}:${ordered.map((o) => o.reason).join(',')}`.slice(0, 200));
}

function withProvider(outcome: OrderOutcome, order: PanelOrder): OrderOutcome {
  return { ...outcome, provider: order.provider, providerOrderId: order.externalId };
}

function fromRoute(action: OrderAction, r: RouteResult, order: PanelOrder, route: string): OrderOutcome {
  const base = {
    orderId: order.id,
    provider: r.provider ?? order.provider,
    providerOrderId: r.providerOrderId ?? order.externalId,
  };
  const vars = { action: ACTION_LABEL[action], order_id: order.id };
  switch (r.status) {
    case 'submitted':
      return {
        ...base,
        kind: 'done',
        key: SUBMITTED[action],
        vars: { order_id: order.id },
        reason: `submitted:${route}`,
      };
    case 'rejected':
      return { ...base, kind: 'refused', key: 'action_rejected', vars, reason: 'panel_rejected' };
    case 'failed':
      return { ...base, kind: 'error', key: 'action_failed', vars, reason: 'dispatch_failed' };
    case 'route_missing':
      return { ...base, kind: 'escalated', key: 'route_missing', vars, reason: 'route_missing' };
    case 'provider_missing':
      return { ...base, kind: 'escalated', key: 'provider_missing', vars, reason: 'provider_missing' };
    case 'unavailable':
      return {
        ...base,
        kind: 'refused',
        key: 'action_unavailable',
        vars: { action: ACTION_LABEL[action] },
        reason: 'unavailable',
      };
  }
}
