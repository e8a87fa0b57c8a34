import type { SimOrder, SimOrderStatus, SimRefill, SimUser } from '../types.js';
import { refillStatus } from './progress.js';
import { DAY, MINUTE } from './seed.js';
import type { SimState } from './state.js';

/** Why the panel refused something; each API words it its own way (see errors.ts). */
export type SimErrorCode =
  | 'incorrect_request'
  | 'invalid_key'
  | 'incorrect_order_id'
  | 'incorrect_service_id'
  | 'incorrect_link'
  | 'not_enough_funds'
  | 'link_duplicate'
  | 'min_quantity'
  | 'max_quantity'
  | 'refill_not_eligible'
  | 'refill_in_flight'
  | 'refill_not_found'
  | 'cancel_not_eligible'
  | 'resend_not_available'
  | 'invalid_status'
  | 'invalid_remains';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SimErrorCode };

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = <T>(error: SimErrorCode): Outcome<T> => ({ ok: false, error });

const ACTIVE: readonly SimOrderStatus[] = ['pending', 'in_progress', 'processing'];

/** Completed, refill-enabled service, inside its window, and no refill of it in flight. */
export function refillCheck(state: SimState, order: SimOrder): SimErrorCode | undefined {
  const view = state.view(order);
  const service = state.getService(order.serviceId);
  if (view.status !== 'completed' || !service?.refill || view.completedAt === undefined) return 'refill_not_eligible';
  if (state.now() > view.completedAt + service.refillDays * DAY) return 'refill_not_eligible';
  const now = state.now();
  const busy = state.refills.some(
    (r) => r.orderId === order.id && ['pending', 'in_progress'].includes(refillStatus(r, now)),
  );
  return busy ? 'refill_in_flight' : undefined;
}

export function requestRefill(state: SimState, order: SimOrder): Outcome<SimRefill> {
  const error = refillCheck(state, order);
  if (error) return fail(error);
  const refill: SimRefill = {
    id: state.refills.reduce((max, r) => Math.max(max, r.id), 0) + 1,
    orderId: order.id,
    created: state.now(),
    outcome: state.prng.chance(0.85) ? 'completed' : 'rejected',
    durationMs: state.prng.int(2, 24) * 3_600_000,
  };
  state.refills.push(refill);
  return ok(refill);
}

/**
 * Cancel. The admin "cancel and refund" works on anything not already canceled or refunded; a
 * customer's cancel needs a cancel-enabled service and an unfinished order, and an order already
 * running ends `partial` (the undelivered part is refunded).
 */
export function cancelOrder(state: SimState, order: SimOrder, by: 'admin' | 'customer'): Outcome<SimOrderStatus> {
  const view = state.view(order);
  const now = state.now();
  if (by === 'admin') {
    if (view.status === 'canceled' || view.status === 'refunded') return fail('cancel_not_eligible');
    order.override = { status: 'canceled', at: now };
    return ok('canceled');
  }
  const service = state.getService(order.serviceId);
  if (!service?.cancel || !ACTIVE.includes(view.status)) return fail('cancel_not_eligible');
  if (view.status === 'in_progress') {
    order.override = { status: 'partial', at: now, remains: view.remains };
    return ok('partial');
  }
  order.override = { status: 'canceled', at: now };
  return ok('canceled');
}

export function changeStatus(state: SimState, order: SimOrder, status: SimOrderStatus): Outcome<SimOrderStatus> {
  order.override = { status, at: state.now() };
  return ok(status);
}

export function setPartial(state: SimState, order: SimOrder, remains: number): Outcome<SimOrderStatus> {
  if (!Number.isInteger(remains) || remains < 0 || remains > order.quantity) return fail('invalid_remains');
  order.override = { status: 'partial', at: state.now(), remains };
  return ok('partial');
}

/** Resend to the provider: a stuck (pending/processing) order starts over within the hour. */
export function resendOrder(state: SimState, order: SimOrder): Outcome<SimOrderStatus> {
  const view = state.view(order);
  if (!ACTIVE.includes(view.status)) return fail('resend_not_available');
  order.resends++;
  if (view.status !== 'in_progress') {
    delete order.override;
    order.plan.startDelayMs = state.now() - order.created + state.prng.int(5, 60) * MINUTE;
  }
  return ok(state.view(order).status);
}

/** The `actions` flags of an admin order object. */
export function actionsFor(state: SimState, order: SimOrder): Record<string, boolean> {
  const view = state.view(order);
  const service = state.getService(order.serviceId);
  const active = ACTIVE.includes(view.status);
  return {
    refill: refillCheck(state, order) === undefined,
    resend: active,
    cancel_and_refund: view.status !== 'canceled' && view.status !== 'refunded',
    request_cancel: active && Boolean(service?.cancel),
    set_partial: view.status !== 'canceled' && view.status !== 'refunded',
    edit_link: view.status === 'pending',
  };
}

export interface PlaceOrderInput {
  service: string | undefined;
  link: string | undefined;
  quantity: string | undefined;
}

/** The classic `add` action's checks, in the order real panels apply them. */
export function placeOrder(state: SimState, user: SimUser, input: PlaceOrderInput): Outcome<SimOrder> {
  const service = input.service ? state.getService(input.service) : undefined;
  if (!service || !/^\d+$/.test(input.service ?? '')) return fail('incorrect_service_id');
  const link = (input.link ?? '').trim();
  if (!link) return fail('incorrect_link');
  const quantity = Number(input.quantity);
  if (!Number.isInteger(quantity) || quantity < service.min) return fail('min_quantity');
  if (quantity > service.max) return fail('max_quantity');
  const duplicate = state
    .ordersOf(user.username)
    .some((o) => o.link === link && o.serviceId === service.id && ACTIVE.includes(state.view(o).status));
  if (duplicate) return fail('link_duplicate');
  const price = Math.round(((service.rate * quantity) / 1000) * 100000) / 100000;
  if (state.balanceOf(user.username) < price) return fail('not_enough_funds');
  return ok(state.addOrder({ user: user.username, serviceId: service.id, link, quantity }));
}
