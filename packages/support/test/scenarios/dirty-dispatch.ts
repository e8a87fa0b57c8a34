import { expect } from 'vitest';
import type { ScenarioHarness } from './harness.js';
import type { Scenario } from './types.js';

const link = { 'customer-1': 'demo' };
const lastLog = async (h: ScenarioHarness) => (await h.logs())[0]!;
/** The provider group of an order and its provider order id (the sim names providers by domain). */
const upstream = (h: ScenarioHarness, id: number) => {
  const o = h.sim.state.getOrder(id)!;
  return { group: `provider-group-${/smmprovider-(\w)\./.exec(o.provider)![1]}`, external: o.externalId };
};

export const dirty: Scenario[] = [
  {
    name: 'dirty cancel runs the action and flags the log entry priority',
    setup: { link },
    steps: [
      { say: 'cancel 1004 this is taking forever!!', expect: /^Cancellation requested for order #1004\./ },
      { check: (h) => expect(h.sim.state.view(1004).status).toBe('canceled') },
      {
        check: async (h) =>
          expect(await lastLog(h)).toMatchObject({
            action: 'cancel',
            priority: true,
            reason: expect.stringContaining('customer: "this is taking forever!!"'),
          }),
      },
    ],
  },
  {
    name: 'dirty refill with words around the id',
    setup: { link },
    steps: [
      { say: 'refill 1001 please its dropping again', expect: /^Refill requested for order #1001\./ },
      { check: async (h) => expect((await lastLog(h)).priority).toBe(true) },
    ],
  },
  {
    name: 'polite fillers keep a command clean (no priority)',
    setup: { link },
    steps: [
      { say: 'cancel order #1004 thanks sir', expect: /^Cancellation requested for order #1004\./ },
      { check: async (h) => expect((await lastLog(h)).priority).toBe(false) },
    ],
  },
  {
    name: 'a dirty refusal is still refused, and still flagged',
    setup: { link },
    steps: [
      { say: 'refill 1009 why is this not working??', expect: 'Order #1009 is for a service without refill.' },
      { check: async (h) => expect(await lastLog(h)).toMatchObject({ result: 'refused', priority: true }) },
    ],
  },
  {
    name: 'a dirty look-up answers the order',
    setup: { link },
    steps: [
      { say: 'where is my order 1003 nothing arrived yet', expect: /\*Order #1003\*/ },
      { check: async (h) => expect((await lastLog(h)).priority).toBe(true) },
    ],
  },
];

export const dispatch: Scenario[] = [
  {
    name: 'provider-first: refill goes to the provider group as "<external_id> refill"',
    setup: { link, providers: true, support: { dispatch: 'provider-first' } },
    steps: [
      { say: 'refill 1001', expect: 'Refill requested for order #1001. We will update you when it is done.' },
      {
        check: (h) => {
          const u = upstream(h, 1001);
          expect(h.sentTo(u.group)).toEqual([`${u.external} refill`]);
          expect(h.sim.state.refills).toHaveLength(0);
        },
      },
    ],
  },
  {
    name: 'provider-first: cancel and speed up use the provider commands',
    setup: { link, providers: true, support: { dispatch: 'provider-first' } },
    steps: [
      { say: 'cancel 1004', expect: /^Cancellation requested for order #1004/ },
      { say: 'speed up 1003', expect: 'Speed-up requested for order #1003.' },
      {
        check: (h) => {
          const c = upstream(h, 1004);
          const s = upstream(h, 1003);
          expect(h.sentTo(c.group)).toContain(`${c.external} cancel`);
          expect(h.sentTo(s.group)).toContain(`${s.external} speed`);
        },
      },
    ],
  },
  {
    name: 'provider-first: bulk refill sends one command per provider',
    setup: { link, providers: true, support: { dispatch: 'provider-first' } },
    steps: [
      { say: 'refill 1001 1006 1010', expect: /^Refill requested for order #1001, #1006, #1010\./ },
      {
        check: (h) => {
          const all = [1001, 1006, 1010].map((id) => upstream(h, id));
          const sent = [...new Set(all.map((u) => u.group))].flatMap((g) => h.sentTo(g));
          expect(sent.join(',')).toMatch(new RegExp(all.map((u) => u.external).join('|')));
          expect(sent.every((t) => t.endsWith(' refill'))).toBe(true);
        },
      },
    ],
  },
  {
    name: '!resolve ... escalated sends the provider order id to the provider group',
    setup: {
      link,
      providers: true,
      support: { admins: [{ channel: 'webchat', address: 'staff-1', role: 'staff' }] },
    },
    steps: [
      { say: 'refill 1001', expect: /^Refill requested for order #1001/ },
      {
        say: '!resolve 1001 escalated',
        from: { sender: 'staff-1' },
        expect: /^Marked 1 log entry\(ies\) as \*escalated\*: #1\nSent to Provider [A-D]: /,
      },
      {
        check: async (h) => {
          const u = upstream(h, 1001);
          expect(h.sentTo(u.group).join('\n')).toContain(u.external);
          expect((await h.logs()).find((r) => r.action === 'refill')?.supportStatus).toBe('escalated');
        },
      },
    ],
  },
];
