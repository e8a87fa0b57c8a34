import type { OrderStatus, PanelOrder, ServiceRules } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import { checkEligibility, type Eligibility, type OrderAction } from '../src/orders/index.js';

const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;

const rules = (over: Partial<ServiceRules> = {}): ServiceRules => ({
  refill: { kind: 'days', days: 30 },
  autoRefill: 'unknown',
  startTime: 'unknown',
  speed: 'unknown',
  evidence: [],
  ...over,
});

const order = (status: OrderStatus, over: Partial<PanelOrder> = {}): PanelOrder => ({
  id: '77',
  status,
  user: 'demo',
  quantity: 1000,
  remains: status === 'completed' ? 0 : 400,
  charge: 2.5,
  createdAt: new Date(NOW - 5 * DAY),
  updatedAt: new Date(NOW - DAY),
  ...over,
});

/** The refusal template, or 'ok'. */
const key = (e: Eligibility) => (e.ok ? 'ok' : e.refusal.key);
const check = (action: OrderAction, o: PanelOrder, r: ServiceRules = rules(), now = NOW) =>
  key(checkEligibility(action, o, r, now));

describe('eligibility by status', () => {
  const table: [OrderAction, Record<OrderStatus, string>][] = [
    [
      'refill',
      {
        pending: 'refill_not_eligible_status',
        processing: 'refill_not_eligible_status',
        in_progress: 'refill_not_eligible_status',
        completed: 'ok',
        partial: 'ok',
        canceled: 'refill_not_eligible_status',
        refunded: 'refill_not_eligible_status',
        failed: 'refill_not_eligible_status',
        unknown: 'refill_not_eligible_status',
      },
    ],
    [
      'cancel',
      {
        pending: 'ok',
        processing: 'ok',
        in_progress: 'ok',
        completed: 'cancel_not_eligible',
        partial: 'cancel_not_eligible',
        canceled: 'cancel_not_eligible',
        refunded: 'cancel_not_eligible',
        failed: 'cancel_not_eligible',
        unknown: 'cancel_not_eligible',
      },
    ],
    [
      'speedup',
      {
        pending: 'ok',
        processing: 'ok',
        in_progress: 'ok',
        completed: 'speedup_not_eligible',
        partial: 'speedup_not_eligible',
        canceled: 'speedup_not_eligible',
        refunded: 'speedup_not_eligible',
        failed: 'speedup_not_eligible',
        unknown: 'speedup_not_eligible',
      },
    ],
    [
      'refund',
      {
        pending: 'refund_not_eligible',
        processing: 'refund_not_eligible',
        in_progress: 'refund_not_eligible',
        completed: 'refund_not_eligible',
        partial: 'ok',
        canceled: 'ok',
        refunded: 'refund_already_refunded',
        failed: 'ok',
        unknown: 'refund_not_eligible',
      },
    ],
    [
      'partial',
      {
        pending: 'partial_not_eligible',
        processing: 'partial_not_eligible',
        in_progress: 'ok',
        completed: 'partial_not_eligible',
        partial: 'partial_not_eligible',
        canceled: 'partial_not_eligible',
        refunded: 'partial_not_eligible',
        failed: 'partial_not_eligible',
        unknown: 'partial_not_eligible',
      },
    ],
    [
      'fake_complete',
      {
        pending: 'ok',
        processing: 'ok',
        in_progress: 'ok',
        completed: 'fake_complete_not_eligible',
        partial: 'fake_complete_not_eligible',
        canceled: 'fake_complete_not_eligible',
        refunded: 'fake_complete_not_eligible',
        failed: 'fake_complete_not_eligible',
        unknown: 'fake_complete_not_eligible',
      },
    ],
  ];
  for (const [action, expected] of table) {
    it(`${action}: ${Object.values(expected).filter((v) => v === 'ok').length} statuses allowed`, () => {
      for (const [status, want] of Object.entries(expected)) {
        expect([status, check(action, order(status as OrderStatus))]).toEqual([status, want]);
      }
    });
  }

  it('puts the status label in the refusal vars', () => {
    const e = checkEligibility('cancel', order('completed'), rules(), NOW);
    expect(e.ok ? undefined : e.refusal.vars).toMatchObject({ order_id: '77', status: 'Completed' });
  });
});

describe('refill rules and window', () => {
  const completedAt = NOW - 10 * DAY;
  const done = order('completed', { updatedAt: new Date(completedAt) });

  it('follows the service rule: days, lifetime, none, unknown (escalated to staff)', () => {
    expect(check('refill', done, rules({ refill: { kind: 'lifetime' } }))).toBe('ok');
    expect(check('refill', done, rules({ refill: { kind: 'none' } }))).toBe('refill_no_refill');
    const unknown = checkEligibility('refill', done, rules({ refill: { kind: 'unknown' } }), NOW);
    expect(unknown.ok ? undefined : unknown.refusal).toMatchObject({ key: 'refill_unknown_rule', kind: 'escalated' });
  });

  it('counts the window from completion (updatedAt): one minute before the end is in, one minute after is out', () => {
    const end = completedAt + 30 * DAY;
    expect(check('refill', done, rules(), end - MIN)).toBe('ok');
    expect(check('refill', done, rules(), end)).toBe('ok');
    const late = checkEligibility('refill', done, rules(), end + MIN);
    expect(late.ok ? undefined : late.refusal).toMatchObject({
      key: 'refill_window_expired',
      vars: { days: 30, ended: '2026-11-21 12:00 UTC' },
    });
  });

  it('escalates a window it cannot count (no completion time), but lifetime needs none', () => {
    const noDate = order('completed', { updatedAt: undefined });
    expect(check('refill', noDate)).toBe('refill_unknown_rule');
    expect(check('refill', noDate, rules({ refill: { kind: 'lifetime' } }))).toBe('ok');
  });
});

describe('speed-up, refund and partial details', () => {
  it('refuses a speed-up within the start window, and allows it after (instant: 15 min grace)', () => {
    const created = new Date(NOW - 30 * MIN);
    const threeHours = rules({ startTime: { minMinutes: 0, maxMinutes: 180 } });
    const early = checkEligibility('speedup', order('pending', { createdAt: created }), threeHours, NOW);
    expect(early.ok ? undefined : early.refusal).toMatchObject({
      key: 'speedup_too_early',
      vars: { start_time: '0 minutes to 3 hours, until 2026-11-01 14:30 UTC' },
    });
    expect(check('speedup', order('pending', { createdAt: created }), threeHours, NOW + 150 * MIN + 1)).toBe('ok');
    const instant = rules({ startTime: { instant: true } });
    expect(check('speedup', order('pending', { createdAt: new Date(NOW - 10 * MIN) }), instant)).toBe(
      'speedup_too_early',
    );
    expect(check('speedup', order('pending', { createdAt: new Date(NOW - 16 * MIN) }), instant)).toBe('ok');
    expect(check('speedup', order('pending', { createdAt: new Date(NOW - MIN) }))).toBe('ok');
  });

  it('refuses a speed-up or partial with nothing left to deliver', () => {
    expect(check('speedup', order('in_progress', { remains: 0 }))).toBe('order_nothing_left');
    expect(check('partial', order('in_progress', { remains: 0 }))).toBe('order_nothing_left');
    expect(check('partial', order('in_progress', { remains: undefined }))).toBe('partial_not_eligible');
    expect(check('speedup', order('in_progress', { remains: undefined }))).toBe('ok');
  });

  it('treats a canceled or failed order with nothing charged as already refunded', () => {
    expect(check('refund', order('canceled', { charge: 0 }))).toBe('refund_already_refunded');
    expect(check('refund', order('failed', { charge: 0 }))).toBe('refund_already_refunded');
    expect(check('refund', order('canceled', { charge: undefined }))).toBe('ok');
  });
});
