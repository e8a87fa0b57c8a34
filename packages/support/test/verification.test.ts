import { type BotPlugin, type PanelClient, Tokens, type Turn, type TurnResult } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITIES, type IdentityRecord } from '../src/index.js';
import { supportHarness } from './harness.js';

let h: Awaited<ReturnType<typeof supportHarness>> | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const MINUTE = 60_000;
/** A code that is certainly not `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

function recorder() {
  const turns: { turn: Turn; result: TurnResult }[] = [];
  const plugin: BotPlugin = {
    name: 'test-recorder',
    apply: ({ hooks }) => hooks.settled.tap('record', (turn, result) => void turns.push({ turn, result })),
  };
  return { turns, plugin };
}

async function identity(address = 'customer-1'): Promise<IdentityRecord | undefined> {
  const store = h!.engine.container.resolve(Tokens.Store);
  return store.collection<IdentityRecord>(IDENTITIES).get('default', `wa:${address}`);
}

/** hello → username → the code from the sim's ticket. */
async function requestCode(username = 'demo', from = {}): Promise<string> {
  expect((await h!.say('hello', from))[0]).toMatch(/Welcome! Please enter your panel username/);
  expect((await h!.say(username, from))[0]).toMatch(/A 6-digit code has been sent/);
  const code = h!.lastCode(username);
  expect(code).toMatch(/^\d{6}$/);
  return code!;
}

describe('verification flow (private chat)', () => {
  it('hello → username → code from the panel ticket → verified → my username', async () => {
    h = await supportHarness();
    expect((await h.say('my username'))[0]).toMatch(/not linked to a panel account/);
    const code = await requestCode();
    expect(h.sim.state.ticketsFor('demo').at(-1)?.subject).toBe('Verification code');
    expect((await h.say(code))[0]).toMatch(/^Verified!/);
    expect((await h.say('my username'))[0]).toBe('This chat is linked to the panel username *demo*.');
    const record = await identity();
    expect(record).toMatchObject({ panelUser: 'demo', verifiedBy: 'otp', verifiedAt: h.clock.now(), status: 'active' });
    // The link is permanent: the code's lifetime does not matter any more.
    await h.clock.advance(24 * 60 * MINUTE);
    expect((await h.say('my username'))[0]).toMatch(/\*demo\*/);
  });

  it('any first message gets the welcome; help works unverified; order commands need verification', async () => {
    h = await supportHarness();
    expect((await h.say('help'))[0]).toMatch(/Here is what I can do/);
    expect((await h.say('what is this'))[0]).toMatch(/Welcome!/);
    expect((await h.say('what is this'))[0]).toMatch(/Please send your panel username/);
    expect((await h.say('refill 1001'))[0]).toMatch(/Please verify your account first/);
  });

  it('an unknown username is refused and may be corrected', async () => {
    h = await supportHarness();
    await h.say('hi');
    expect((await h.say('nosuchuser'))[0]).toBe(
      'We could not find the username *nosuchuser*. Please check it and send it again.',
    );
    expect(h.sim.state.ticketsFor('demo').some((t) => t.subject === 'Verification code')).toBe(false);
    expect((await h.say('@Demo'))[0]).toMatch(/code has been sent/);
  });

  it('a wrong code tells the attempts left; the right one still works', async () => {
    h = await supportHarness();
    const code = await requestCode();
    expect((await h.say(wrong(code)))[0]).toBe('That code is not right. You have 2 attempt(s) left.');
    expect((await h.say(wrong(code)))[0]).toMatch(/1 attempt\(s\) left/);
    expect((await h.say(code))[0]).toMatch(/^Verified!/);
  });

  it('locks after max wrong attempts and unlocks after the cooldown', async () => {
    h = await supportHarness({ botConfig: { verification_max_attempts: 3, verification_cooldown_seconds: 300 } });
    const code = await requestCode();
    await h.say(wrong(code));
    await h.say(wrong(code));
    expect((await h.say(wrong(code)))[0]).toBe('Too many wrong codes. Please try again in 5 minute(s).');
    // Locked: even the right code is refused, and no new code is sent.
    expect((await h.say(code))[0]).toMatch(/Too many wrong codes/);
    expect((await h.say('demo'))[0]).toMatch(/try again in 5 minute/);
    await h.clock.advance(2 * MINUTE);
    expect((await h.say('demo'))[0]).toMatch(/try again in 3 minute/);
    await h.clock.advance(3 * MINUTE);
    // The locked code is gone for good; a new one is needed.
    expect((await h.say(code))[0]).toMatch(/That code has expired/);
    expect((await h.say('demo'))[0]).toMatch(/code has been sent/);
    const fresh = h.lastCode('demo')!;
    expect((await h.say(fresh))[0]).toMatch(/^Verified!/);
  });

  it('a code expires after 10 minutes (verification_code_ttl_seconds)', async () => {
    h = await supportHarness();
    const code = await requestCode();
    await h.clock.advance(10 * MINUTE);
    expect((await h.say(code))[0]).toBe('That code has expired. Please send your username again to get a new one.');
    expect((await h.say('demo'))[0]).toMatch(/code has been sent/);
    await h.clock.advance(9 * MINUTE);
    expect((await h.say(h.lastCode('demo')!))[0]).toMatch(/^Verified!/);
  });

  it('the code never appears in a log line nor in the logged turn text', async () => {
    const rec = recorder();
    h = await supportHarness({ captureLogs: true, plugins: [rec.plugin] });
    const code = await requestCode();
    await h.say(wrong(code));
    await h.say(code);
    expect(h.logs.length).toBeGreaterThan(0);
    const lines = JSON.stringify(h.logs);
    expect(lines).not.toContain(code);
    expect(lines).not.toContain(wrong(code));
    const texts = rec.turns.map((t) => t.turn.message.text);
    expect(texts).not.toContain(code);
    expect(texts.filter((t) => t === '[verification code]')).toHaveLength(2);
    const logs = rec.turns.map((t) => JSON.stringify(t.turn.state.support));
    expect(logs.join('')).not.toContain(code);
    expect(rec.turns.at(-1)?.turn.state.support).toMatchObject({
      log: { action: 'verification', result: 'ok', reason: 'verified' },
    });
  });

  it('a panel without tickets.create gets a clear message instead of a code', async () => {
    const panel: PanelClient = {
      name: 'no-tickets',
      capabilities: new Set(['orders.get', 'users.get']),
      getOrders: async () => [],
      findUser: async (u) => (u === 'demo' ? { username: 'demo' } : undefined),
    };
    const swap: BotPlugin = { name: 'test-panel', register: (c) => void c.register(Tokens.Panel, { useValue: panel }) };
    h = await supportHarness({ plugins: [swap] });
    await h.say('hello');
    expect((await h.say('demo'))[0]).toBe(
      'Sorry, verification requests are not available through this bot. Please contact support.',
    );
  });

  it('is off when verification_enabled is false', async () => {
    h = await supportHarness({ botConfig: { verification_enabled: false } });
    expect((await h.say('what is this'))[0]).toMatch(/did not understand/);
  });
});

describe('verification flow (group chat)', () => {
  it('answers only messages addressed to the flow', async () => {
    h = await supportHarness();
    const group = { group: true };
    expect(await h.say('anyone here?', group)).toEqual([]);
    expect(await h.say('demo', group)).toEqual([]); // not asked for a username yet
    expect(await h.say('123456', group)).toEqual([]); // no code pending
    const code = await requestCode('demo', group);
    expect(await h.say('lol nice', group)).toEqual([]);
    expect((await h.say(code, group))[0]).toMatch(/^Verified!/);
    expect((await identity())?.panelUser).toBe('demo');
  });

  it('tells unverified customers in groups to verify before order commands', async () => {
    h = await supportHarness();
    expect((await h.say('check 1001', { group: true }))[0]).toMatch(/verify your account first/);
  });
});
