import { expect } from 'vitest';
import { Tokens } from '@smmbot/core';
import { GROUPS, type GroupRecord, TemplateStore } from '../../src/index.js';
import type { ScenarioHarness } from './harness.js';
import type { Scenario } from './types.js';

const BOSS = { admins: [{ channel: 'webchat', address: 'boss', role: 'owner' as const }] };
const boss = { sender: 'boss', group: true };
const group = { group: true };
const WELCOME = 'Welcome! Please enter your panel username to verify your account.';
const groupRecord = (h: ScenarioHarness, chat = 'group-1') =>
  h.store.collection<GroupRecord>(GROUPS).get('default', `webchat:${chat}`);

export const groups: Scenario[] = [
  {
    name: 'a group is registered on its first message',
    setup: { support: BOSS },
    steps: [
      { check: async (h) => expect(await groupRecord(h)).toBeUndefined() },
      { say: 'hi all', from: group, expect: WELCOME },
      {
        check: async (h) =>
          expect(await groupRecord(h)).toMatchObject({
            channel: 'webchat',
            chatId: 'group-1',
            supportEnabled: true,
            marketingEnabled: false,
            silent: false,
          }),
      },
    ],
  },
  {
    name: 'support disabled: the group is ignored until re-enabled; private chats are not affected',
    setup: { support: BOSS },
    steps: [
      { say: '!support disable', from: boss, expect: 'Support is now *disabled* for this group.' },
      { say: 'hello', from: group, expectNone: true, status: 'dropped' },
      { say: 'help', from: group, expectNone: true },
      { say: 'help', expect: /Here is what I can do/ },
      { say: '!support enable', from: boss, expect: 'Support is now *enabled* for this group.' },
      { say: 'hello', from: group, expect: WELCOME },
    ],
  },
  {
    name: 'silent group: processed and logged, nothing sent',
    setup: { support: BOSS, link: { 'customer-1': 'demo' } },
    steps: [
      { say: '!silent enable', from: boss, expect: 'Silent is now *enabled* for this group.' },
      { say: 'refill 1001', from: group, expectNone: true, status: 'silent' },
      { check: (h) => expect(h.sim.state.refills.map((r) => r.orderId)).toEqual([1001]) },
      { check: (h) => expect(h.last()?.replies[0]?.text).toMatch(/^Refill requested for order #1001/) },
      {
        check: async (h) =>
          expect((await h.logs())[0]).toMatchObject({ action: 'refill', reply: expect.stringMatching(/^Refill/) }),
      },
      { check: (h) => expect(h.sentTo('group-1').some((t) => t.startsWith('Refill'))).toBe(false) },
    ],
  },
  {
    name: 'silent group: no verification code is issued',
    setup: { support: BOSS },
    steps: [
      { say: '!silent enable', from: boss },
      { say: 'hello', from: group, expectNone: true, status: 'silent' },
      { say: 'demo', from: group, expectNone: true },
      {
        check: (h) => expect(h.sim.state.ticketsFor('demo').some((t) => t.subject === 'Verification code')).toBe(false),
      },
    ],
  },
  {
    name: 'marketing flag toggles; bad arguments get the usage; outside a group it is refused',
    setup: { support: BOSS },
    steps: [
      { say: '!marketing enable', from: boss, expect: /^Marketing is now \*enabled\*/ },
      { check: async (h) => expect((await groupRecord(h))?.marketingEnabled).toBe(true) },
      { say: '!marketing disable', from: boss, expect: /^Marketing is now \*disabled\*/ },
      { check: async (h) => expect((await groupRecord(h))?.marketingEnabled).toBe(false) },
      { say: '!marketing maybe', from: boss, expect: /Usage: !marketing enable\|disable/ },
      { say: '!support disable', from: { sender: 'boss' }, expect: /inside the group/ },
    ],
  },
  {
    name: 'customers may not change group flags',
    setup: { support: BOSS },
    steps: [
      { say: '!silent enable', from: group, expect: 'Sorry, you do not have permission to use this command.' },
      { check: async (h) => expect((await groupRecord(h))?.silent).toBe(false) },
    ],
  },
  {
    name: 'custom chat mode: a template override words the reply',
    setup: { link: { 'customer-1': 'demo' }, botConfig: { chat_mode: 'custom' } },
    steps: [
      {
        check: async (h) =>
          void (await new TemplateStore(h.engine.container.resolve(Tokens.Kv), h.clock).set(
            'default',
            'balance',
            '_Funds_: {balance} ({currency})',
          )),
      },
      {
        check: async (h) =>
          void (await new TemplateStore(h.engine.container.resolve(Tokens.Kv), h.clock).set(
            'default',
            'order_not_found',
            'Nope #{order_id}',
          )),
      },
      { say: 'balance', expect: /^_Funds_: \d+\.\d\d \(USD\)$/ },
      { say: 'order 999999', expect: 'Nope #999999' },
    ],
  },
  {
    name: 'manual chat mode ignores a template override',
    setup: { link: { 'customer-1': 'demo' } },
    steps: [
      {
        check: async (h) =>
          void (await new TemplateStore(h.engine.container.resolve(Tokens.Kv), h.clock).set(
            'default',
            'order_not_found',
            'Nope #{order_id}',
          )),
      },
      { say: 'order 999999', expect: 'Order #999999: not found. Please check the number.' },
    ],
  },
];
