import { expect } from 'vitest';
import type { Scenario } from './types.js';

const S30 = '| Low Drop | 30 Days Refill | 100K Per Day';
const DAY = 86_400_000;
const linked = { 'customer-1': 'demo' };
const submitted = (id: string) => `Refill requested for order #${id}. We will update you when it is done.`;

export const refill: Scenario[] = [
  {
    name: 'refill of a recent completed order is submitted to the panel',
    setup: { link: linked },
    steps: [
      { say: 'refill 1001', expect: submitted('1001') },
      { check: (h) => expect(h.sim.state.refills.map((r) => r.orderId)).toEqual([1001]) },
      { check: async (h) => expect((await h.logs())[0]).toMatchObject({ action: 'refill', result: 'ok' }) },
    ],
  },
  {
    name: 'refill of a lifetime-refill order 40 days old is submitted',
    setup: { link: linked },
    steps: [{ say: 'refil 1010 pls', expect: submitted('1010') }],
  },
  {
    name: 'refill outside the 30-day window is refused with the end date',
    setup: { link: linked },
    steps: [
      {
        say: 'refill 1002',
        expect: /^Order #1002 is outside its 30-day refill period, which ended on \d{4}-\d\d-\d\d/,
      },
      { check: (h) => expect(h.sim.state.refills).toHaveLength(0) },
      { check: async (h) => expect((await h.logs())[0]?.reason).toBe('refill_window_expired') },
    ],
  },
  {
    name: 'refill window edge: completed 29 days ago is inside, 31 days ago is outside',
    setup: {
      link: linked,
      orders: [
        { user: 'demo', service: S30, status: 'completed', remains: 0, ageMs: 30 * DAY, statusAgoMs: 29 * DAY },
        { user: 'demo', service: S30, status: 'completed', remains: 0, ageMs: 32 * DAY, statusAgoMs: 31 * DAY },
      ],
    },
    steps: [
      { say: 'refill {o0}', expect: submitted('{o0}') },
      { say: 'refill {o1}', expect: /^Order #\{o1\} is outside its 30-day refill period/ },
    ],
  },
  {
    name: 'refill of a no-refill service is refused',
    setup: { link: linked },
    steps: [{ say: 'refill 1009', expect: 'Order #1009 is for a service without refill.' }],
  },
  {
    name: 'refill with an unknown refill rule is escalated to staff, not refused outright',
    setup: {
      link: linked,
      orders: [{ user: 'demo', service: 'Story Views + Impressions', status: 'completed', remains: 0 }],
    },
    steps: [
      {
        say: 'refill {o0}',
        expect: 'We could not confirm the refill period of order #{o0}; our team will check it.',
      },
      { check: (h) => expect(h.sim.state.refills).toHaveLength(0) },
    ],
  },
  {
    name: 'refill of a pending order is not eligible',
    setup: { link: linked },
    steps: [
      {
        say: 'refill 1004',
        expect: 'Order #1004 cannot be refilled: it is Pending. Refills are for completed orders.',
      },
    ],
  },
  {
    name: 'refill of an in-progress order is not eligible',
    setup: { link: linked },
    steps: [{ say: 'refill 1003', expect: /^Order #1003 cannot be refilled: it is In progress\./ }],
  },
  {
    name: 'refill of a partial order passes the bot and goes to the panel (the sim refills completed orders only)',
    setup: { link: linked },
    steps: [
      {
        say: 'refill 1006',
        expect: 'The refill request for order #1006 was not accepted by the panel. Our team can check it.',
      },
      { check: async (h) => expect((await h.logs())[0]?.reason).not.toMatch(/not_eligible/) },
    ],
  },
  {
    name: 'a second refill is held by the cooldown, and accepted after it',
    setup: { link: linked },
    steps: [
      { say: 'refill 1001', expect: submitted('1001') },
      { advance: '10s' },
      {
        say: 'refill 1001',
        expect: /^A refill request for order #1001 is already in progress\. You can ask again in /,
      },
      { advance: '3d' },
      { say: 'refill 1001', expect: submitted('1001') },
      { check: (h) => expect(h.sim.state.refills).toHaveLength(2) },
    ],
  },
  {
    name: 'cooldown_seconds from the bot config shortens the cooldown',
    setup: { link: linked, botConfig: { cooldown_seconds: 60 } },
    steps: [
      { say: 'refill 1001', expect: submitted('1001') },
      { advance: '30s' },
      { say: 'refill 1001', expect: /already in progress\. You can ask again in 30 seconds/ },
      { advance: '30s' },
      // Past the bot's cooldown the request reaches the panel again, which still has the first one in flight.
      {
        say: 'refill 1001',
        expect: 'The refill request for order #1001 was not accepted by the panel. Our team can check it.',
      },
    ],
  },
  {
    name: 'bulk refill: each order gets its own answer in one reply',
    setup: { link: linked },
    steps: [
      {
        say: 'refill 1001, 1002, 1004, 1009',
        expect: [
          submitted('1001'),
          /Order #1002 is outside its 30-day refill period/,
          /Order #1004 cannot be refilled: it is Pending/,
          'Order #1009 is for a service without refill.',
        ],
      },
      { check: async (h) => expect((await h.logs())[0]?.result).toBe('partial') },
    ],
  },
  {
    name: 'refill status: nothing before, then requested',
    setup: { link: linked, providers: true, support: { dispatch: 'provider-first' } },
    steps: [
      { say: 'refill status 1001', expect: 'No refill request was found for order #1001.' },
      { say: 'refill 1001', expect: submitted('1001') },
      { advance: '6s' },
      {
        say: 'refill status 1001',
        expect: /^A refill of order #1001 was requested on \d{4}-\d\d-\d\d \d\d:\d\d UTC and is being handled\.$/,
      },
    ],
  },
  {
    name: 'refill without an id asks for one',
    setup: { link: linked },
    steps: [{ say: 'refill', expect: 'Please send the order id, for example: refill 54321' }],
  },
];
