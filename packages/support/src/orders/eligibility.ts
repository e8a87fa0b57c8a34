import { type OrderStatus, type PanelOrder, refillWindowEnds, type ServiceRules, startWindowEnds } from '@smmbot/core';
import { formatDate, STATUS_LABEL } from './format.js';
import type { OrderAction, OrderOutcome } from './types.js';

/**
 * Eligibility: whether an order may get an action, checked after ownership and before cooldowns.
 * Every refusal has its own reason (log) and template (reply).
 *
 * | action        | allowed when                                                  | refused with (reason = template)                  |
 * | ------------- | ------------------------------------------------------------- | -------------------------------------------------- |
 * | refill        | status completed or partial                                   | refill_not_eligible_status                         |
 * |               | refill rule `days`: now ≤ completion + days (end inclusive)   | refill_window_expired (days, end date)             |
 * |               | refill rule `lifetime`                                        | —                                                  |
 * |               | refill rule `none`                                            | refill_no_refill                                   |
 * |               | refill rule `unknown`, or no completion time for a window     | refill_unknown_rule (escalated: staff decide)      |
 * | cancel        | pending, processing, in_progress                              | cancel_not_eligible (completed, partial, canceled, |
 * |               |                                                               | refunded, failed, unknown)                         |
 * | speedup       | pending, processing, in_progress                              | speedup_not_eligible                               |
 * |               | remains > 0 (unknown remains pass)                            | order_nothing_left                                 |
 * |               | past the start window: created + max start time (instant:     | speedup_too_early (window and its end)             |
 * |               | + 15 min grace; unknown start time: no wait)                  |                                                    |
 * | refund        | canceled or failed with a charge left (charge unknown passes) | refund_already_refunded when the charge is 0       |
 * |               | partial (the undelivered part is reviewed)                    | —                                                  |
 * |               | refunded                                                      | refund_already_refunded                            |
 * |               | pending, processing, in_progress (cancel first), completed    | refund_not_eligible                                |
 * |               | (delivered: refill instead), unknown                          |                                                    |
 * | partial       | in_progress with remains > 0                                  | partial_not_eligible / order_nothing_left          |
 * | fake_complete | pending, processing, in_progress (a stalled order)            | fake_complete_not_eligible                         |
 *
 * The refill window counts from completion. Panels report no completion time; the order's last update
 * (`updatedAt`, PerfectPanel `last_update`) is the best proxy for a completed order (research §1.5).
 */
export type Eligibility = { ok: true } | { ok: false; refusal: OrderOutcome };

const ACTIVE: readonly OrderStatus[] = ['pending', 'processing', 'in_progress'];
/** How long an "instant" service may take to start before a speed-up is accepted. */
export const INSTANT_GRACE_MINUTES = 15;

const OK: Eligibility = { ok: true };

function refuse(order: PanelOrder, key: OrderOutcome['key'], extra: Record<string, string | number> = {}): Eligibility {
  const vars = { order_id: order.id, status: STATUS_LABEL[order.status], ...extra };
  return { ok: false, refusal: { orderId: order.id, kind: 'refused', key, vars, reason: key } };
}

export function checkEligibility(
  action: OrderAction,
  order: PanelOrder,
  rules: ServiceRules,
  now: number,
): Eligibility {
  switch (action) {
    case 'refill':
      return refillEligibility(order, rules, now);
    case 'cancel':
      return ACTIVE.includes(order.status) ? OK : refuse(order, 'cancel_not_eligible');
    case 'speedup':
      return speedupEligibility(order, rules, now);
    case 'refund':
      return refundEligibility(order);
    case 'partial':
      if (order.status !== 'in_progress' || order.remains === undefined) return refuse(order, 'partial_not_eligible');
      return order.remains > 0 ? OK : refuse(order, 'order_nothing_left');
    case 'fake_complete':
      return ACTIVE.includes(order.status) ? OK : refuse(order, 'fake_complete_not_eligible');
  }
}

function refillEligibility(order: PanelOrder, rules: ServiceRules, now: number): Eligibility {
  if (order.status !== 'completed' && order.status !== 'partial') return refuse(order, 'refill_not_eligible_status');
  const refill = rules.refill;
  if (refill.kind === 'none') return refuse(order, 'refill_no_refill');
  if (refill.kind === 'lifetime') return OK;
  const ends = order.updatedAt && refill.kind === 'days' ? refillWindowEnds(rules, order.updatedAt) : undefined;
  if (ends === 'never') return OK;
  if (ends === undefined) {
    // Nobody knows the window (or when it started): the owner's staff decide, the bot does not guess.
    const escalated = refuse(order, 'refill_unknown_rule');
    if (!escalated.ok) escalated.refusal.kind = 'escalated';
    return escalated;
  }
  if (now > ends.getTime()) {
    return refuse(order, 'refill_window_expired', {
      days: refill.kind === 'days' ? refill.days : '-',
      ended: formatDate(ends),
    });
  }
  return OK;
}

function speedupEligibility(order: PanelOrder, rules: ServiceRules, now: number): Eligibility {
  if (!ACTIVE.includes(order.status)) return refuse(order, 'speedup_not_eligible');
  if (order.remains !== undefined && order.remains <= 0) return refuse(order, 'order_nothing_left');
  if (!order.createdAt) return OK;
  const ends = startWindowEnds(rules, order.createdAt, { instantGraceMinutes: INSTANT_GRACE_MINUTES });
  if (ends && now < ends.getTime()) {
    return refuse(order, 'speedup_too_early', { start_time: `${describeStart(rules)}, until ${formatDate(ends)}` });
  }
  return OK;
}

function refundEligibility(order: PanelOrder): Eligibility {
  switch (order.status) {
    case 'refunded':
      return refuse(order, 'refund_already_refunded');
    case 'canceled':
    case 'failed':
      // A canceled order with nothing charged any more was refunded when it was canceled.
      return order.charge === 0 ? refuse(order, 'refund_already_refunded') : OK;
    case 'partial':
      return OK;
    default:
      return refuse(order, 'refund_not_eligible');
  }
}

function describeStart(rules: ServiceRules): string {
  const start = rules.startTime;
  if (start === 'unknown') return 'unknown';
  if ('instant' in start) return 'instant start';
  const fmt = (m: number) => (m % 60 === 0 && m > 0 ? `${m / 60} hour${m === 60 ? '' : 's'}` : `${m} minutes`);
  return start.minMinutes === start.maxMinutes
    ? fmt(start.maxMinutes)
    : `${fmt(start.minMinutes)} to ${fmt(start.maxMinutes)}`;
}
