import { FakePhone } from '@smmbot/core/testing';
import { describe, expect, it } from 'vitest';
import { code, lastCode, OTHER, OWNER, STAFF, signup, start } from './helpers.js';

type Ctx = Awaited<ReturnType<typeof start>>;

/** The owner adds a number: code to it, code back, credentials to it; returns the password sent. */
async function addStaff(ctx: Ctx, owner: ReturnType<Ctx['client']>, phone: string, role: 'staff' | 'staff_admin') {
  const sent = await owner.post('/api/v1/admin-numbers/send-code', { phone: `+${phone}` });
  expect(sent.status).toBe(200);
  const res = await owner.post('/api/v1/admin-numbers/verify', { phone, code: lastCode(ctx.phone, phone), role });
  expect(res.status).toBe(201);
  const text = ctx.phone.sends.at(-1)!.message.text;
  const password = /password: (\S+)/.exec(text)?.[1];
  return { res, password, text };
}

describe('admin & staff numbers', () => {
  it('adds a staff number by OTP, sends it a password, and the staff signs in with role staff', async () => {
    const ctx = await start({ options: { loginUrl: 'https://panel.example/login' } });
    const { client: owner, tenant } = await signup(ctx, OWNER);
    const { res, password, text } = await addStaff(ctx, owner, STAFF, 'staff');
    expect(res.json).toMatchObject({ phone: STAFF, role: 'staff', credentials: 'sent' });
    expect(ctx.phone.sends.at(-1)!.message.chatId).toBe(`${STAFF}@s.whatsapp.net`);
    expect(text).toContain('https://panel.example/login');
    expect(password).toMatch(/^[A-Za-z2-9]{16}$/);
    expect(ctx.logs.text()).not.toContain(password!);

    const staff = ctx.client('10.0.0.9');
    const login = await staff.post('/api/v1/auth/login/phone', { phone: STAFF, password });
    expect(login.status).toBe(200);
    expect(login.json.user.role).toBe('staff');
    expect(login.json.workspace.id).toBe(tenant);
    expect(login.json.permissions).toEqual(expect.arrayContaining(['dashboard.logs']));
    expect(login.json.permissions).not.toContain('dashboard.staff');

    // Owner-only routes, decided by core's permission table.
    const forbidden = await staff.get('/api/v1/admin-numbers');
    expect(forbidden.status).toBe(403);
    expect(code(forbidden)).toBe('E_FORBIDDEN');
    expect((await staff.post('/api/v1/admin-numbers/send-code', { phone: OTHER })).status).toBe(403);

    const list = await owner.get('/api/v1/admin-numbers');
    expect(list.json.items.map((i: { phone: string; role: string }) => [i.phone, i.role])).toEqual([
      [OWNER, 'owner'],
      [STAFF, 'staff'],
    ]);
    await ctx.engine.stop();
  });

  it('a staff admin is refused the owner-only staff routes too', async () => {
    const ctx = await start();
    const { client: owner } = await signup(ctx, OWNER);
    const { password } = await addStaff(ctx, owner, STAFF, 'staff_admin');
    const admin = ctx.client();
    const login = await admin.post('/api/v1/auth/login/phone', { phone: STAFF, password });
    expect(login.json.user.role).toBe('staff_admin');
    expect(login.json.permissions).toContain('dashboard.settings');
    expect((await admin.get('/api/v1/admin-numbers')).status).toBe(403);
    await ctx.engine.stop();
  });

  it('keeps workspaces apart: the tenant comes from the session, never from the input', async () => {
    const ctx = await start();
    const a = await signup(ctx, OWNER);
    const { res: added } = await addStaff(ctx, a.client, STAFF, 'staff');
    const b = await signup(ctx, OTHER);
    expect(b.tenant).not.toBe(a.tenant);

    const listB = await b.client.get(`/api/v1/admin-numbers?tenant=${a.tenant}`);
    expect(listB.json.items.map((i: { phone: string }) => i.phone)).toEqual([OTHER]);
    // B cannot remove A's staff member by id.
    const del = await b.client.delete(`/api/v1/admin-numbers/${added.json.id}`);
    expect(del.status).toBe(404);
    expect((await a.client.get('/api/v1/admin-numbers')).json.items).toHaveLength(2);
    // A code sent by A's owner cannot be used by B's owner.
    await a.client.post('/api/v1/admin-numbers/send-code', { phone: '8801711000004' });
    const stolen = await b.client.post('/api/v1/admin-numbers/verify', {
      phone: '8801711000004',
      code: lastCode(ctx.phone, '8801711000004'),
      role: 'staff',
    });
    expect(code(stolen)).toBe('E_OTP_INVALID');
    await ctx.engine.stop();
  });

  it('removing a staff number ends its session at once; the owner cannot be removed', async () => {
    const ctx = await start();
    const { client: owner, userId: ownerId } = await signup(ctx, OWNER);
    const { res, password } = await addStaff(ctx, owner, STAFF, 'staff');
    const staff = ctx.client();
    await staff.post('/api/v1/auth/login/phone', { phone: STAFF, password });
    expect((await staff.get('/api/v1/auth/me')).status).toBe(200);

    expect((await owner.delete(`/api/v1/admin-numbers/${res.json.id}`)).status).toBe(200);
    expect((await staff.get('/api/v1/auth/me')).status).toBe(401);
    expect((await staff.post('/api/v1/auth/refresh')).status).toBe(401);
    expect((await staff.post('/api/v1/auth/login/phone', { phone: STAFF, password })).status).toBe(401);

    const self = await owner.delete(`/api/v1/admin-numbers/${ownerId}`);
    expect(self.status).toBe(403);
    // The freed number can be added again.
    await ctx.clock.advance(60_000);
    await addStaff(ctx, owner, STAFF, 'staff');
    await ctx.engine.stop();
  });

  it("sends staff codes and credentials from the workspace's own WhatsApp number when it has one", async () => {
    const ctx = await start();
    const { client: owner, tenant } = await signup(ctx, OWNER);
    const own = new FakePhone('acme-wa', tenant, ctx.clock);
    own.registered.add(STAFF);
    ctx.engine.channels.add(own);
    const systemBefore = ctx.phone.sends.length;
    await owner.post('/api/v1/admin-numbers/send-code', { phone: STAFF });
    const otp = /\b(\d{6})\b/.exec(own.sends.at(-1)!.message.text)?.[1];
    const res = await owner.post('/api/v1/admin-numbers/verify', { phone: STAFF, code: otp, role: 'staff' });
    expect(res.json.credentials).toBe('sent');
    expect(own.sends.map((s) => s.message.tenantId)).toEqual([tenant, tenant]);
    expect(own.sends[1]!.message.text).toMatch(/password: /);
    expect(ctx.phone.sends.length).toBe(systemBefore);
    await ctx.engine.stop();
  });

  it('refuses a number that already has an account anywhere', async () => {
    const ctx = await start();
    const { client: owner } = await signup(ctx, OWNER);
    await signup(ctx, OTHER);
    const res = await owner.post('/api/v1/admin-numbers/send-code', { phone: OTHER });
    expect(res.status).toBe(409);
    expect(code(res)).toBe('E_PHONE_TAKEN');
    await ctx.engine.stop();
  });

  it('adds the number even when the credentials cannot be sent, and logs that without the password', async () => {
    const ctx = await start();
    const { client: owner, tenant } = await signup(ctx, OWNER);
    await owner.post('/api/v1/admin-numbers/send-code', { phone: STAFF });
    const otp = lastCode(ctx.phone, STAFF);
    ctx.phone.setLink({ state: 'disconnected' });
    const res = await owner.post('/api/v1/admin-numbers/verify', { phone: STAFF, code: otp, role: 'staff' });
    expect(res.status).toBe(201);
    expect(res.json.credentials).toBe('not_sent');
    const warn = ctx.logs.lines.find((l) => String(l.msg).startsWith('staff number added, but'));
    expect(warn).toMatchObject({ tenant, userId: res.json.id, level: 40 });
    // The staff member sets a password through "forgot password".
    ctx.phone.setLink({ state: 'connected' });
    await ctx.client().post('/api/v1/auth/phone/forgot-password/send', { phone: STAFF });
    const reset = await ctx.client().post('/api/v1/auth/phone/forgot-password/reset', {
      phone: STAFF,
      otp: lastCode(ctx.phone, STAFF),
      new_password: 'my own password',
    });
    expect(reset.status).toBe(200);
    const login = await ctx.client().post('/api/v1/auth/login/phone', { phone: STAFF, password: 'my own password' });
    expect(login.json.user.role).toBe('staff');
    await ctx.engine.stop();
  });

  it('checks the staff route schemas: role must be staff or staff_admin', async () => {
    const ctx = await start();
    const { client: owner } = await signup(ctx, OWNER);
    const res = await owner.post('/api/v1/admin-numbers/verify', { phone: STAFF, code: '123456', role: 'owner' });
    expect(res.status).toBe(400);
    expect(res.json.error.issues.join('\n')).toMatch(/body\.role/);
    await ctx.engine.stop();
  });
});
