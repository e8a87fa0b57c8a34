import { type BotPlugin, Tokens, VirtualClock } from '@smmbot/core';
import { createMemoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { AccountsToken, workspaces } from '../src/index.js';
import { code, lastCode, OTHER, OWNER, STAFF, signup, start } from './helpers.js';

type Ctx = Awaited<ReturnType<typeof start>>;

/** One in-memory store that outlives an engine, for restarts. */
function sharedStorage(clock: VirtualClock): BotPlugin {
  const backend = createMemoryStorage(clock);
  return {
    name: 'shared-storage',
    register: (c) => {
      c.register(Tokens.Store, { useValue: backend.records });
      c.register(Tokens.Kv, { useValue: backend.kv });
    },
  };
}

/** The owner's first sign-in: a reset code to the phone, a new password, then the password works. */
async function setPassword(ctx: Ctx, phone: string, password: string) {
  const client = ctx.client();
  expect((await client.post('/api/v1/auth/phone/forgot-password/send', { phone })).status).toBe(200);
  const reset = await client.post('/api/v1/auth/phone/forgot-password/reset', {
    phone,
    otp: lastCode(ctx.phone, phone),
    new_password: password,
  });
  expect(reset.status).toBe(200);
  return client.post('/api/v1/auth/login/phone', { phone, password });
}

describe('owners of configured workspaces', () => {
  it('gives a configured workspace its record and an owner without a password, set by forgot password', async () => {
    const ctx = await start({ options: { owners: { acme: { phone: `+${OWNER}`, name: 'Acme panel' } } } });
    expect(ctx.engine.tenantIds).toContain('acme');
    const accounts = ctx.engine.container.resolve(AccountsToken);
    const workspace = await accounts.getWorkspace('acme');
    expect(workspace).toMatchObject({ id: 'acme', name: 'Acme panel', ownerPhone: OWNER, status: 'active' });
    const found = await accounts.findByPhone(OWNER);
    expect(found).toMatchObject({ tenant: 'acme', user: { role: 'owner', passwordHash: '' } });
    expect(ctx.logs.lines.some((l) => String(l.msg).startsWith('configured owner has no password yet'))).toBe(true);

    // No password yet: nothing signs in, not even an empty one (the schema refuses that anyway).
    const refused = await ctx.client().post('/api/v1/auth/login/phone', { phone: OWNER, password: 'anything at all' });
    expect(refused.status).toBe(401);
    expect(code(refused)).toBe('E_INVALID_CREDENTIALS');

    const login = await setPassword(ctx, OWNER, 'owner chose this');
    expect(login.status).toBe(200);
    expect(login.json.user.role).toBe('owner');
    expect(login.json.workspace).toMatchObject({ id: 'acme', name: 'Acme panel' });
    expect(login.json.permissions).toEqual(expect.arrayContaining(['dashboard.billing', 'dashboard.staff']));
    await ctx.engine.stop();
  });

  it('is idempotent across restarts: the same account, its password kept, no second owner', async () => {
    const clock = new VirtualClock();
    const storage = sharedStorage(clock);
    const options = { owners: { acme: OWNER } };
    const one = await start({ clock, storage, options });
    await setPassword(one, OWNER, 'owner chose this');
    const firstId = (await one.engine.container.resolve(AccountsToken).findByPhone(OWNER))!.user.id;
    await one.engine.stop();

    const two = await start({ clock, storage, options });
    const accounts = two.engine.container.resolve(AccountsToken);
    expect((await accounts.findByPhone(OWNER))!.user.id).toBe(firstId);
    expect(await accounts.listUsers('acme')).toHaveLength(1);
    expect((await accounts.listWorkspaces()).total).toBe(1);
    expect(two.logs.lines.some((l) => String(l.msg).startsWith('configured owner has no password yet'))).toBe(false);
    const login = await two.client().post('/api/v1/auth/login/phone', { phone: OWNER, password: 'owner chose this' });
    expect(login.status).toBe(200);
    await two.engine.stop();
  });

  it('stops the boot when the phone already has an account in another workspace', async () => {
    const clock = new VirtualClock();
    const storage = sharedStorage(clock);
    const one = await start({ clock, storage });
    const { tenant } = await signup(one, OWNER);
    await one.engine.stop();

    const boot = start({ clock, storage, options: { owners: { acme: OWNER } } });
    await expect(boot).rejects.toThrow(new RegExp(`owners\\.acme: .*already has an account in workspace "${tenant}"`));
  });

  it('hands ownership to a newly configured phone; the previous owner becomes a staff admin', async () => {
    const clock = new VirtualClock();
    const storage = sharedStorage(clock);
    const one = await start({ clock, storage, options: { owners: { acme: OWNER } } });
    await one.engine.stop();

    const two = await start({ clock, storage, options: { owners: { acme: STAFF } } });
    const accounts = two.engine.container.resolve(AccountsToken);
    expect(await accounts.getWorkspace('acme')).toMatchObject({ ownerPhone: STAFF });
    const roles = (await accounts.listUsers('acme')).map((u) => [u.phone, u.role]);
    expect(roles).toEqual([
      [STAFF, 'owner'],
      [OWNER, 'staff_admin'],
    ]);
    await two.engine.stop();
  });

  it('validates the option: phones in international form, one workspace per phone', () => {
    expect(() => workspaces({ owners: { acme: '01711000000' } })).toThrow(/owners\.acme/);
    expect(() => workspaces({ owners: { acme: OWNER, globex: `+${OWNER}` } })).toThrow(/owners\.globex.*"acme"/s);
    expect(() => workspaces({ owners: { 'Not A Tenant': OTHER } })).toThrow(/owners\.Not A Tenant: Invalid key/);
  });
});
