import { expect } from 'vitest';
import type { Scenario } from './types.js';

const S30 = '| Low Drop | 30 Days Refill | 100K Per Day';
const HOUR_START = 'Lifetime Refill | 1 Hour Start Time';
const link = { 'customer-1': 'demo' };
const STAFF = { support: { admins: [{ channel: 'webchat', address: 'staff-1', role: 'staff' as const }] } };
const staff = { sender: 'staff-1' };
const DENIED = 'Sorry, you do not have permission to use this command.';

export const actions: Scenario[] = [
  {
    name: 'cancel a pending order',
    setup: { link },
    steps: [
      {
        say: 'cancel 1004',
        expect: 'Cancellation requested for order #1004. If it cannot be stopped in time, it will complete as normal.',
      },
      { check: (h) => expect(h.sim.state.view(1004).status).toBe('canceled') },
    ],
  },
  {
    name: 'cancel refused: completed, canceled and refunded orders',
    setup: { link },
    steps: [
      { say: 'cancel 1001', expect: 'Order #1001 cannot be canceled: it is Completed.' },
      { say: 'cancel 1007', expect: 'Order #1007 cannot be canceled: it is Canceled.' },
      { say: 'cancle 1008', expect: 'Order #1008 cannot be canceled: it is Refunded.' },
      { say: 'cancel 1006', expect: /^Order #1006 cannot be canceled: it is Partial/ },
    ],
  },
  {
    name: 'cancel another customer’s order is refused as not owned',
    setup: { link, orders: [{ user: 'alice', service: S30, status: 'in_progress', remains: 100 }] },
    steps: [
      { say: 'cancel {o0}', expect: 'Order #{o0} does not belong to your account.' },
      { check: (h) => expect(h.sim.state.view(Number(h.orders[0])).status).toBe('in_progress') },
    ],
  },
  {
    name: 'speed up an in-progress order',
    setup: { link },
    steps: [
      { say: 'speed up 1003', expect: 'Speed-up requested for order #1003.' },
      { check: (h) => expect(h.sim.state.getOrder(1003)!.resends).toBe(1) },
    ],
  },
  {
    name: 'speed up refused: completed order',
    setup: { link },
    steps: [{ say: 'speedup 1001', expect: 'Order #1001 cannot be sped up: it is Completed.' }],
  },
  {
    name: 'speed up refused: still inside the start time',
    setup: { link, orders: [{ user: 'demo', service: HOUR_START, status: 'pending' }] },
    steps: [
      {
        say: 'speed up {o0}',
        expect: /^Order #\{o0\} is still within its start time \(.*1 hour.*\); please wait a little longer\.$/,
      },
      { advance: '2h' },
      { say: 'speed up {o0}', expect: 'Speed-up requested for order #{o0}.' },
    ],
  },
  {
    name: 'speed up refused: nothing left to deliver',
    setup: { link, orders: [{ user: 'demo', service: S30, status: 'in_progress', remains: 0, ageMs: 86_400_000 }] },
    steps: [{ say: 'speed up {o0}', expect: 'Order #{o0} has nothing left to deliver.' }],
  },
  {
    // PerfectPanel has no refund endpoint (its admin cancel refunds), so an eligible refund goes to staff.
    name: 'refund a partial order: eligible, left to staff (no refund route on PerfectPanel)',
    setup: { link },
    steps: [
      {
        say: 'refund 1006',
        expect: 'We could not send the refund request for order #1006 automatically; our team will handle it.',
      },
      { check: async (h) => expect((await h.logs())[0]).toMatchObject({ action: 'refund', reason: 'route_missing' }) },
    ],
  },
  {
    name: 'refund refused: already refunded, and completed',
    setup: { link },
    steps: [
      { say: 'refund 1008', expect: 'Order #1008 has already been refunded.' },
      { say: 'refund 1001', expect: 'Order #1001 cannot be refunded: it is Completed.' },
      { say: 'refund 1003', expect: 'Order #1003 cannot be refunded: it is In progress.' },
    ],
  },
  {
    name: 'partial for an in-progress order',
    setup: { link },
    steps: [
      { say: 'partial 1003', expect: 'Partial completion requested for order #1003.' },
      { check: (h) => expect(h.sim.state.view(1003).status).toBe('partial') },
    ],
  },
  {
    name: 'partial refused: completed and pending orders',
    setup: { link },
    steps: [
      { say: 'partial 1001', expect: 'Order #1001 cannot be marked partial: it is Completed.' },
      { say: 'partial 1004', expect: 'Order #1004 cannot be marked partial: it is Pending.' },
    ],
  },
  {
    name: 'fake complete is staff-only, even on the customer’s own order',
    setup: { link, ...STAFF },
    steps: [
      { say: 'fake complete 1004', expect: DENIED },
      { check: (h) => expect(h.sim.state.view(1004).status).toBe('pending') },
      { check: async (h) => expect((await h.logs())[0]).toMatchObject({ result: 'refused' }) },
    ],
  },
  {
    name: 'staff fake complete: a stalled order is marked completed; a completed one is refused',
    setup: { ...STAFF },
    steps: [
      { say: 'force complete 1004', from: staff, expect: 'Order #1004 marked as completed.' },
      { check: (h) => expect(h.sim.state.view(1004).status).toBe('completed') },
      { say: 'fake complete 1001', from: staff, expect: 'Order #1001 cannot be marked completed: it is Completed.' },
    ],
  },
  {
    name: 'bulk cancel: own pending goes ahead, alice’s and unknown are refused',
    setup: { link, orders: [{ user: 'alice', service: S30, status: 'in_progress', remains: 100 }] },
    steps: [
      {
        say: 'cancel 1004 {o0} 999999',
        expect: [
          'Cancellation requested for order #1004.',
          'Order #{o0} does not belong to your account.',
          'Order #999999: not found.',
        ],
      },
    ],
  },
  {
    name: 'a cancel is held by its cooldown per order',
    setup: { link },
    steps: [
      { say: 'speed up 1003', expect: 'Speed-up requested for order #1003.' },
      { advance: '10s' },
      { say: 'speed up 1003', expect: /^A speed-up request for order #1003 is already in progress/ },
    ],
  },
];
