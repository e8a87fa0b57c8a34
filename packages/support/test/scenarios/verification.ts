import { expect } from 'vitest';
import { IDENTITIES, type IdentityRecord } from '../../src/index.js';
import type { ScenarioHarness } from './harness.js';
import type { Scenario } from './types.js';

const WELCOME = 'Welcome! Please enter your panel username to verify your account.';
const PROMPT = 'Please send your panel username (the name you log in with).';
const CODE_SENT =
  'Account found. A 6-digit code has been sent to your panel support tickets. Open *Tickets* on the panel and enter the code here.';
const VERIFIED = 'Verified! You can now check orders, request refills, and use all bot commands.';
const EXPIRED = 'That code has expired. Please send your username again to get a new one.';
const REQUIRED = 'Please verify your account first: send your panel username.';
const group = { group: true };

const identity = (h: ScenarioHarness, sender = 'customer-1') =>
  h.store.collection<IdentityRecord>(IDENTITIES).get('default', `webchat:${sender}`);
const codeTickets = (h: ScenarioHarness, user = 'demo') =>
  h.sim.state.ticketsFor(user).filter((t) => t.subject === 'Verification code').length;

export const verification: Scenario[] = [
  {
    name: 'happy path: hello → username → code → verified → my username',
    steps: [
      { say: 'my username', expect: 'This chat is not linked to a panel account yet. Send your username to verify.' },
      { say: 'hello', expect: WELCOME },
      { say: 'demo', expect: CODE_SENT },
      { check: (h) => expect(codeTickets(h)).toBe(1) },
      { code: 'demo', expect: VERIFIED },
      { say: 'my username', expect: 'This chat is linked to the panel username *demo*.' },
      {
        check: async (h) =>
          expect(await identity(h)).toMatchObject({ panelUser: 'demo', verifiedBy: 'otp', channel: 'webchat' }),
      },
    ],
  },
  {
    name: 'the username may carry an @ and other case',
    steps: [{ say: 'hi' }, { say: '@Demo', expect: CODE_SENT }, { code: 'demo', expect: VERIFIED }],
  },
  {
    name: 'an unknown username is refused, then corrected',
    steps: [
      { say: 'hello', expect: WELCOME },
      { say: 'nosuchuser', expect: 'We could not find the username *nosuchuser*. Please check it and send it again.' },
      { check: (h) => expect(codeTickets(h)).toBe(0) },
      { say: 'demo', expect: CODE_SENT },
    ],
  },
  {
    name: 'a wrong code tells the attempts left; the right one still works',
    steps: [
      { say: 'hello' },
      { say: 'demo', expect: CODE_SENT },
      { code: 'demo', wrong: true, expect: 'That code is not right. You have 2 attempt(s) left.' },
      { code: 'demo', wrong: true, expect: 'That code is not right. You have 1 attempt(s) left.' },
      { code: 'demo', expect: VERIFIED },
    ],
  },
  {
    name: 'three wrong codes lock the chat; even the right code is refused while locked',
    setup: { botConfig: { verification_max_attempts: 3, verification_cooldown_seconds: 300 } },
    steps: [
      { say: 'hello' },
      { say: 'demo', expect: CODE_SENT },
      { code: 'demo', wrong: true },
      { code: 'demo', wrong: true },
      { code: 'demo', wrong: true, expect: 'Too many wrong codes. Please try again in 5 minute(s).' },
      { code: 'demo', expect: /^Too many wrong codes/ },
      { say: 'demo', expect: 'Too many wrong codes. Please try again in 5 minute(s).' },
      { advance: '2m' },
      { say: 'demo', expect: 'Too many wrong codes. Please try again in 3 minute(s).' },
      { check: async (h) => expect((await identity(h))?.panelUser).toBeUndefined() },
    ],
  },
  {
    name: 'the lock lifts after the cooldown: the old code is gone, a new one verifies',
    setup: { botConfig: { verification_max_attempts: 2, verification_cooldown_seconds: 600 } },
    steps: [
      { say: 'hello' },
      { say: 'demo' },
      { code: 'demo', wrong: true, expect: 'That code is not right. You have 1 attempt(s) left.' },
      { code: 'demo', wrong: true, expect: 'Too many wrong codes. Please try again in 10 minute(s).' },
      { advance: '10m' },
      { code: 'demo', expect: EXPIRED },
      { say: 'demo', expect: CODE_SENT },
      { code: 'demo', expect: VERIFIED },
    ],
  },
  {
    name: 'a code expires after 10 minutes; a fresh one works within its lifetime',
    steps: [
      { say: 'hello' },
      { say: 'demo', expect: CODE_SENT },
      { advance: '10m' },
      { code: 'demo', expect: EXPIRED },
      { say: 'demo', expect: CODE_SENT },
      { advance: '9m' },
      { code: 'demo', expect: VERIFIED },
    ],
  },
  {
    name: 'a shorter verification_code_ttl_seconds expires the code sooner',
    setup: { botConfig: { verification_code_ttl_seconds: 120 } },
    steps: [{ say: 'hello' }, { say: 'demo' }, { advance: '2m' }, { code: 'demo', expect: EXPIRED }],
  },
  {
    name: 'any first message gets the welcome; the next one the username prompt',
    steps: [
      { say: 'what is this', expect: WELCOME },
      { say: 'what is this', expect: PROMPT },
    ],
  },
  {
    name: 'help works unverified; order commands and balance need verification',
    steps: [
      { say: 'help', expect: /Here is what I can do/ },
      { say: 'refill 1001', expect: REQUIRED },
      { say: 'order 1001', expect: REQUIRED, notExpect: /Order #1001/ },
    ],
  },
  {
    name: 'greeting in a group gets the welcome; chatter and stray numbers get nothing',
    steps: [
      { say: 'anyone here?', from: group, expectNone: true },
      { say: 'demo', from: group, expectNone: true },
      { say: '123456', from: group, expectNone: true },
      { say: 'hello', from: group, expect: WELCOME },
      { say: 'demo', from: group, expect: CODE_SENT },
      { say: 'lol nice', from: group, expectNone: true },
      { code: 'demo', from: group, expect: VERIFIED },
      { check: async (h) => expect((await identity(h))?.panelUser).toBe('demo') },
    ],
  },
  {
    name: 'an unverified customer in a group is told to verify before order commands',
    steps: [{ say: 'check 1001', from: group, expect: REQUIRED }],
  },
  {
    name: 'verification off: free text is not understood and no welcome is sent',
    setup: { botConfig: { verification_enabled: false } },
    steps: [{ say: 'what is this', expect: /did not understand/, notExpect: /Welcome/ }],
  },
  {
    name: 'the code never reaches the message log',
    steps: [
      { say: 'hello' },
      { say: 'demo' },
      { code: 'demo', wrong: true },
      { code: 'demo', expect: VERIFIED },
      {
        check: async (h) => {
          const rows = JSON.stringify(await h.logs());
          expect(rows).not.toContain(h.lastCode('demo'));
          expect(rows).toContain('[verification code]');
        },
      },
    ],
  },
];
