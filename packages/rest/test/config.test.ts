import { PanelError, Tokens } from '@smmbot/core';
import { MarketingScheduleToken, TICKET_JOB_ID } from '@smmbot/support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { A, B, type RestApp, restApp } from './helpers.js';

const owner = `${A}:owner`;
type Item = { key: string; value: unknown; is_set: boolean; secret: boolean; tab: string };

describe('config: GET/PATCH /api/v1/config, ticket webhook, validate panel', () => {
  let app: RestApp;
  beforeEach(async () => {
    app = await restApp();
  });
  afterEach(() => app.stop());

  it('lists every bot_config key with its tab, kind and value', async () => {
    const res = await app.call(owner, 'GET', '/api/v1/config');
    expect(res.statusCode).toBe(200);
    const items: Item[] = res.json().items;
    expect(items.find((i) => i.key === 'chat_mode')).toMatchObject({
      value: 'manual',
      kind: 'enum',
      allowed_values: ['manual', 'ai', 'custom'],
      tab: 'general',
    });
    expect(items.find((i) => i.key === 'marketing_interval_hours')).toMatchObject({ value: 4, tab: 'marketing' });
    expect(items.find((i) => i.key === 'panel_api_key')).toMatchObject({ value: null, is_set: false, secret: true });
  });

  it('sets a key like !config set, and the next message uses it (live reload)', async () => {
    await app.say(A, 'c1', 'hi');
    const res = await app.call(owner, 'PATCH', '/api/v1/config', { key: 'Support-Enabled', value: 'off' });
    expect(res.statusCode).toBe(200);
    expect(res.json().item).toMatchObject({ key: 'support_enabled', value: false });
    const config = app.engine.container.resolve(Tokens.TenantConfig);
    expect((await config.get(A)).support_enabled).toBe(false);
    expect((await config.get(B)).support_enabled).toBe(true);
    // The next customer message is dropped (support off): no new log line.
    const before = (await app.call(owner, 'GET', '/api/v1/logs')).json().total;
    await app.say(A, 'c1', 'order 1001');
    expect((await app.call(owner, 'GET', '/api/v1/logs')).json().total).toBe(before);
    // Typed JSON values work too; null resets to the default.
    await app.call(owner, 'PATCH', '/api/v1/config', { key: 'cooldown_seconds', value: 60 });
    expect((await config.get(A)).cooldown_seconds).toBe(60);
    await app.call(owner, 'PATCH', '/api/v1/config', { key: 'cooldown_seconds', value: null });
    expect((await config.get(A)).cooldown_seconds).toBe(3600);
  });

  it('re-plans the marketing schedule when its interval changes', async () => {
    const schedule = app.engine.container.resolve(MarketingScheduleToken);
    const first = schedule.nextRunAt(A)!;
    const res = await app.call(owner, 'PATCH', '/api/v1/config', { key: 'marketing_interval_hours', value: '1' });
    expect(res.json().rescheduled).toEqual(['marketing']);
    expect(schedule.nextRunAt(A)!).toBeLessThan(first);
    const same = await app.call(owner, 'PATCH', '/api/v1/config', { key: 'marketing_interval_hours', value: '1' });
    expect(same.json().rescheduled).toEqual([]);
  });

  it('starts, re-plans and stops Ticket AI polling when its settings change', async () => {
    const scheduler = app.engine.container.resolve(Tokens.Scheduler);
    const ticketJob = () => scheduler.nextRuns().find((r) => r.jobId === TICKET_JOB_ID && r.tenantId === A);
    expect(ticketJob()).toBeUndefined();
    const on = await app.call(owner, 'PATCH', '/api/v1/config', { key: 'ticket_ai_enabled', value: true });
    expect(on.json().rescheduled).toEqual(['ticket-ai']);
    expect(ticketJob()!.at - Date.now()).toBeLessThanOrEqual(60_000);
    await app.call(owner, 'PATCH', '/api/v1/config', { key: 'ticket_poll_interval', value: 600 });
    expect(ticketJob()!.at - Date.now()).toBeGreaterThan(60_000);
    const off = await app.call(owner, 'PATCH', '/api/v1/config', { key: 'ticket_ai_enabled', value: false });
    expect(off.json().rescheduled).toEqual(['ticket-ai']);
    expect(ticketJob()).toBeUndefined();
    expect(scheduler.nextRuns().some((r) => r.jobId === TICKET_JOB_ID && r.tenantId === B)).toBe(false);
  });

  it('stores secrets sealed and never reads them back', async () => {
    const res = await app.call(owner, 'PATCH', '/api/v1/config', { key: 'panel_api_key', value: 'super-secret-key' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('super-secret-key');
    expect(res.json().item).toMatchObject({ value: null, is_set: true });
    const list = await app.call(owner, 'GET', '/api/v1/config');
    expect(list.body).not.toContain('super-secret-key');
    const stored = await app.engine.container.resolve(Tokens.Kv).get<Record<string, string>>(A, 'bot_config');
    expect(stored?.panel_api_key).toMatch(/^v1\./);
  });

  it('refuses unknown keys and bad values with 400 and the reason', async () => {
    const unknown = await app.call(owner, 'PATCH', '/api/v1/config', { key: 'chat_mod', value: 'ai' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/did you mean chat_mode/);
    const bad = await app.call(owner, 'PATCH', '/api/v1/config', { key: 'scheduler_timezone', value: 'Asia/Dhaka' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0]).toMatch(/UTC offset/);
    const secret = await app.call(owner, 'PATCH', '/api/v1/config', { key: 'ai_api_key', value: 'two words' });
    expect(secret.statusCode).toBe(400);
    expect(secret.body).not.toContain('two words');
    expect((await app.call(owner, 'PATCH', '/api/v1/config', { key: 'chat_mode' })).statusCode).toBe(400);
  });

  it('regenerates the ticket webhook key: shown once, stored sealed, reported as set', async () => {
    const info = await app.call(owner, 'GET', '/api/v1/config/ticket-webhook-info');
    expect(info.json()).toMatchObject({ delivery: 'polling', key_set: false, poll_interval_seconds: 60 });
    const first = (await app.call(owner, 'POST', '/api/v1/config/regenerate-webhook-key')).json();
    expect(first.key).toMatch(/^twk_[\w-]{32}$/);
    const second = (await app.call(owner, 'POST', '/api/v1/config/regenerate-webhook-key')).json();
    expect(second.key).not.toBe(first.key);
    const after = await app.call(owner, 'GET', '/api/v1/config/ticket-webhook-info');
    expect(after.json().key_set).toBe(true);
    expect(after.body).not.toContain(second.key);
    expect((await app.engine.container.resolve(Tokens.TenantConfig).get(A)).ticket_webhook_key).toBe(second.key);
    expect((await app.call(`${B}:owner`, 'GET', '/api/v1/config/ticket-webhook-info')).json().key_set).toBe(false);
  });

  it("checks the workspace's own panel: reachable, key, capabilities", async () => {
    const ok = await app.call(owner, 'POST', '/api/v1/config/validate-panel');
    expect(ok.json()).toMatchObject({
      configured: true,
      reachable: true,
      key_valid: true,
      capabilities: ['orders.get', 'users.get'],
      error: null,
    });
    expect(app.panels[A]!.calls).toBe(1);
    expect(app.panels[B]!.calls).toBe(0);
    app.panels[A]!.failWith = new PanelError('unauthorized', 'HTTP 401');
    const refused = (await app.call(owner, 'POST', '/api/v1/config/validate-panel')).json();
    expect(refused).toMatchObject({ reachable: true, key_valid: false, error: { kind: 'unauthorized' } });
    app.panels[A]!.failWith = new PanelError('timeout', 'no answer in 5000 ms');
    const down = (await app.call(owner, 'POST', '/api/v1/config/validate-panel')).json();
    expect(down).toMatchObject({ reachable: false, key_valid: null, error: { kind: 'timeout' } });
  });
});
