import type { BotPlugin } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import { AccountsToken, WorkspaceLimitsToken } from '../src/index.js';
import { code, lastCode, OTHER, OWNER, STAFF, signup, start } from './helpers.js';

const FOURTH = '8801711000004';

/** What a billing plugin would register: a staff limit the test changes as it goes. */
function planLimits(initial: number | null) {
  const state = { staff: initial, asked: [] as string[] };
  const plugin: BotPlugin = {
    name: 'test-plan-limits',
    register: (c) =>
      c.register(WorkspaceLimitsToken, {
        useValue: {
          async limitOf(tenant, name) {
            state.asked.push(`${tenant}:${name}`);
            return state.staff;
          },
        },
      }),
  };
  return { state, plugin };
}

async function setup(limit: number | null) {
  const limits = planLimits(limit);
  const ctx = await start({ extra: [limits.plugin] });
  const { client: owner, tenant } = await signup(ctx, OWNER);
  const send = (phone: string) => owner.post('/api/v1/admin-numbers/send-code', { phone });
  const verify = (phone: string) =>
    owner.post('/api/v1/admin-numbers/verify', { phone, code: lastCode(ctx.phone, phone), role: 'staff' });
  return { ctx, owner, tenant, limits, send, verify };
}

describe("the plan's staff limit", () => {
  it('refuses a number past the limit with 403 E_PLAN_LIMIT, before any code is sent', async () => {
    const { ctx, tenant, limits, send, verify } = await setup(1);
    expect((await send(STAFF)).status).toBe(200);
    expect((await verify(STAFF)).status).toBe(201);

    const sendsBefore = ctx.phone.sends.length;
    const refused = await send(OTHER);
    expect(refused.status).toBe(403);
    expect(code(refused)).toBe('E_PLAN_LIMIT');
    expect(refused.json.error.message).toMatch(/your plan allows 1 admin and staff number;/);
    expect(ctx.phone.sends.length).toBe(sendsBefore);
    expect(limits.state.asked).toContain(`${tenant}:staff`);
    await ctx.engine.stop();
  });

  it('checks again when the code comes back: a limit lowered in between refuses, and nothing is created', async () => {
    const { ctx, limits, send, verify } = await setup(2);
    expect((await send(STAFF)).status).toBe(200);
    expect((await send(OTHER)).status).toBe(200);
    expect((await verify(STAFF)).status).toBe(201);
    limits.state.staff = 1; // the owner moved to a smaller plan
    const refused = await verify(OTHER);
    expect(refused.status).toBe(403);
    expect(code(refused)).toBe('E_PLAN_LIMIT');
    expect(await ctx.engine.container.resolve(AccountsToken).phoneTaken(OTHER)).toBe(false);
    await ctx.engine.stop();
  });

  it('counts admins and staff but not the owner; removing one frees its place', async () => {
    const { ctx, owner, send, verify } = await setup(1);
    await send(STAFF);
    const added = await verify(STAFF);
    expect(code(await send(OTHER))).toBe('E_PLAN_LIMIT');
    expect((await owner.delete(`/api/v1/admin-numbers/${added.json.id}`)).status).toBe(200);
    expect((await send(OTHER)).status).toBe(200);
    expect((await verify(OTHER)).status).toBe(201);
    await ctx.engine.stop();
  });

  it('a plan without staff says so; no limit (or no billing) adds freely', async () => {
    const none = await setup(0);
    const refused = await none.send(STAFF);
    expect(code(refused)).toBe('E_PLAN_LIMIT');
    expect(refused.json.error.message).toMatch(/does not include admin and staff numbers/);
    await none.ctx.engine.stop();

    const free = await setup(null);
    for (const phone of [STAFF, OTHER, FOURTH]) {
      await free.send(phone);
      expect((await free.verify(phone)).status).toBe(201);
    }
    await free.ctx.engine.stop();
  });

  it('two additions at once cannot both take the last place', async () => {
    const { ctx, owner, send, verify } = await setup(1);
    await send(STAFF);
    await send(OTHER);
    const results = await Promise.all([verify(STAFF), verify(OTHER)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, expect.any(Number)]);
    expect(['E_PLAN_LIMIT', 'E_IN_PROGRESS']).toContain(code(results.find((r) => r.status !== 201)!));
    const list = await owner.get('/api/v1/admin-numbers');
    expect(list.json.items.filter((i: { role: string }) => i.role !== 'owner')).toHaveLength(1);
    await ctx.engine.stop();
  });
});
