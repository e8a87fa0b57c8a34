import { type BotPlugin, type InboundMessage, Tokens, type Turn, type TurnResult } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IdentityService } from '../src/identity/index.js';
import { ADMINS, type AdminRecord, IDENTITIES, type IdentityRecord } from '../src/index.js';
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

const identities = () => h!.engine.container.resolve(Tokens.Store).collection<IdentityRecord>(IDENTITIES);
const service = () =>
  new IdentityService({ identities: identities(), kv: h!.engine.container.resolve(Tokens.Kv), clock: h!.clock });

let n = 0;
/** A message with sender aliases (the harness's `say` has none); returns the texts sent back. */
async function sayAs(text: string, sender: InboundMessage['sender']): Promise<string[]> {
  const before = h!.channel.sent.length;
  await h!.engine.handle({
    id: `alias-${++n}`,
    tenantId: 'default',
    channel: 'wa',
    chat: { id: sender.id, kind: 'private' },
    sender,
    text,
    sentAt: h!.clock.now(),
  });
  return h!.channel.sent.slice(before).map((m) => m.text);
}

async function verify(sender = 'customer-1') {
  await h!.say('hello', { sender });
  await h!.say('demo', { sender });
  expect((await h!.say(h!.lastCode('demo')!, { sender }))[0]).toMatch(/^Verified!/);
}

describe('identities', () => {
  it('creates the identity on first contact and touches lastActiveAt at most once a minute', async () => {
    h = await supportHarness();
    const start = h.clock.now();
    await h.say('help');
    const first = await identities().get('default', 'wa:customer-1');
    expect(first).toMatchObject({
      channel: 'wa',
      address: 'customer-1',
      aliases: [],
      status: 'active',
      createdAt: start,
      lastActiveAt: start,
    });
    expect(first?.panelUser).toBeUndefined();
    await h.clock.advance(30_000);
    await h.say('help');
    expect((await identities().get('default', 'wa:customer-1'))?.lastActiveAt).toBe(start);
    await h.clock.advance(31_000);
    await h.say('help');
    expect((await identities().get('default', 'wa:customer-1'))?.lastActiveAt).toBe(start + 61_000);
  });

  it('links a second identity (WhatsApp LID) that arrives with the verified phone JID as alias', async () => {
    h = await supportHarness();
    await verify('jid-1');
    expect(await sayAs('my username', { id: 'lid-1', aliases: { pn: 'jid-1' } })).toEqual([
      'This chat is linked to the panel username *demo*.',
    ]);
    // Later messages from the LID alone still resolve to the linked identity.
    expect(await sayAs('my username', { id: 'lid-1' })).toEqual(['This chat is linked to the panel username *demo*.']);
    const lid = await identities().get('default', 'wa:lid-1');
    const jid = await identities().get('default', 'wa:jid-1');
    expect(lid).toMatchObject({ panelUser: 'demo', verifiedBy: 'otp', aliases: ['jid-1'] });
    expect(jid?.aliases).toEqual(['lid-1']);
    // A third identity on another account verifies on its own and shares the panel user.
    await verify('telegram-9');
    const linked = await service().listCustomers('default', { panelUser: 'DEMO' });
    expect(linked.items.map((r) => r.address).sort()).toEqual(['jid-1', 'lid-1', 'telegram-9']);
  });

  it('a blocked identity is told so in private and ignored in groups; unblock restores it', async () => {
    const rec = recorder();
    h = await supportHarness({ plugins: [rec.plugin] });
    await h.say('help');
    const blocked = await service().block('default', 'wa:customer-1');
    expect(blocked.map((r) => r.status)).toEqual(['blocked']);
    expect(await h.say('refill 1001')).toEqual([
      'This chat is blocked from using the support bot. Please contact support.',
    ]);
    expect(await h.say('hello', { group: true })).toEqual([]);
    expect(rec.turns.at(-1)?.result).toMatchObject({ status: 'dropped', reason: 'blocked' });
    expect(rec.turns.at(-1)?.turn.state.support).toMatchObject({ log: { action: 'blocked', result: 'refused' } });
    await service().unblock('default', 'wa:customer-1');
    expect((await h.say('help'))[0]).toMatch(/Here is what I can do/);
  });

  it('knows an alias before it writes, and shares a later link with an alias recorded earlier', async () => {
    h = await supportHarness();
    // The phone JID is only mentioned as an alias; it gets its own record right away.
    await sayAs('help', { id: 'lid-3', aliases: { pn: 'jid-3' } });
    expect(await identities().get('default', 'wa:jid-3')).toMatchObject({ aliases: ['lid-3'], status: 'active' });
    await sayAs('hello', { id: 'lid-3' });
    await sayAs('demo', { id: 'lid-3' });
    expect((await sayAs(h.lastCode('demo')!, { id: 'lid-3' }))[0]).toMatch(/^Verified!/);
    expect(await sayAs('my username', { id: 'jid-3' })).toEqual(['This chat is linked to the panel username *demo*.']);
    // An address that wrote unlinked before learns the link when the two are reported together.
    await sayAs('help', { id: 'lid-4' });
    await sayAs('help', { id: 'jid-4' });
    await identities().update('default', 'wa:jid-4', { panelUser: 'demo', verifiedBy: 'admin', verifiedAt: 1 });
    await sayAs('help', { id: 'jid-4', aliases: { lid: 'lid-4' } });
    expect(await identities().get('default', 'wa:lid-4')).toMatchObject({ panelUser: 'demo', aliases: ['jid-4'] });
  });

  it('a block reaches the aliases of the identity', async () => {
    h = await supportHarness();
    await sayAs('help', { id: 'lid-2', aliases: { pn: 'jid-2' } });
    await sayAs('help', { id: 'jid-2', aliases: { lid: 'lid-2' } });
    await service().block('default', 'wa:jid-2');
    expect((await sayAs('help', { id: 'lid-2' }))[0]).toMatch(/blocked/);
  });

  it('gives seeded admins their role and never asks staff to verify', async () => {
    const rec = recorder();
    h = await supportHarness({
      plugins: [rec.plugin],
      support: { admins: [{ channel: 'wa', address: 'boss', role: 'owner', name: 'Boss' }] },
    });
    const admin = await h.engine.container
      .resolve(Tokens.Store)
      .collection<AdminRecord>(ADMINS)
      .get('default', 'wa:boss');
    expect(admin).toMatchObject({ role: 'owner', name: 'Boss' });
    expect((await h.say('hello', { sender: 'boss' }))[0] ?? '').not.toMatch(/Welcome!/);
    expect(rec.turns.at(-1)?.turn.role).toBe('owner');
    await h.say('hello', { sender: 'someone' });
    expect(rec.turns.at(-1)?.turn.role).toBe('customer');
    // Reached through an alias too (the owner's LID).
    await sayAs('help', { id: 'boss-lid', aliases: { pn: 'boss' } });
    expect(rec.turns.at(-1)?.turn.role).toBe('owner');
  });

  it('sets turn.panelUser from the linked identity', async () => {
    const rec = recorder();
    h = await supportHarness({ plugins: [rec.plugin] });
    await verify();
    await h.say('help');
    expect(rec.turns.at(-1)?.turn.panelUser).toBe('demo');
  });

  it('stops answering customers when the tenant turns support off', async () => {
    h = await supportHarness({ botConfig: { support_enabled: false } });
    expect(await h.say('help')).toEqual([]);
  });
});

describe('IdentityService (dashboard)', () => {
  it('lists customers by page, verifies manually, unlinks and deletes', async () => {
    h = await supportHarness();
    for (const sender of ['c1', 'c2', 'c3']) {
      await h.say('help', { sender });
      await h.clock.advance(1000);
    }
    const svc = service();
    const panel = h.engine.container.resolve(Tokens.Panel);
    expect(await svc.verify('default', 'wa:c1', 'ghost', { panel })).toEqual({ ok: false, reason: 'user_not_found' });
    expect(await svc.verify('default', 'wa:nobody', 'demo')).toEqual({ ok: false, reason: 'identity_not_found' });
    const ok = await svc.verify('default', 'wa:c1', '@Demo', { panel });
    expect(ok.ok && ok.identities[0]).toMatchObject({ panelUser: 'demo', verifiedBy: 'admin' });
    await h.clock.advance(60_000); // past the lastActiveAt throttle
    expect((await h.say('my username', { sender: 'c1' }))[0]).toMatch(/\*demo\*/);

    const page1 = await svc.listCustomers('default', { page: 1, pageSize: 2 });
    expect(page1).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.items.map((r) => r.address)).toEqual(['c1', 'c3']); // most recently active first
    expect((await svc.listCustomers('default', { page: 2, pageSize: 2 })).items.map((r) => r.address)).toEqual(['c2']);
    expect((await svc.listCustomers('default', { verified: true })).total).toBe(1);
    expect((await svc.listCustomers('default', { verified: false })).total).toBe(2);
    expect((await svc.listCustomers('default', { search: 'dem' })).total).toBe(1);

    expect((await svc.unlink('default', 'wa:c1'))[0]?.panelUser).toBeUndefined();
    expect((await svc.listCustomers('default', { verified: true })).total).toBe(0);
    expect(await svc.delete('default', 'wa:c2')).toBe(true);
    expect((await svc.listCustomers('default')).total).toBe(2);
  });
});
