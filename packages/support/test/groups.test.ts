import { type BotPlugin, Tokens, type Turn, type TurnResult } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUPS, type GroupRecord, IDENTITIES, type IdentityRecord } from '../src/index.js';
import { supportHarness } from './harness.js';

let h: Awaited<ReturnType<typeof supportHarness>> | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function recorder() {
  const turns: { turn: Turn; result: TurnResult }[] = [];
  const plugin: BotPlugin = {
    name: 'test-recorder',
    apply: ({ hooks }) => hooks.settled.tap('record', (turn, result) => void turns.push({ turn, result })),
  };
  return { turns, plugin };
}

const ADMINS = [
  { channel: 'wa', address: 'boss', role: 'owner' as const },
  { channel: 'wa', address: 'helper', role: 'staff' as const },
];
const group = { group: true };
const boss = { sender: 'boss', group: true };

async function start() {
  const rec = recorder();
  h = await supportHarness({ plugins: [rec.plugin], support: { admins: ADMINS } });
  return rec;
}
const store = () => h!.engine.container.resolve(Tokens.Store);
const groupRecord = () => store().collection<GroupRecord>(GROUPS).get('default', 'wa:group-1');
const identity = (address: string) => store().collection<IdentityRecord>(IDENTITIES).get('default', `wa:${address}`);

describe('groups', () => {
  it('registers a group on its first message and keeps its title current', async () => {
    await start();
    expect(await groupRecord()).toBeUndefined();
    await h!.say('hi all', group);
    expect(await groupRecord()).toMatchObject({
      channel: 'wa',
      chatId: 'group-1',
      title: 'Customers group',
      supportEnabled: true,
      marketingEnabled: false,
      silent: false,
      firstSeenAt: h!.clock.now(),
    });
    await h!.engine.handle({
      id: 'retitle',
      tenantId: 'default',
      channel: 'wa',
      chat: { id: 'group-1', kind: 'group', title: 'VIP customers' },
      sender: { id: 'customer-1' },
      text: 'x',
      sentAt: h!.clock.now(),
    });
    expect((await groupRecord())?.title).toBe('VIP customers');
  });

  it('a silent group processes and logs but sends nothing', async () => {
    const rec = await start();
    expect((await h!.say('!silent enable', boss))[0]).toBe('Silent is now *enabled* for this group.');
    expect((await groupRecord())?.silent).toBe(true);
    expect(await h!.say('hello', group)).toEqual([]);
    const last = rec.turns.at(-1)!;
    expect(last.result).toMatchObject({ status: 'silent', reason: 'verification_welcome' });
    expect(last.result.replies[0]?.text).toMatch(/Welcome!/);
    expect(last.turn.silent).toBe(true);
    // No code is issued in a silent group: nobody would see the prompt.
    expect(await h!.say('demo', group)).toEqual([]);
    expect(h!.sim.state.ticketsFor('demo').some((t) => t.subject === 'Verification code')).toBe(false);
    expect(await h!.say('!silent disable', boss)).toEqual([]); // the change applies from the next message
    expect((await h!.say('hello', group))[0]).toMatch(/Welcome!/);
  });

  it('a group with support disabled is ignored, except staff admin commands', async () => {
    const rec = await start();
    expect((await h!.say('!support disable', boss))[0]).toBe('Support is now *disabled* for this group.');
    expect(await h!.say('hello', group)).toEqual([]);
    expect(rec.turns.at(-1)?.result).toMatchObject({ status: 'dropped', reason: 'support_disabled' });
    expect(await h!.say('help', { sender: 'boss', group: true })).toEqual([]);
    expect((await h!.say('!support enable', boss))[0]).toBe('Support is now *enabled* for this group.');
    expect((await h!.say('hello', group))[0]).toMatch(/Welcome!/);
    // Private chats are not affected by a group's flags.
    await h!.say('!support disable', boss);
    expect((await h!.say('help'))[0]).toMatch(/Here is what I can do/);
  });

  it('!marketing enable|disable toggles the flag; bad arguments get the usage', async () => {
    await start();
    expect((await h!.say('!marketing enable', boss))[0]).toMatch(/Marketing is now \*enabled\*/);
    expect((await groupRecord())?.marketingEnabled).toBe(true);
    expect((await h!.say('!marketing disable', boss))[0]).toMatch(/disabled/);
    expect((await groupRecord())?.marketingEnabled).toBe(false);
    expect((await h!.say('!marketing maybe', boss))[0]).toMatch(/Usage: !marketing enable\|disable/);
    expect((await h!.say('!support disable', { sender: 'boss' }))[0]).toMatch(/inside the group/);
  });
});

describe('user admin commands', () => {
  it('!verify-users links every customer seen in the group (not staff), !remove-users unlinks them', async () => {
    const rec = await start();
    await h!.say('hi', { sender: 'c1', group: true });
    await h!.say('good morning', { sender: 'c2', group: true });
    await h!.say('hello', { sender: 'c3', chat: 'other-group', group: true });
    await h!.say('hello', { sender: 'helper', group: true });
    expect((await h!.say('!verify-users ghost', boss))[0]).toMatch(/\*ghost\* was not found/);
    expect((await h!.say('!verify-users', boss))[0]).toMatch(/Usage: !verify-users/);
    expect((await h!.say('!verify-users Demo', boss))[0]).toBe('Verified 2 member(s) of this group as *demo*.');
    expect(rec.turns.at(-1)?.turn.state.support).toMatchObject({ log: { action: 'admin.verify_users', result: 'ok' } });
    expect(await identity('c1')).toMatchObject({ panelUser: 'demo', verifiedBy: 'bulk' });
    expect(await identity('c2')).toMatchObject({ panelUser: 'demo', verifiedBy: 'bulk' });
    expect((await identity('c3'))?.panelUser).toBeUndefined();
    expect((await identity('helper'))?.panelUser).toBeUndefined();
    expect((await identity('boss'))?.panelUser).toBeUndefined();
    expect((await h!.say('my username', { sender: 'c1', group: true }))[0]).toMatch(/\*demo\*/);

    expect((await h!.say('!users', { sender: 'boss' }))[0]).toMatch(
      /^\*Verified users\* \(1\)\n• \*demo\* — last active 2026-11-01 12:00 UTC — 2 chats \(bulk\)$/,
    );
    expect((await h!.say('!remove-users demo', { sender: 'boss' }))[0]).toBe(
      'Removed the verification of 2 chat(s) linked to *demo*.',
    );
    expect((await identity('c1'))?.panelUser).toBeUndefined();
    expect((await h!.say('!remove-users demo', { sender: 'boss' }))[0]).toMatch(/No chats are linked/);
    expect((await h!.say('!users', { sender: 'boss' }))[0]).toBe('No verified users yet.');
    expect((await h!.say('!verify-users demo', { sender: 'boss' }))[0]).toMatch(/inside the group/);
  });

  it('!groups lists the groups with their flags', async () => {
    await start();
    await h!.say('hi', group);
    await h!.say('!silent enable', boss);
    await h!.say('hi', { chat: 'g2', group: true });
    const reply = (await h!.say('!groups', { sender: 'boss' }))[0];
    expect(reply).toMatch(/^\*Groups\* \(2\)/);
    expect(reply).toContain('• *Customers group* (group-1) — support on, marketing off, silent on');
    expect(reply).toContain('(g2) — support on, marketing off, silent off');
  });

  it('refuses every user/group admin command to customers (and plain staff)', async () => {
    const rec = await start();
    const commands = [
      '!verify-users demo',
      '!remove-users demo',
      '!users',
      '!groups',
      '!support disable',
      '!marketing enable',
      '!silent enable',
    ];
    for (const sender of ['customer-1', 'helper']) {
      for (const text of commands) {
        expect(await h!.say(text, { sender, group: true }), `${sender}: ${text}`).toEqual([
          'Sorry, you do not have permission to use this command.',
        ]);
        expect(rec.turns.at(-1)?.turn.state.support).toMatchObject({
          log: { result: 'refused', reason: 'permission_denied' },
        });
      }
    }
    expect(await groupRecord()).toMatchObject({ supportEnabled: true, marketingEnabled: false, silent: false });
  });
});
