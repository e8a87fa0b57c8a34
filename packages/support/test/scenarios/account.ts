import { expect } from 'vitest';
import type { Scenario } from './types.js';

const link = { 'customer-1': 'demo' };

export const account: Scenario[] = [
  {
    name: 'balance shows the linked user’s balance',
    setup: { link },
    steps: [
      {
        check: async (h) =>
          expect((await h.say('balance')).sent).toEqual([
            `Your balance: *${h.sim.state.balanceOf('demo').toFixed(2)} USD*`,
          ]),
      },
    ],
  },
  {
    name: 'balance cooldown: refused within a minute, answered after',
    setup: { link },
    steps: [
      { say: 'what is my balance', expect: /^Your balance: \*\d+\.\d\d USD\*$/ },
      { advance: '20s' },
      { say: 'balance', expect: 'You checked your balance a moment ago. Please try again in 40 seconds.' },
      {
        check: async (h) =>
          expect((await h.logs())[0]).toMatchObject({ result: 'refused', reason: 'balance_cooldown' }),
      },
      { advance: '40s' },
      { say: 'balance', expect: /^Your balance:/ },
    ],
  },
  {
    name: 'services with services_url sends the link',
    setup: { link, botConfig: { services_url: 'https://panel.example/services' } },
    steps: [{ say: 'services', expect: 'See all services and prices here: https://panel.example/services' }],
  },
  {
    name: 'services without a url counts the panel services',
    setup: { link, botConfig: { panel_url: 'https://panel.example/' } },
    steps: [
      {
        check: async (h) =>
          expect((await h.say('price list')).sent).toEqual([
            `We offer ${h.sim.state.services.length} services. See them all here: https://panel.example/services`,
          ]),
      },
    ],
  },
  {
    name: 'ticket: own ticket status, other’s refused, unknown not found, missing id',
    setup: { link },
    steps: [
      {
        check: async (h) => {
          const own = h.sim.state.ticketsFor('demo')[0]!;
          const [reply] = (await h.say(`ticket ${own.id}`)).sent;
          expect(reply).toBe(`Ticket #${own.id}: ${own.status === 'pending' ? 'Pending' : 'Closed'} — ${own.subject}`);
          const other = h.sim.state.ticketsFor('alice')[0]!;
          expect((await h.say(`ticket ${other.id}`)).sent).toEqual([
            `Ticket #${other.id} does not belong to your account.`,
          ]);
        },
      },
      { say: 'ticket 99999', expect: 'Ticket #99999: not found.' },
      { say: 'ticket', expect: 'Please send the ticket id, for example: ticket 12345' },
    ],
  },
  {
    name: 'my username, linked and not linked',
    setup: { link, botConfig: { verification_enabled: false } },
    steps: [
      { say: 'my username', expect: 'This chat is linked to the panel username *demo*.' },
      { say: 'whoami', expect: 'This chat is linked to the panel username *demo*.' },
      {
        say: 'my username',
        from: { sender: 'customer-2' },
        expect: 'This chat is not linked to a panel account yet. Send your username to verify.',
      },
    ],
  },
  {
    name: 'help lists the commands; a greeting points to it',
    setup: { link },
    steps: [
      { say: 'help', expect: /Here is what I can do/ },
      {
        say: 'hi',
        expect:
          'Hello! Send an order number with what you need, for example *refill 54321*, or type *help* for the menu.',
      },
      { say: 'blah blah', expect: 'Sorry, I did not understand that. Type "help" to see what I can do.' },
    ],
  },
];
