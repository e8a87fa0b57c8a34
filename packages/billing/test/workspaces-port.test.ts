import { type BotPlugin, type OutboundMessage, SecretBox, SYSTEM_TENANT, Tokens } from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { AccountsToken, WorkspaceLimitsToken, workspaces } from '@smmbot/workspaces';
import { afterEach, describe, expect, it } from 'vitest';
import { headerAuthenticator, start } from './helpers.js';

let app: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/**
 * The workspaces plugin (for its accounts) with the tests' header sessions: workspaces registers its
 * Authenticator when it applies, so the header one is registered again after it.
 */
const withWorkspaces = (): BotPlugin[] => [
  { name: 'test-secrets', register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox('s'.repeat(40)) }) },
  ...workspaces({ logCodes: true }),
  {
    name: 'header-auth-after-workspaces',
    apply: ({ container }) => container.register(Tokens.Authenticator, { useValue: headerAuthenticator }),
  },
];

const addStaff = (tenant: string, phone: string) =>
  app!.engine.container.resolve(AccountsToken).addUser(tenant, { phone, role: 'staff', passwordHash: 'x' });

describe('billing and the workspaces plugin', () => {
  it("registers the plan's staff limit for the workspaces plugin, following the plan in force", async () => {
    app = await start({ after: withWorkspaces(), options: { assign: { acme: 'free', globex: 'pro' } } });
    const limits = app.engine.container.resolve(WorkspaceLimitsToken);
    expect(await limits.limitOf('acme', 'staff')).toBe(1);
    expect(await limits.limitOf('globex', 'staff')).toBe(5);
    await app.as('master').patch('/api/v1/master/billing/plans/free', { limits: { staff: 3 } });
    expect(await limits.limitOf('acme', 'staff')).toBe(3);
  });

  it('reports staff usage from the accounts, not counting the owner', async () => {
    app = await start({ after: withWorkspaces(), options: { assign: { acme: 'pro' } } });
    const accounts = app.engine.container.resolve(AccountsToken);
    await accounts.addUser('acme', { phone: '8801711000001', role: 'owner', passwordHash: 'x' });
    await addStaff('acme', '8801711000002');
    await addStaff('acme', '8801711000003');
    const usage = await app.as('owner:acme').get('/api/v1/billing/usage');
    expect(usage.body.staff).toEqual({ used: 2, limit: 5 });
  });

  it('without the workspaces plugin, staff usage stays unknown', async () => {
    app = await start({ options: { assign: { acme: 'pro' } } });
    expect((await app.as('owner:acme').get('/api/v1/billing/usage')).body.staff).toEqual({ used: null, limit: 5 });
  });

  it("lets the installation's own messages through: no plan applies to the system number", async () => {
    const system = new FakeChannel('system-wa', SYSTEM_TENANT);
    // No defaultPlan and `block`: every workspace without a subscription is refused, the system number is not.
    app = await start({ before: [system.plugin()] });
    const code: OutboundMessage = {
      tenantId: SYSTEM_TENANT,
      channel: 'system-wa',
      chatId: '8801711000001',
      text: '123456 is your code',
      priority: 'system',
    };
    await app.engine.container.resolve(Tokens.Outbox).send(code);
    expect(system.sent.map((m) => m.text)).toEqual(['123456 is your code']);
    expect(await app.billing.subscriptions.get(SYSTEM_TENANT)).toBeUndefined();
    const inbound = await app.engine.handle(system.message('hi'));
    expect(inbound.reason).not.toBe('plan_blocked');
  });
});
