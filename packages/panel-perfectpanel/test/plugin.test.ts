import { ConfigError, createEngine, ResilientPanel, Tokens } from '@smmbot/core';
import { memoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import perfectPanel, { PerfectPanelAdmin, probePanel } from '../src/index.js';
import { ADMIN_KEY, fail, list, makeAdmin, ok, orderRow, USER_KEY } from './helpers.js';

describe('probe', () => {
  it('calls GET endpoints and reports POST ones as declared but unverified', async () => {
    const { admin, seen } = makeAdmin((req) => {
      if (req.method !== 'GET') return ok(null);
      if (req.path === '/orders') return list([orderRow(1001)]);
      if (req.path === '/orders/1001') return ok(orderRow(1001));
      if (req.path === '/users') return list([{ id: 1, username: 'demo' }]);
      if (req.path === '/tickets') return fail(404, 'endpoint_not_found', 404);
      return undefined;
    });
    const report = new Map((await admin.probe()).map((r) => [r.capability, r]));
    expect(seen.every((r) => r.method === 'GET')).toBe(true);
    expect(report.get('connection')?.status).toBe('ok');
    expect(report.get('orders.get')).toMatchObject({ status: 'ok' });
    expect(report.get('orders.byUser')?.status).toBe('ok');
    expect(report.get('users.get')?.status).toBe('ok');
    expect(report.get('tickets.list')?.status).toBe('unsupported');
    expect(report.get('orders.refill')).toMatchObject({ status: 'unverified', detail: expect.stringMatching(/guess/) });
    expect(report.get('orders.cancel')).toMatchObject({
      status: 'unverified',
      detail: expect.stringMatching(/inferred/),
    });
    expect(report.get('services')).toMatchObject({
      status: 'unsupported',
      detail: expect.stringMatching(/servicesApiKey/),
    });
  });

  it('reports a refused key on the connection line and checks nothing else', async () => {
    const { admin, seen } = makeAdmin(() => fail(401, 'Invalid API key'));
    const report = await admin.probe();
    expect(report[0]).toMatchObject({ capability: 'connection', status: 'unverified' });
    expect(report[0]?.detail).toMatch(/key was refused/);
    expect(report.slice(1).every((r) => r.detail === 'not checked')).toBe(true);
    expect(seen).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('never writes the admin key or the services key to logs or errors', async () => {
    const { admin, logs } = makeAdmin(
      (req) => (req.path === '/orders' ? { status: 503, text: 'down' } : fail(401, 'Invalid API key')),
      { servicesApiKey: USER_KEY, retries: 1 },
    );
    const errors = await Promise.all([
      admin.getOrders(['1']).catch((e: unknown) => e),
      admin.refill(['1']).catch((e: unknown) => e),
      admin.services().catch((e: unknown) => e),
      admin.probe(),
    ]);
    const text =
      logs.lines.join('\n') + JSON.stringify(errors, Object.getOwnPropertyNames(new Error()).concat('details'));
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(ADMIN_KEY);
    expect(text).not.toContain(USER_KEY);
  });

  it('does not echo a mistyped key in option errors', () => {
    let err: unknown;
    try {
      perfectPanel({ url: 'https://panel.example', adminKey: 12345678901234 as unknown as string });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/adminKey: expected the admin API key/);
    expect((err as ConfigError).message).not.toContain('12345678901234');
  });
});

describe('plugin', () => {
  it('validates options', () => {
    expect(() => perfectPanel({ url: 'ftp://x', adminKey: 'k' })).toThrow(/url/);
    expect(() => perfectPanel({ url: 'https://p.io', adminKey: 'k', paths: { refil: '/x' } as never })).toThrow(
      ConfigError,
    );
    expect(() => perfectPanel({ url: 'https://p.io', adminKey: 'k', bodies: { idsFormat: 'json' as 'csv' } })).toThrow(
      /idsFormat/,
    );
  });

  it('registers Tokens.Panel as a ResilientPanel over PerfectPanelAdmin, once per registration', async () => {
    const plugins = perfectPanel({ url: 'https://p.io/adminapi/v2/', adminKey: ADMIN_KEY, servicesApiKey: USER_KEY });
    const engine = createEngine({ plugins: [memoryStorage(), plugins] });
    await engine.start();
    const panel = engine.forTenant('default').resolve(Tokens.Panel);
    expect(panel).toBeInstanceOf(ResilientPanel);
    expect((panel as ResilientPanel).inner).toBeInstanceOf(PerfectPanelAdmin);
    expect(panel.name).toBe('p.io');
    expect(panel.capabilities.has('services')).toBe(true);
    expect(engine.forTenant('default').resolve(Tokens.Panel)).toBe(panel);
    expect(typeof probePanel).toBe('function');
    await engine.stop();
  });

  it('keeps idempotency records under the tenant the host binds it to', async () => {
    // What the host does for `tenants[].panel`: the plugin object gets `tenant` and a name of its own.
    const plugins = perfectPanel({ url: 'https://p.io', adminKey: ADMIN_KEY }).map((p) => ({
      ...p,
      name: `${p.name}@shop`,
      tenant: 'shop',
    }));
    const engine = createEngine({ tenants: ['shop'], plugins: [memoryStorage(), plugins] });
    await engine.start();
    const panel = engine.forTenant('shop').resolve(Tokens.Panel) as ResilientPanel;
    expect((panel as unknown as { options: { tenant: string } }).options.tenant).toBe('shop');
    await engine.stop();
  });
});
