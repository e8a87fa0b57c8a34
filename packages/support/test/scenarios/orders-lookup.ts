import { expect } from 'vitest';
import type { Scenario } from './types.js';

const S30 = '| Low Drop | 30 Days Refill | 100K Per Day';
const linked = { link: { 'customer-1': 'demo' } };
const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

export const orderLookups: Scenario[] = [
  {
    name: 'order <id>: one owned order in full, no provider for a customer',
    setup: linked,
    steps: [
      {
        say: 'order 1001',
        expect: [/^\*Order #1001\*\nService: .+30 Days Refill/, 'Status: Completed', 'Charge:'],
        notExpect: /Provider/,
      },
      { check: async (h) => expect((await h.logs())[0]).toMatchObject({ action: 'order', result: 'info' }) },
    ],
  },
  {
    name: 'bulk look-up with commas: one reply per message',
    setup: linked,
    steps: [{ say: 'check 1001, 1003', expect: ['*Order #1001*', '*Order #1003*', 'Status: In progress'] }],
  },
  {
    name: 'bulk look-up with newlines and #',
    setup: linked,
    steps: [{ say: 'status\n#1001\n#1006\n#1007', expect: ['#1001', '#1006', '#1007'], notExpect: /#1002/ }],
  },
  {
    name: 'many orders are grouped by status',
    setup: linked,
    steps: [
      {
        say: 'order 1001 1002 1003 1004 1005 1009',
        expect: [
          '*Completed (3)*: #1001, #1002, #1009',
          /\*In progress \(1\)\*: #1003 \(remains \d+\)/,
          /\*Pending \(1\)\*: #1004/,
          '*Processing (1)*: #1005',
        ],
      },
    ],
  },
  {
    name: 'ids before the verb, with a polite filler',
    setup: linked,
    steps: [{ say: '#1001 status please', expect: /^\*Order #1001\*/ }],
  },
  {
    name: 'a bare order id gets no order details',
    setup: linked,
    steps: [{ say: '1001', notExpect: /\*Order #1001\*/ }],
  },
  {
    name: 'an unknown order id is not found',
    setup: linked,
    steps: [
      { say: 'order 999999', expect: 'Order #999999: not found. Please check the number.' },
      {
        check: async (h) =>
          expect((await h.logs())[0]).toMatchObject({ action: 'order', orderIds: ['999999'], result: 'refused' }),
      },
    ],
  },
  {
    name: 'another customer’s order is not shown',
    setup: { ...linked, orders: [{ user: 'alice', service: S30, status: 'completed', remains: 0 }] },
    steps: [{ say: 'order {o0}', expect: 'Order #{o0} does not belong to your account.' }],
  },
  {
    name: 'mixed bulk: owned, not owned and not found in one reply',
    setup: { ...linked, orders: [{ user: 'alice', service: S30, status: 'completed', remains: 0 }] },
    steps: [
      {
        say: 'check 1001, {o0}, 999999',
        expect: ['*Order #1001*', 'Order #{o0} does not belong to your account.', 'Order #999999: not found.'],
        notExpect: /\*Order #\{o0\}\*/,
      },
      { check: async (h) => expect((await h.logs())[0]?.result).toBe('partial') },
    ],
  },
  {
    name: 'order without an id asks for one',
    setup: linked,
    steps: [{ say: 'order', expect: /^Please send the order id, for example: .+ 54321$/ }],
  },
  {
    name: 'more than 100 ids: the first 100 are handled and the rest left out',
    setup: linked,
    steps: [
      {
        say: `check ${ids(1001, 105).join(' ')}`,
        expect: ['Only the first 100 order ids were handled; please send the rest in another message.', '#1001'],
        notExpect: /#110[1-5]\b/,
      },
      { check: async (h) => expect((await h.logs())[0]?.orderIds).toHaveLength(100) },
    ],
  },
  {
    name: 'max_ids_per_message lowers the cap',
    setup: { ...linked, botConfig: { max_ids_per_message: 2 } },
    steps: [
      {
        say: 'order 1001 1002 1003',
        expect: ['Only the first 2 order ids were handled; please send the rest in another message.', '#1002'],
        notExpect: /#1003/,
      },
    ],
  },
  {
    name: 'a rapid repeat is refused for 5 seconds; other ids are not',
    setup: linked,
    steps: [
      { say: 'order 1001', expect: /\*Order #1001\*/ },
      { say: 'order 1001', expect: 'Please wait 5 seconds before sending this command again.' },
      { say: 'order 1003', expect: /\*Order #1003\*/ },
      { advance: '5s' },
      { say: 'order 1001', expect: /\*Order #1001\*/ },
    ],
  },
  {
    name: 'a stranger’s chat without verification is not linked',
    setup: { botConfig: { verification_enabled: false } },
    steps: [{ say: 'order 1001', from: { sender: 'stranger' }, expect: /not linked to a panel account/ }],
  },
];
