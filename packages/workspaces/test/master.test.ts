// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests pass ${VAR} references as the master password on purpose.
import { describe, expect, it } from 'vitest';
import { COOKIE } from '../src/index.js';
import { code, OTHER, OWNER, signup, start } from './helpers.js';

const MASTER = { phone: '+971500000001', password: 'master password 42' };

describe('the master admin', () => {
  it('signs in and lists every workspace with its owner phone and creation date', async () => {
    const ctx = await start({ options: { master: MASTER } });
    const a = await signup(ctx, OWNER);
    await ctx.clock.advance(3_600_000);
    const b = await signup(ctx, OTHER);
    const admin = ctx.client();
    const login = await admin.post('/api/v1/master/auth/login', { phone: MASTER.phone, password: MASTER.password });
    expect(login.status).toBe(200);
    expect(login.cookies[0]).toMatch(/^smmbot_master=.+; Max-Age=28800; Path=\/; HttpOnly; SameSite=Lax$/);
    const list = await admin.get('/api/v1/master/workspaces');
    expect(list.status).toBe(200);
    expect(list.json.total).toBe(2);
    expect(list.json.items).toEqual([
      expect.objectContaining({
        id: a.tenant,
        ownerPhone: OWNER,
        ownerUserId: a.userId,
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
      expect.objectContaining({ id: b.tenant, ownerPhone: OTHER, createdAt: '2026-01-01T01:00:00.000Z' }),
    ]);
    expect(
      (await admin.get('/api/v1/master/workspaces?limit=1&offset=1')).json.items.map((w: { id: string }) => w.id),
    ).toEqual([b.tenant]);
    // Logout: the cookie is cleared, and a copy of it is refused.
    const token = admin.cookie(COOKIE.master)!;
    await admin.post('/api/v1/master/auth/logout');
    expect(admin.cookie(COOKIE.master)).toBeUndefined();
    admin.setCookie(COOKIE.master, token);
    expect((await admin.get('/api/v1/master/workspaces')).status).toBe(401);
    await ctx.engine.stop();
  });

  it('never accepts a master token as a workspace session, nor a workspace token as the master', async () => {
    const ctx = await start({ options: { master: MASTER } });
    const owner = await signup(ctx, OWNER);
    const admin = ctx.client();
    await admin.post('/api/v1/master/auth/login', MASTER);
    const masterToken = admin.cookie(COOKIE.master)!;
    const sessionToken = owner.client.cookie(COOKIE.session)!;

    // The master cookie alone: no workspace session.
    expect((await admin.get('/api/v1/auth/me')).status).toBe(401);
    expect((await admin.get('/api/v1/admin-numbers')).status).toBe(401);
    // The workspace owner: no master access.
    expect((await owner.client.get('/api/v1/master/workspaces')).status).toBe(401);
    // Swapped into each other's cookie: refused (different key, different audience).
    const swapped = ctx.client();
    swapped.setCookie(COOKIE.session, masterToken);
    swapped.setCookie(COOKIE.master, sessionToken);
    expect((await swapped.get('/api/v1/auth/me')).status).toBe(401);
    expect((await swapped.get('/api/v1/master/workspaces')).status).toBe(401);
    await ctx.engine.stop();
  });

  it('answers a wrong password and an unknown phone alike, and rate-limits attempts', async () => {
    const ctx = await start({ options: { master: MASTER, login: { perPhone: 3 } } });
    const c = ctx.client();
    const wrong = await c.post('/api/v1/master/auth/login', { phone: MASTER.phone, password: 'nope nope nope' });
    const unknown = await c.post('/api/v1/master/auth/login', { phone: '+971500000009', password: MASTER.password });
    expect(wrong.json).toEqual(unknown.json);
    expect(code(wrong)).toBe('E_INVALID_CREDENTIALS');
    await c.post('/api/v1/master/auth/login', { phone: MASTER.phone, password: 'nope again 12' });
    await c.post('/api/v1/master/auth/login', { phone: MASTER.phone, password: 'nope again 13' });
    expect((await c.post('/api/v1/master/auth/login', MASTER)).status).toBe(429);
    expect(ctx.logs.text()).not.toContain(MASTER.password);
    await ctx.engine.stop();
  });

  it('reads the password from ${ENV}, and refuses every master sign-in when none is configured', async () => {
    process.env.TEST_MASTER_PASSWORD = 'from the environment 1';
    const ctx = await start({ options: { master: { phone: MASTER.phone, password: '${TEST_MASTER_PASSWORD}' } } });
    const ok = await ctx
      .client()
      .post('/api/v1/master/auth/login', { phone: MASTER.phone, password: 'from the environment 1' });
    expect(ok.status).toBe(200);
    const literal = await ctx.client().post('/api/v1/master/auth/login', {
      phone: MASTER.phone,
      password: '${TEST_MASTER_PASSWORD}',
    });
    expect(literal.status).toBe(401);
    await ctx.engine.stop();
    delete process.env.TEST_MASTER_PASSWORD;

    const none = await start();
    expect((await none.client().post('/api/v1/master/auth/login', MASTER)).status).toBe(401);
    await none.engine.stop();
  });

  it('fails at start with an unset ${ENV} or a short master password', async () => {
    await expect(
      start({ options: { master: { phone: MASTER.phone, password: '${NOT_SET_ANYWHERE_42}' } } }),
    ).rejects.toThrow(/NOT_SET_ANYWHERE_42/);
    await expect(start({ options: { master: { phone: MASTER.phone, password: 'short' } } })).rejects.toThrow(
      /at least 12/,
    );
  });
});
