import type { OrderView, SimOrder, SimOrderStatus, SimRefill, SimRefillStatus } from '../types.js';

/**
 * Orders have no timers: their state is a pure function of the creation time, the plan drawn at
 * creation and the clock. A VirtualClock moving forward is all it takes to complete them.
 *
 *   created ── startDelay ──▶ start ── duration ──▶ end
 *   pending                   in_progress            completed | partial
 *
 * A hand-set status (admin action or seed) is an override and freezes the order where it is.
 */
export function viewOrder(order: SimOrder, now: number): OrderView {
  const { plan, quantity } = order;
  const startAt = order.created + plan.startDelayMs;
  const endAt = startAt + plan.durationMs;
  const o = order.override;
  if (o) {
    const status = o.status;
    const remains = o.remains ?? remainsFor(status, order, o.at);
    return {
      status,
      startCount: status === 'pending' ? 0 : plan.startCount,
      remains,
      lastUpdate: o.at,
      charge: chargeFor(status, order.price, quantity, remains),
      ...(status === 'completed' ? { completedAt: o.at } : {}),
    };
  }
  if (now < startAt) {
    return { status: 'pending', startCount: 0, remains: quantity, lastUpdate: order.created, charge: order.price };
  }
  if (now < endAt) {
    const done = Math.floor((quantity * (now - startAt)) / Math.max(1, plan.durationMs));
    return {
      status: 'in_progress',
      startCount: plan.startCount,
      remains: Math.max(1, quantity - done),
      lastUpdate: startAt,
      charge: order.price,
    };
  }
  if (plan.outcome === 'partial') {
    const remains = plan.partialRemains;
    return {
      status: 'partial',
      startCount: plan.startCount,
      remains,
      lastUpdate: endAt,
      charge: chargeFor('partial', order.price, quantity, remains),
    };
  }
  return {
    status: 'completed',
    startCount: plan.startCount,
    remains: 0,
    lastUpdate: endAt,
    charge: order.price,
    completedAt: endAt,
  };
}

/** Remains of a hand-set status where none was given: what the order had reached at that moment. */
function remainsFor(status: SimOrderStatus, order: SimOrder, at: number): number {
  if (status === 'completed') return 0;
  if (status === 'canceled' || status === 'refunded' || status === 'pending') return order.quantity;
  const { override: _omit, ...free } = order;
  const natural = viewOrder(free, at);
  if (status === 'partial') return natural.status === 'completed' ? 0 : Math.max(1, natural.remains);
  return natural.remains;
}

/** Partial refunds the undelivered part; cancel and refund give everything back. */
export function chargeFor(status: SimOrderStatus, price: number, quantity: number, remains: number): number {
  if (status === 'canceled' || status === 'refunded') return 0;
  if (status === 'partial') return round5((price * (quantity - remains)) / Math.max(1, quantity));
  return price;
}

export function round5(n: number): number {
  return Math.round(n * 100000) / 100000;
}

/** Refills: pending for 30 min, in progress until `durationMs`, then their outcome. */
export function refillStatus(refill: SimRefill, now: number): SimRefillStatus {
  const age = now - refill.created;
  if (age < 30 * 60_000) return 'pending';
  if (age < refill.durationMs) return 'in_progress';
  return refill.outcome;
}

const TITLE: Record<SimOrderStatus | SimRefillStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  processing: 'Processing',
  completed: 'Completed',
  partial: 'Partial',
  canceled: 'Canceled',
  refunded: 'Refunded',
  rejected: 'Rejected',
};

/** A status as the classic API writes it: "In progress", or "in progress" for lower-case panels. */
export function classicStatus(status: SimOrderStatus | SimRefillStatus, statusCase: 'title' | 'lower'): string {
  const title = TITLE[status];
  return statusCase === 'lower' ? title.toLowerCase() : title;
}
