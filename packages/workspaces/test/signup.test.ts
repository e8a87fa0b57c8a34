import { SYSTEM_TENANT } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import { COOKIE } from '../src/index.js';
import { code, lastCode, OWNER, signup, start } from './helpers.js';

describe('sign-up, session, sign-in, refresh, forgot password', () => {
  it('runs the whole account life: signup → me → logout → login → refresh rotation → forgot/reset', async () => {
    const ctx = await start();
    const browser = ctx.client();

    // Sign-up: a code to the new phone over the system channel, then the workspace and its owner.
    const sent = await browser.post('/api/v1/auth/phone/send', { phone: '+880 1711-000001' });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ delivery: 'whatsapp', expiresIn: 300, resendIn: 60 });
    const sms = ctx.phone.sends.at(-1)!.message;
    expect(sms).toMatchObject({ tenantId: SYSTEM_TENANT, channel: 'system-wa', chatId: `${OWNER}@s.whatsapp.net` });
    const created = await browser.post('/api/v1/auth/phone/verify', {
      phone: `+${OWNER}`,
      otp: lastCode(ctx.phone, OWNER),
      password: 'correct horse 1',
      workspaceName: 'Acme Panel',
    });
    expect(created.status).toBe(201);
    const tenant = created.json.workspace.id as string;
    expect(created.json.workspace).toMatchObject({ name: 'Acme Panel', status: 'active' });
    expect(created.json.user).toMatchObject({ phone: OWNER, role: 'owner' });
    expect(created.json.permissions).toContain('dashboard.staff');
    // Served at once, without a restart.
    expect(ctx.engine.tenantIds).toContain(tenant);

    // The cookies: HttpOnly, SameSite=Lax, the refresh token only on the auth paths.
    const [access, refresh] = created.cookies;
    expect(access).toMatch(/^smmbot_session=.+; Max-Age=900; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(refresh).toMatch(/^smmbot_refresh=.+; Max-Age=2592000; Path=\/api\/v1\/auth; HttpOnly; SameSite=Lax$/);

    const me = await browser.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.json.workspace.id).toBe(tenant);

    // Logout: cookies cleared; a client replaying the old cookies is refused too.
    const oldAccess = browser.cookie(COOKIE.session)!;
    const oldRefresh = browser.cookie(COOKIE.refresh)!;
    const out = await browser.post('/api/v1/auth/logout');
    expect(out.status).toBe(200);
    expect(browser.cookie(COOKIE.session)).toBeUndefined();
    expect((await browser.get('/api/v1/auth/me')).status).toBe(401);
    const replay = ctx.client();
    replay.setCookie(COOKIE.session, oldAccess);
    replay.setCookie(COOKIE.refresh, oldRefresh, '/api/v1/auth');
    expect((await replay.get('/api/v1/auth/me')).status).toBe(401);
    expect((await replay.post('/api/v1/auth/refresh')).status).toBe(401);

    // Login.
    const login = await browser.post('/api/v1/auth/login/phone', { phone: `+${OWNER}`, password: 'correct horse 1' });
    expect(login.status).toBe(200);
    expect(login.json.user.lastLoginAt).not.toBeNull();

    // Refresh rotates: the new pair works, the old refresh token is refused.
    const before = browser.cookie(COOKIE.refresh)!;
    await ctx.clock.advance(60_000);
    const refreshed = await browser.post('/api/v1/auth/refresh');
    expect(refreshed.status).toBe(200);
    const after = browser.cookie(COOKIE.refresh)!;
    expect(after).not.toBe(before);
    expect((await browser.get('/api/v1/auth/me')).status).toBe(200);
    // Another tab refreshing with the same cookie at the same moment is not theft.
    const tab = ctx.client('10.0.0.1');
    tab.setCookie(COOKIE.refresh, before, '/api/v1/auth');
    expect((await tab.post('/api/v1/auth/refresh')).status).toBe(200);
    await ctx.clock.advance(11_000);
    const thief = ctx.client('10.9.9.9');
    thief.setCookie(COOKIE.refresh, before, '/api/v1/auth');
    const stolen = await thief.post('/api/v1/auth/refresh');
    expect(stolen.status).toBe(401);
    // Reuse of a rotated token means it was copied: every session of the user ends, the honest one too.
    expect((await browser.get('/api/v1/auth/me')).status).toBe(401);
    expect((await browser.post('/api/v1/auth/refresh')).status).toBe(401);
    expect(
      ctx.logs.lines.some((l) => l.msg === 'a used refresh token came back: every session of the user ended'),
    ).toBe(true);

    // Forgot password: a code, a new password, every session ended.
    const device = ctx.client('10.0.0.2');
    expect((await device.post('/api/v1/auth/login/phone', { phone: OWNER, password: 'correct horse 1' })).status).toBe(
      200,
    );
    const forgot = await browser.post('/api/v1/auth/phone/forgot-password/send', { phone: `+${OWNER}` });
    expect(forgot.status).toBe(200);
    expect(forgot.json).toEqual({ expiresIn: 300, resendIn: 60 });
    const reset = await browser.post('/api/v1/auth/phone/forgot-password/reset', {
      phone: OWNER,
      otp: lastCode(ctx.phone, OWNER),
      new_password: 'a brand new secret',
    });
    expect(reset.status).toBe(200);
    expect((await device.get('/api/v1/auth/me')).status).toBe(401);
    expect((await device.post('/api/v1/auth/refresh')).status).toBe(401);
    const oldPw = await browser.post('/api/v1/auth/login/phone', { phone: OWNER, password: 'correct horse 1' });
    expect(code(oldPw)).toBe('E_INVALID_CREDENTIALS');
    const newPw = await browser.post('/api/v1/auth/login/phone', { phone: OWNER, password: 'a brand new secret' });
    expect(newPw.status).toBe(200);
    await ctx.engine.stop();
  });

  it('refuses sign-up for a phone that has an account, weak passwords and bad phones', async () => {
    const ctx = await start();
    await signup(ctx, OWNER);
    const again = await ctx.client().post('/api/v1/auth/phone/send', { phone: OWNER });
    expect(again.status).toBe(409);
    expect(code(again)).toBe('E_PHONE_TAKEN');
    const c = ctx.client();
    expect(code(await c.post('/api/v1/auth/phone/send', { phone: '12ab' }))).toBe('E_VALIDATION');
    await c.post('/api/v1/auth/phone/send', { phone: '8801711000004' });
    const weak = await c.post('/api/v1/auth/phone/verify', {
      phone: '8801711000004',
      otp: lastCode(ctx.phone, '8801711000004'),
      password: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.json.error.issues.join('\n')).toMatch(/body\.password/);
    await ctx.engine.stop();
  });

  it('answers forgot-password the same way for a phone without an account, and sends nothing', async () => {
    const ctx = await start();
    const before = ctx.phone.sends.length;
    const res = await ctx.client().post('/api/v1/auth/phone/forgot-password/send', { phone: '8801711000005' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ expiresIn: 300, resendIn: 60 });
    expect(ctx.phone.sends.length).toBe(before);
    await ctx.engine.stop();
  });

  it('closes sign-up when told to, while existing accounts still sign in', async () => {
    const ctx = await start({ options: { signup: 'closed' } });
    const res = await ctx.client().post('/api/v1/auth/phone/send', { phone: OWNER });
    expect(res.status).toBe(403);
    expect(code(res)).toBe('E_SIGNUP_CLOSED');
    await ctx.engine.stop();
  });

  it('sets Secure on the cookies behind an https proxy (auto) or always when configured', async () => {
    const auto = await start();
    const { client } = await signup(auto, OWNER);
    client.headers['x-forwarded-proto'] = 'https';
    const viaProxy = await client.post('/api/v1/auth/login/phone', { phone: OWNER, password: 'correct horse 1' });
    expect(viaProxy.cookies).toHaveLength(2);
    for (const c of viaProxy.cookies) expect(c).toMatch(/; Secure/);
    client.headers = {};
    const plain = await client.post('/api/v1/auth/login/phone', { phone: OWNER, password: 'correct horse 1' });
    for (const c of plain.cookies) expect(c).not.toMatch(/Secure/);
    await auto.engine.stop();

    const always = await start({ options: { secureCookies: 'always' } });
    const { client: c2 } = await signup(always, OWNER);
    const login = await c2.post('/api/v1/auth/login/phone', { phone: OWNER, password: 'correct horse 1' });
    for (const c of login.cookies) expect(c).toMatch(/; Secure/);
    await always.engine.stop();
  });
});
