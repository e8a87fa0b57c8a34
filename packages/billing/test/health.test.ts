import { type BotPlugin, type LinkStatus, type PanelClient, Tokens } from '@smmbot/core';
import { FakeChannel, FakePanel } from '@smmbot/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { safeMessage } from '../src/index.js';
import { start } from './helpers.js';

let app: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

class PhoneChannel extends FakeChannel {
  state: LinkStatus['state'] = 'connected';
  link(): LinkStatus {
    return { state: this.state, reason: this.state === 'connected' ? undefined : 'closed: token=abc123' };
  }
}

/** A panel whose ping never answers. */
class HangingPanel extends FakePanel {
  ping(): Promise<void> {
    return new Promise<void>(() => undefined);
  }
}

const tenantPanel = (tenant: string, panel: PanelClient): BotPlugin => ({
  name: `panel@${tenant}`,
  tenant,
  register: (c) => c.register(Tokens.Panel, { useValue: panel }),
});

/** A command tap that fails with a secret in its message and a stack-looking second line. */
const thrower: BotPlugin = {
  name: 'thrower',
  apply: ({ hooks }) =>
    hooks.command.for('unknown').tap('boom', () => {
      throw new Error('GET https://panel.example/api/v2?key=SECRET123&x=1 failed\n    at call (panel.js:1:1)');
    }),
};

async function setup(wire: boolean) {
  const web = new FakeChannel('web', 'acme');
  const wa = new PhoneChannel('wa', 'acme');
  const gweb = new FakeChannel('gweb', 'globex');
  app = await start({
    before: [
      web.plugin(),
      wa.plugin(),
      gweb.plugin(),
      tenantPanel('acme', new FakePanel()),
      tenantPanel('globex', new HangingPanel()),
    ],
    after: [thrower],
    options: {
      assign: { acme: 'pro', globex: 'free' },
      channelMediums: { web: 'webchat', wa: 'whatsapp', gweb: 'webchat' },
      errorsPerTenant: 2,
      panelCheck: { timeoutMs: 2000, cacheMs: 60_000 },
      ...(wire ? { tenantServices: (t: string) => servicesOf(t) } : {}),
    },
  });
  const servicesOf = (t: string) => {
    const c = app!.engine.forTenant(t);
    return { has: (tok: symbol) => c.isRegistered(tok as never, true), resolve: <T>(tok: never) => c.resolve<T>(tok) };
  };
  return { web, wa, gweb };
}

/** The master's health report; advances the clock past the panel timeout while it is pending. */
async function report() {
  const pending = app!.as('master').get('/api/v1/master/billing/health');
  await app!.clock.advance(2000);
  const res = await pending;
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.workspaces.map((w: { workspace: string }) => [w.workspace, w]));
}

describe('runtime health of every workspace', () => {
  it('reports subscription, channel links, panel reachability and last errors per workspace', async () => {
    const ch = await setup(true);
    ch.wa.state = 'logged_out';
    for (let i = 0; i < 3; i++) await app!.engine.handle(ch.web.message(`what ${i}`));
    const health = await report();

    expect(health.acme.subscription).toMatchObject({ status: 'active', plan_id: 'pro', blocked: false });
    expect(health.acme.channels).toEqual([
      { name: 'web', medium: 'webchat', state: 'n/a', allowed: true },
      { name: 'wa', medium: 'whatsapp', state: 'logged_out', reason: 'closed: token=***', allowed: true },
    ]);
    expect(health.acme.panel).toMatchObject({ state: 'ok', latency_ms: 0 });
    expect(health.acme.errors).toHaveLength(2); // errorsPerTenant
    const error = health.acme.errors[0];
    expect(error).toMatchObject({ code: 'E_PLUGIN_HOOK', plugin: 'thrower', hook: 'command:unknown', channel: 'web' });
    expect(error.message).toContain('key=***');
    expect(JSON.stringify(health)).not.toContain('SECRET123');
    expect(JSON.stringify(health)).not.toContain('panel.js');
    expect(health.acme.healthy).toBe(false);

    expect(health.globex.panel).toMatchObject({ state: 'timeout', latency_ms: 2000 });
    expect(health.globex.errors).toEqual([]);
    expect(health.globex.channels).toEqual([{ name: 'gweb', medium: 'webchat', state: 'n/a', allowed: true }]);

    ch.wa.state = 'connected';
    const again = await report();
    expect(again.acme.healthy).toBe(true);
    expect(again.globex.panel.state).toBe('timeout'); // cached
  });

  it('without the host’s wiring, finds a workspace’s panel from its turns', async () => {
    const ch = await setup(false);
    expect((await report()).acme.panel.state).toBe('not_configured');
    await app!.engine.handle(ch.web.message('help'));
    await app!.clock.advance(60_000);
    expect((await report()).acme.panel.state).toBe('ok');
  });

  it('is for the master only', async () => {
    await setup(true);
    expect((await app!.as('owner:acme').get('/api/v1/master/billing/health')).status).toBe(403);
    expect((await app!.as().get('/api/v1/master/billing/health')).status).toBe(401);
  });
});

describe('safeMessage', () => {
  it('keeps the first line and masks secrets', () => {
    expect(safeMessage('Authorization: Bearer abc.def-ghi failed\n    at x')).toBe('Authorization: Bearer *** failed');
    expect(safeMessage('stripe said sk_test_123abc is invalid')).toBe('stripe said sk_*** is invalid');
    expect(safeMessage('{"apiKey":"zzz","ok":1}')).toBe('{"apiKey":***,"ok":1}');
    expect(safeMessage('x'.repeat(500))).toHaveLength(200);
  });
});
