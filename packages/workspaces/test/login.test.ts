import { describe, expect, it } from 'vitest';
import { AccountsToken, COOKIE } from '../src/index.js';
import { code, OWNER, signup, start } from './helpers.js';

const PASSWORD = 'correct horse 1';

describe('sign-in', () => {
  it('gives the same answer for an unknown phone and a wrong password', async () => {
    const ctx = await start();
    await signup(ctx, OWNER, PASSWORD);
    const c = ctx.client();
    const unknown = await c.post('/api/v1/auth/login/phone', { phone: '8801711000005', password: PASSWORD });
    const wrongPw = await c.post('/api/v1/auth/login/phone', { phone: OWNER, password: 'not the password' });
    expect(unknown.status).toBe(401);
    expect(wrongPw.status).toBe(401);
    expect(unknown.json).toEqual(wrongPw.json);
    expect(code(unknown)).toBe('E_INVALID_CREDENTIALS');
    await ctx.engine.stop();
  });

  it('locks a phone after 5 failures in the window, even for the right password, then lets it in', async () => {
    const ctx = await start();
    await signup(ctx, OWNER, PASSWORD);
    for (let i = 0; i < 5; i++) {
      // Different addresses: the per-phone limit holds across them.
      const r = await ctx
        .client(`10.1.0.${i}`)
        .post('/api/v1/auth/login/phone', { phone: OWNER, password: 'guess 123' });
      expect(r.status).toBe(401);
    }
    const locked = await ctx.client('10.2.0.1').post('/api/v1/auth/login/phone', { phone: OWNER, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers?.['retry-after'])).toBeGreaterThan(0);
    await ctx.clock.advance(15 * 60_000);
    const later = await ctx.client('10.2.0.1').post('/api/v1/auth/login/phone', { phone: OWNER, password: PASSWORD });
    expect(later.status).toBe(200);
    await ctx.engine.stop();
  });

  it('limits sign-in attempts per client address across phones', async () => {
    const ctx = await start({ options: { login: { perIp: 3 } } });
    const c = ctx.client('198.51.100.4');
    const statuses: number[] = [];
    for (const n of ['1', '2', '3', '4']) {
      statuses.push((await c.post('/api/v1/auth/login/phone', { phone: `88017110000${n}9`, password: 'x' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    await ctx.engine.stop();
  });

  it('refuses an access token after 15 minutes even if the client keeps sending it; refresh renews it', async () => {
    const ctx = await start();
    const { client } = await signup(ctx, OWNER, PASSWORD);
    client.keepExpired = true;
    await ctx.clock.advance(15 * 60_000 + 1_000);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
    expect((await client.post('/api/v1/auth/refresh')).status).toBe(200);
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    // After 30 days the refresh token is gone too.
    await ctx.clock.advance(30 * 24 * 3_600_000 + 1_000);
    expect((await client.post('/api/v1/auth/refresh')).status).toBe(401);
    await ctx.engine.stop();
  });

  it('refuses a tampered or foreign token', async () => {
    const ctx = await start();
    const { client } = await signup(ctx, OWNER, PASSWORD);
    const token = client.cookie(COOKIE.session)!;
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, tid: 'ws-someoneelse' })).toString('base64url');
    client.setCookie(COOKIE.session, `${h}.${forged}.${s}`);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    client.setCookie(COOKIE.session, `${none}.${p}.`);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
    // Another installation's key signs the same claims: refused.
    const other = await start({ options: { secretKey: 'another-installation-secret-key-0123456789' } });
    const foreign = await signup(other, OWNER, PASSWORD);
    client.setCookie(COOKIE.session, foreign.client.cookie(COOKIE.session)!);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
    await other.engine.stop();
    await ctx.engine.stop();
  });

  it('never logs passwords, codes, tokens or cookies; logs tenant and user ids', async () => {
    const ctx = await start();
    const { client, tenant, userId } = await signup(ctx, OWNER, PASSWORD);
    await client.post('/api/v1/auth/login/phone', { phone: OWNER, password: 'wrong password 9' });
    await client.post('/api/v1/auth/login/phone', { phone: OWNER, password: PASSWORD });
    await client.post('/api/v1/auth/refresh');
    await client.post('/api/v1/auth/phone/forgot-password/send', { phone: OWNER });
    const text = ctx.logs.text();
    const codes = ctx.phone.sends.map((s) => /\b(\d{6})\b/.exec(s.message.text)?.[1]).filter(Boolean) as string[];
    for (const secret of [
      PASSWORD,
      'wrong password 9',
      client.cookie(COOKIE.session)!,
      client.cookie(COOKIE.refresh)!,
      ...codes,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(OWNER);
    expect(ctx.logs.lines.find((l) => l.msg === 'signed in')).toMatchObject({ tenant, userId });
    await ctx.engine.stop();
  });

  it('refuses sign-in and refresh for a suspended workspace', async () => {
    const ctx = await start();
    const { client, tenant } = await signup(ctx, OWNER, PASSWORD);
    await ctx.engine.container.resolve(AccountsToken).setStatus(tenant, 'suspended');
    const login = await ctx.client().post('/api/v1/auth/login/phone', { phone: OWNER, password: PASSWORD });
    expect(login.status).toBe(403);
    expect(code(login)).toBe('E_SUSPENDED');
    expect((await client.post('/api/v1/auth/refresh')).status).toBe(401);
    await ctx.engine.stop();
  });
});
