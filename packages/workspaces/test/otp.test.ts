import { SYSTEM_TENANT, Tokens } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import { code, lastCode, OTHER, OWNER, start } from './helpers.js';

const send = (c: ReturnType<Awaited<ReturnType<typeof start>>['client']>, phone = OWNER) =>
  c.post('/api/v1/auth/phone/send', { phone });
const verify = (c: ReturnType<Awaited<ReturnType<typeof start>>['client']>, otp: string, phone = OWNER) =>
  c.post('/api/v1/auth/phone/verify', { phone, otp, password: 'correct horse 1' });
const wrong = (right: string) => String((Number(right) + 1) % 1_000_000).padStart(6, '0');

describe('one-time codes', () => {
  it('expires a code after 5 minutes of virtual time', async () => {
    const ctx = await start();
    const c = ctx.client();
    await send(c);
    const otp = lastCode(ctx.phone, OWNER);
    await ctx.clock.advance(5 * 60_000);
    const late = await verify(c, otp);
    expect(late.status).toBe(400);
    expect(code(late)).toBe('E_OTP_EXPIRED');
    // A new code (the resend wait is over) works.
    await send(c);
    expect((await verify(c, lastCode(ctx.phone, OWNER))).status).toBe(201);
    await ctx.engine.stop();
  });

  it('kills a code after 5 wrong attempts: the right one is refused after that', async () => {
    const ctx = await start();
    const c = ctx.client();
    await send(c);
    const otp = lastCode(ctx.phone, OWNER);
    const answers: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) answers.push(code(await verify(c, wrong(otp))));
    expect(answers).toEqual(['E_OTP_INVALID', 'E_OTP_INVALID', 'E_OTP_INVALID', 'E_OTP_INVALID', 'E_OTP_LOCKED']);
    const right = await verify(c, otp);
    expect(right.status).toBe(429);
    expect(code(right)).toBe('E_OTP_LOCKED');
    // A fresh code starts a fresh count.
    await ctx.clock.advance(60_000);
    await send(c);
    expect((await verify(c, lastCode(ctx.phone, OWNER))).status).toBe(201);
    await ctx.engine.stop();
  });

  it('uses a code once', async () => {
    const ctx = await start();
    const c = ctx.client();
    await send(c);
    const otp = lastCode(ctx.phone, OWNER);
    expect((await verify(c, otp)).status).toBe(201);
    const twice = await ctx.client().post('/api/v1/auth/phone/forgot-password/reset', {
      phone: OWNER,
      otp,
      new_password: 'whatever123',
    });
    expect(code(twice)).toBe('E_OTP_INVALID');
    await ctx.engine.stop();
  });

  it('throttles resends to one a minute, with Retry-After, and caps codes per phone per day', async () => {
    const ctx = await start({ options: { otp: { dailyCap: 3 } } });
    const c = ctx.client();
    expect((await send(c)).status).toBe(200);
    await ctx.clock.advance(20_000);
    const soon = await send(c);
    expect(soon.status).toBe(429);
    expect(code(soon)).toBe('E_RATE_LIMITED');
    expect(soon.headers?.['retry-after']).toBe('40');
    await ctx.clock.advance(40_000);
    expect((await send(c)).status).toBe(200);
    await ctx.clock.advance(60_000);
    expect((await send(c)).status).toBe(200);
    await ctx.clock.advance(60_000);
    const capped = await send(c);
    expect(capped.status).toBe(429);
    expect(capped.json.error.message).toMatch(/today/);
    // Another phone is not affected.
    expect((await send(c, OTHER)).status).toBe(200);
    // The next UTC day, the phone gets codes again.
    await ctx.clock.advance(24 * 3_600_000);
    expect((await send(c)).status).toBe(200);
    await ctx.engine.stop();
  });

  it('caps code requests per client address', async () => {
    const ctx = await start({ options: { otp: { perIpHourly: 2 } } });
    const c = ctx.client('203.0.113.7');
    expect((await send(c, OWNER)).status).toBe(200);
    expect((await send(c, OTHER)).status).toBe(200);
    expect((await send(c, '8801711000004')).status).toBe(429);
    expect((await send(ctx.client('203.0.113.8'), '8801711000004')).status).toBe(200);
    await ctx.engine.stop();
  });

  it('stores only an HMAC of the code, never the code', async () => {
    const ctx = await start();
    await send(ctx.client());
    const otp = lastCode(ctx.phone, OWNER);
    const kv = ctx.engine.container.resolve(Tokens.Kv);
    const stored = await kv.get<Record<string, unknown>>(SYSTEM_TENANT, `workspaces:otp:signup:${OWNER}`);
    expect(stored).toBeDefined();
    expect(JSON.stringify(stored)).not.toContain(otp);
    expect(stored?.digest).toMatch(/^[0-9a-f]{64}$/);
    await ctx.engine.stop();
  });

  it('prints the code in the log, with the phone masked, when no system channel is connected', async () => {
    const ctx = await start({ noSystemChannel: true });
    const res = await send(ctx.client());
    expect(res.status).toBe(200);
    expect(res.json.delivery).toBe('log');
    const line = ctx.logs.lines.find((l) => String(l.msg).startsWith('one-time code'));
    expect(line).toMatchObject({ level: 30, purpose: 'signup', phone: '880••••••••01' });
    const otp = /one-time code (\d{6})/.exec(String(line?.msg))?.[1];
    expect(otp).toMatch(/^\d{6}$/);
    expect(ctx.logs.text()).not.toContain(OWNER);
    expect((await verify(ctx.client(), otp!)).status).toBe(201);
    await ctx.engine.stop();
  });

  it('falls back to the log when the system phone is disconnected, or refuses (503) with logCodes off', async () => {
    const ctx = await start();
    ctx.phone.setLink({ state: 'disconnected' });
    expect((await send(ctx.client())).json.delivery).toBe('log');
    expect(ctx.phone.sends).toHaveLength(0);
    await ctx.engine.stop();

    const strict = await start({ noSystemChannel: true, options: { logCodes: false } });
    const refused = await send(strict.client());
    expect(refused.status).toBe(503);
    expect(strict.logs.lines.some((l) => String(l.msg).startsWith('one-time code'))).toBe(false);
    await strict.engine.stop();
  });

  it('says so when the number is not on WhatsApp', async () => {
    const ctx = await start();
    const res = await send(ctx.client(), '8801799999999');
    expect(res.status).toBe(400);
    expect(code(res)).toBe('E_NOT_ON_WHATSAPP');
    await ctx.engine.stop();
  });
});
