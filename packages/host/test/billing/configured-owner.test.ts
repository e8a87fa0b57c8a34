import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHostConfig } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ComposedHost, firstSignIn, startFromConfig } from './compose-host.js';

let host: ComposedHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const OWNER = '+8801711000201';
const STAFF = ['+8801711000202', '+8801711000203'];

/** A plan without marketing and with one staff number, which the config's tenant is pinned to. */
const STARTER_BILLING = {
  use: '@smmbot/billing',
  options: {
    plans: [
      {
        id: 'starter',
        name: 'Starter',
        price: 500,
        currency: 'usd',
        interval: 'month',
        modules: ['support'],
        mediums: ['webchat'],
        limits: { staff: 1 },
      },
    ],
    assign: { acme: 'starter' },
  },
};

describe('the owner of a tenant in the config file', () => {
  it('signs in to the tenant’s dashboard after setting a password with forgot password', async () => {
    // `${VAR}` in the config file, as an operator keeps the phone out of it.
    const fromEnv = ['$', '{OWNER_PHONE}'].join('');
    host = await startFromConfig(
      { tenants: [{ id: 'acme', name: 'Acme SMM', owner: { phone: fromEnv } }] },
      { env: { OWNER_PHONE: OWNER } },
    );
    expect(host.lines.join('\n')).toMatch(/configured owner has no password yet/);
    const before = await host
      .client()
      .call('POST', '/api/v1/auth/login/phone', { phone: OWNER, password: 'guess 123' });
    expect(before.status).toBe(401);

    const { who, login } = await firstSignIn(host, OWNER);
    expect(login.status).toBe(200);
    const me = await who.call('GET', '/api/v1/auth/me');
    expect(me.body).toMatchObject({ workspace: { id: 'acme', name: 'Acme SMM' }, user: { role: 'owner' } });
    // Billing composed by default: the configured tenant is on the free plan.
    expect((await who.call('GET', '/api/v1/billing/subscription')).body.plan.id).toBe('free');
  });

  it('keeps the account across restarts on the same database, and its password', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'smmbot-owner-restart-'));
    const config = { storage: { driver: 'sqlite' }, tenants: [{ id: 'acme', owner: { phone: OWNER } }] };
    host = await startFromConfig(config, { cwd });
    await firstSignIn(host, OWNER, 'kept across restarts');
    await host.stop();
    host = await startFromConfig(config, { cwd });
    const login = await host
      .client()
      .call('POST', '/api/v1/auth/login/phone', { phone: OWNER, password: 'kept across restarts' });
    expect(login.status).toBe(200);
    expect(host.lines.join('\n')).not.toMatch(/configured owner has no password yet/);
  });

  it('reaches a workspaces plugin the config lists itself (for its master admin), merged with its own owners', async () => {
    const other = '+8801711000299';
    host = await startFromConfig({
      tenants: [{ id: 'acme', owner: { phone: OWNER } }, { id: 'globex' }],
      plugins: [
        {
          use: '@smmbot/workspaces',
          options: {
            master: { phone: '+15550000001', password: 'master-password-123' },
            owners: { globex: other },
          },
        },
      ],
    });
    const master = host.client();
    await master.call('POST', '/api/v1/master/auth/login', { phone: '+15550000001', password: 'master-password-123' });
    const listed = await master.call('GET', '/api/v1/master/workspaces');
    expect(listed.body.items.map((w: { id: string; ownerPhone: string }) => [w.id, w.ownerPhone])).toEqual([
      ['acme', OWNER.slice(1)],
      ['globex', other.slice(1)],
    ]);
    const plans = await master.call('GET', '/api/v1/master/billing/plans');
    expect(plans.body.plans.map((p: { id: string }) => p.id)).toEqual(['free']);
  });

  it('refuses a config in which one phone owns two tenants', () => {
    const twice = {
      tenants: [
        { id: 'a', owner: { phone: OWNER } },
        { id: 'b', owner: { phone: OWNER } },
      ],
    };
    expect(() => parseHostConfig(twice)).toThrow(/tenants\[1\]\.owner\.phone: this phone already owns tenants\[0\]/);
    expect(() => parseHostConfig({ tenants: [{ id: 'a', owner: { phone: '017 1100' } }] })).toThrow(
      /tenants\[0\]\.owner\.phone: expected a phone number in international form/,
    );
  });
});

describe("the plan's limits on the owner's actions, at the server", () => {
  it('answers 403 E_PLAN_MODULE on marketing and 403 E_PLAN_LIMIT past the staff limit', async () => {
    host = await startFromConfig({ tenants: [{ id: 'acme', owner: { phone: OWNER } }], plugins: [STARTER_BILLING] });
    const { who: owner } = await firstSignIn(host, OWNER);

    const marketing = await owner.call('GET', '/api/v1/marketing/messages');
    expect(marketing.status).toBe(403);
    expect(marketing.body.error.code).toBe('E_PLAN_MODULE');
    expect(marketing.body.error.message).toMatch(/Starter.*"marketing"/);
    expect((await owner.call('GET', '/api/v1/logs')).status).toBe(200);

    const add = async (phone: string) => {
      const sent = await owner.call('POST', '/api/v1/admin-numbers/send-code', { phone });
      if (sent.status !== 200) return sent;
      return owner.call('POST', '/api/v1/admin-numbers/verify', { phone, code: host!.code('staff'), role: 'staff' });
    };
    expect((await add(STAFF[0]!)).status).toBe(201);
    const refused = await add(STAFF[1]!);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'E_PLAN_LIMIT' });
    expect((await owner.call('GET', '/api/v1/billing/usage')).body.staff).toEqual({ used: 1, limit: 1 });
  });
});
