import { MessageLogToken } from '@smmbot/support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { A, B, type RestApp, restApp } from './helpers.js';
import { logEntry } from './seed.js';

const owner = `${A}:owner`;
const staff = `${A}:staff`;

describe('logs: GET /api/v1/logs, support status one by one and in bulk', () => {
  let app: RestApp;
  beforeEach(async () => {
    app = await restApp();
    const log = app.engine.container.resolve(MessageLogToken);
    // Jan 10, 20:00 UTC is Jan 11, 02:00 at UTC+6.
    const late = Date.UTC(2026, 0, 10, 20, 0);
    await log.record(A, logEntry(A, 1, { createdAt: late }));
    await log.record(A, logEntry(A, 2, { createdAt: late + 60_000, action: 'cancel', priority: true }));
    await log.record(A, logEntry(A, 3, { createdAt: Date.UTC(2026, 0, 12, 9, 0) }));
    await log.record(A, logEntry(A, 4, { createdAt: Date.UTC(2026, 0, 12, 10, 0), supportStatus: 'ticket created' }));
  });
  afterEach(() => app.stop());

  it('pages newest first with the total', async () => {
    const res = await app.call(staff, 'GET', '/api/v1/logs?limit=3');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 4, page: 1, limit: 3 });
    expect(body.items.map((i: { id: number }) => i.id)).toEqual([4, 3, 2]);
    expect(body.items[0]).toMatchObject({
      serial: 4,
      action: 'refill',
      order_ids: ['54004'],
      support_status: 'ticket created',
    });
    const page2 = (await app.call(staff, 'GET', '/api/v1/logs?limit=3&page=2')).json();
    expect(page2.items.map((i: { id: number }) => i.id)).toEqual([1]);
  });

  it('filters by day (in the workspace timezone), action, status and priority', async () => {
    const ids = async (query: string) =>
      (await app.call(staff, 'GET', `/api/v1/logs?${query}`)).json().items.map((i: { id: number }) => i.id);
    expect(await ids('date=2026-01-10')).toEqual([2, 1]);
    await app.call(owner, 'PATCH', '/api/v1/config', { key: 'scheduler_timezone', value: 'UTC+6' });
    expect(await ids('date=2026-01-10')).toEqual([]);
    expect(await ids('date=2026-01-11')).toEqual([2, 1]);
    expect(await ids('action=cancel')).toEqual([2]);
    expect(await ids('priority=true')).toEqual([2]);
    expect(await ids('priority=false&action=refill')).toEqual([4, 3, 1]);
    expect(await ids('status=ticket_created')).toEqual([4]);
    expect(await ids(`status=${encodeURIComponent('ticket created')}`)).toEqual([4]);
    expect(await ids('status=open&date=2026-01-12')).toEqual([3]);
  });

  it('rejects bad filters with 400', async () => {
    for (const query of ['date=2026-13-01', 'status=done', 'priority=maybe', 'limit=500', 'page=0']) {
      const res = await app.call(staff, 'GET', `/api/v1/logs?${query}`);
      expect(res.statusCode, query).toBe(400);
    }
  });

  it('sets the support status of one entry by serial; an unknown serial is a 404', async () => {
    const res = await app.call(staff, 'PATCH', '/api/v1/logs/3/support-status', { status: 'resolved' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ item: { id: 3, support_status: 'resolved' }, escalation: null });
    expect((await app.call(staff, 'PATCH', '/api/v1/logs/99/support-status', { status: 'resolved' })).statusCode).toBe(
      404,
    );
    expect((await app.call(staff, 'PATCH', '/api/v1/logs/3/support-status', { status: 'closed' })).statusCode).toBe(
      400,
    );
    expect((await app.call(staff, 'PATCH', '/api/v1/logs/abc/support-status', { status: 'open' })).statusCode).toBe(
      400,
    );
  });

  it('sets many at once and lists the serials it did not find', async () => {
    const res = await app.call(staff, 'POST', '/api/v1/logs/bulk-status', { ids: [1, 2, 2, 77], status: 'ignored' });
    expect(res.json()).toEqual({ updated: [1, 2], not_found: [77], escalation: null });
    const ignored = (await app.call(staff, 'GET', '/api/v1/logs?status=ignored')).json();
    expect(ignored.total).toBe(2);
    expect((await app.call(staff, 'POST', '/api/v1/logs/bulk-status', { ids: [], status: 'open' })).statusCode).toBe(
      400,
    );
  });

  it("escalated sends the provider order ids to the provider's group, as !resolve does", async () => {
    const created = await app.call(owner, 'POST', '/api/v1/providers', {
      name: 'smmcost.com',
      url: 'https://smmcost.com/api/v2',
      api_key: 'k-123456',
      escalation_group: { channel: 'wa-a', chat_id: 'provider-group' },
    });
    expect(created.statusCode).toBe(200);
    const log = app.engine.container.resolve(MessageLogToken);
    const entry = await log.record(A, logEntry(A, 5, { provider: 'smmcost.com', providerOrderIds: ['2323223'] }));
    const res = await app.call(staff, 'PATCH', `/api/v1/logs/${entry.serial}/support-status`, { status: 'escalated' });
    expect(res.statusCode).toBe(200);
    expect(res.json().escalation).toEqual({
      lines: ['Sent to smmcost.com: 2323223 refill'],
      problems: 0,
      provider_order_ids: ['2323223'],
    });
    const bulk = await app.call(staff, 'POST', '/api/v1/logs/bulk-status', { ids: [1], status: 'escalated' });
    // Without provider details the order is looked up on the workspace's own panel (which does not know it).
    expect(bulk.json().escalation).toMatchObject({ problems: 1, lines: ['Order #54001: provider missing'] });
    expect(app.panels[A]!.calls).toBe(1);
    expect(app.panels[B]!.calls).toBe(0);
  });
});
