import type { BotPlugin, HttpRoute } from '@smmbot/core';
import { Tokens } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { moduleOf } from '../src/index.js';
import { start } from './helpers.js';

const DAY = 86_400_000;
let app: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Routes like the REST plugin's: a marketing one and a logs one, session-guarded, answering who asked. */
function routes(name: string, prefix: string): BotPlugin {
  const route = (path: string, permission: 'dashboard.marketing' | 'dashboard.logs'): HttpRoute => ({
    method: 'GET',
    path,
    plugin: name,
    auth: { kind: 'session', permission },
    handler: (req) => ({ status: 200, body: { tenant: req.auth?.tenantId } }),
  });
  return {
    name,
    apply: ({ container }) => {
      const http = container.resolve(Tokens.Http);
      http.add(route(`/api/v1/${prefix}/marketing/messages`, 'dashboard.marketing'));
      http.add(route(`/api/v1/${prefix}/logs`, 'dashboard.logs'));
    },
  };
}

/** One plugin applied before billing (a `pre` one) and one after: both are gated. */
const before: BotPlugin = { ...routes('early-routes', 'early'), enforce: 'pre' };
const after = routes('late-routes', 'late');

describe('routes of a module the plan lacks answer 403 at the server', () => {
  it('refuses marketing routes on a plan without marketing, whichever plugin added them; others answer', async () => {
    app = await start({ before: [before], after: [after], options: { assign: { acme: 'free', globex: 'pro' } } });
    for (const prefix of ['early', 'late']) {
      const refused = await app.as('owner:acme').get(`/api/v1/${prefix}/marketing/messages`);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('E_PLAN_MODULE');
      expect(refused.body.error.message).toMatch(/your plan \(Free\) does not include the "marketing" module/);
      expect((await app.as('owner:acme').get(`/api/v1/${prefix}/logs`)).status).toBe(200);
      const allowed = await app.as('owner:globex').get(`/api/v1/${prefix}/marketing/messages`);
      expect(allowed).toEqual({ status: 200, body: { tenant: 'globex' } });
    }
  });

  it('checks the session and permission first: no session is still a 401, staff still a 403 E_FORBIDDEN', async () => {
    app = await start({ after: [after], options: { assign: { acme: 'free' } } });
    expect((await app.as().get('/api/v1/late/marketing/messages')).status).toBe(401);
    const staff = await app.as('staff:acme').get('/api/v1/late/marketing/messages');
    expect(staff.body.error.code).toBe('E_FORBIDDEN');
  });

  it('follows the plan: opens when the master moves the workspace up, closes when the period ends', async () => {
    app = await start({ after: [after], options: { assign: { acme: 'free' } } });
    const url = '/api/v1/late/marketing/messages';
    expect((await app.as('owner:acme').get(url)).status).toBe(403);
    const end = new Date(app.clock.now() + 2 * DAY).toISOString();
    const set = await app.as('master').put('/api/v1/master/billing/workspaces/acme/subscription', {
      plan_id: 'pro',
      status: 'active',
      current_period_end: end,
    });
    expect(set.status).toBe(200);
    expect((await app.as('owner:acme').get(url)).status).toBe(200);
    await app.clock.advance(2 * DAY);
    const lapsed = await app.as('owner:acme').get(url);
    expect(lapsed.status).toBe(403);
    expect(lapsed.body.error.message).toMatch(/no subscription in force \(expired\)/);
  });

  it('names the module of a route from its permission', () => {
    const route = (permission?: 'dashboard.marketing' | 'dashboard.logs'): HttpRoute => ({
      method: 'GET',
      path: '/x',
      plugin: 'p',
      auth: permission ? { kind: 'session', permission } : { kind: 'public' },
      handler: () => ({}),
    });
    expect(moduleOf(route('dashboard.marketing'))).toBe('marketing');
    expect(moduleOf(route('dashboard.logs'))).toBeUndefined();
    expect(moduleOf(route())).toBeUndefined();
  });
});
