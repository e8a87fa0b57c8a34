import { expect } from 'vitest';
import type { Scenario } from './types.js';

const admin = (address: string, role: 'owner' | 'staff_admin' | 'staff') => ({ channel: 'webchat', address, role });
const ADMINS = { admins: [admin('owner-1', 'owner'), admin('sadmin-1', 'staff_admin'), admin('staff-1', 'staff')] };
const setup = { support: ADMINS, link: { 'customer-1': 'demo' } };
const DENIED = 'Sorry, you do not have permission to use this command.';
const owner = { sender: 'owner-1' };
const sadmin = { sender: 'sadmin-1' };
const staff = { sender: 'staff-1' };

const deniedTo = (from: { sender: string }, commands: string[]): Scenario['steps'] =>
  commands.map((say) => ({ say, from, expect: DENIED }));

export const roles: Scenario[] = [
  {
    name: 'customer: every staff and admin command is denied',
    setup,
    steps: [
      ...deniedTo({ sender: 'customer-1' }, [
        '!status',
        '!broadcast hello',
        '!resolve 1 resolved',
        '!config list',
        '!users',
        '!groups',
        'refill verify 1001',
        '1001 provider status',
      ]),
      {
        check: async (h) => {
          const refused = (await h.logs()).filter((r) => r.reason === 'permission_denied');
          expect(refused).toHaveLength(8);
        },
      },
    ],
  },
  {
    name: 'staff: refill verify shows the verdict per order',
    setup,
    steps: [
      {
        say: 'refill verify 1001 1009',
        from: staff,
        expect: [
          /^#1001 \| Completed .* \| Refill: eligible \(30 days, until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\n/,
          /\n#1009 \| .* \| Refill: no refill on this service$/,
        ],
      },
      { check: (h) => expect(h.sim.state.refills).toHaveLength(0) },
    ],
  },
  {
    name: 'staff: provider status shows the provider order id',
    setup,
    steps: [
      {
        check: async (h) =>
          expect((await h.say('1004 provider status', staff)).sent).toEqual([
            `#1004 | Provider OID: ${h.sim.state.getOrder(1004)!.externalId} | Provider Status: Pending (panel view)`,
          ]),
      },
    ],
  },
  {
    name: 'staff: !resolve marks a customer’s log entry resolved',
    setup,
    steps: [
      { say: 'refill 1001', expect: /^Refill requested for order #1001/ },
      { say: '!resolve 1001 resolved', from: staff, expect: 'Marked 1 log entry(ies) as *resolved*: #1' },
      { say: '!resolve 424242 resolved', from: staff, expect: 'No log entry found for: 424242.' },
      { say: '!resolve', from: staff, expect: /^Usage: !resolve <ids> <status>/ },
    ],
  },
  {
    name: 'staff: !status, !broadcast, !config and !users are denied',
    setup,
    steps: deniedTo(staff, ['!status', '!broadcast hi', '!config list', '!users']),
  },
  {
    name: 'staff admin: !broadcast reaches the support groups',
    setup,
    steps: [
      { say: 'hi all', from: { group: true, chat: 'g-a' } },
      { say: 'hi all', from: { group: true, chat: 'g-b' } },
      { say: '!broadcast *Maintenance* tonight', from: sadmin, expect: 'Broadcast sent to 2 support group(s).' },
      { check: (h) => expect(h.sentTo('g-b').at(-1)).toBe('*Maintenance* tonight') },
      { say: '!broadcast', from: sadmin, expect: 'Usage: !broadcast <message>' },
    ],
  },
  {
    name: 'staff admin: !users lists verified users, !groups the groups',
    setup,
    steps: [
      { say: 'hi', from: { group: true } },
      { say: '!users', from: sadmin, expect: /^\*Verified users\* \(1\)\n• \*demo\* — last active/ },
      {
        say: '!groups',
        from: sadmin,
        expect: /^\*Groups\* \(1\)\n.*\(group-1\) — support on, marketing off, silent off/,
      },
    ],
  },
  {
    name: 'staff admin: group flags yes, !config no',
    setup,
    steps: [
      {
        say: '!marketing enable',
        from: { ...sadmin, group: true },
        expect: /^Marketing is now \*enabled\* for this group\.$/,
      },
      { say: '!config list', from: sadmin, expect: DENIED },
      { say: '!config set cooldown_seconds 5', from: sadmin, expect: DENIED },
    ],
  },
  {
    name: 'owner: !config set, get and list; the change is live',
    setup,
    steps: [
      { say: '!config set cooldown_seconds 60', from: owner, expect: 'Config updated: cooldown_seconds = 60' },
      { say: '!config get cooldown_seconds', from: owner, expect: 'cooldown_seconds = 60' },
      { say: '!config list', from: owner, expect: [/^\*Bot config\*\n/, '\ncooldown_seconds = 60\n'] },
      { say: 'refill 1001', expect: /^Refill requested/ },
      { advance: '61s' },
      // The customer's cooldown is now a minute: the request reaches the panel (which has one in flight).
      { say: 'refill 1001', notExpect: /already in progress/ },
    ],
  },
  {
    name: 'owner: !config errors and usage',
    setup,
    steps: [
      {
        say: '!config set cooldown_seconds soon',
        from: owner,
        expect: 'Config error: cooldown_seconds: expected a whole number of seconds; found "soon"',
      },
      { say: '!config get nope_key', from: owner, expect: /^Config error: unknown bot_config key "nope_key"/ },
      { say: '!config', from: owner, expect: 'Usage: !config set <key> <value> | !config get <key> | !config list' },
    ],
  },
  {
    name: 'owner: !status answers in the spec format',
    setup,
    steps: [
      { advance: '2h' },
      {
        say: '!status',
        from: owner,
        expect:
          'Status: Online | Uptime: 2h 0m\nVerified Users: 1 | Active Groups: 0\nAI Provider: none\nChat Mode: manual',
      },
    ],
  },
];
