import { afterEach, describe, expect, it } from 'vitest';
import { admin, adminRaw, DAY, panelDate, startSim, stopAll, type Wire } from './helpers.js';

afterEach(stopAll);

const ORDER_KEYS = [
  'actions',
  'charge',
  'created',
  'external_id',
  'id',
  'last_update',
  'link',
  'mode',
  'provider',
  'quantity',
  'remains',
  'service_id',
  'service_name',
  'start_count',
  'status',
  'user',
];

describe('Admin API v2: envelope, orders', () => {
  it('lists orders in data.list with the research field set and lower-case statuses', async () => {
    const { sim, clock } = await startSim();
    const { status, body } = await admin(sim, '/orders?user=demo&limit=50');
    expect(status).toBe(200);
    expect(body.error_code).toBe(0);
    expect(body.error_message).toBe('');
    expect(body.data.count).toBe(body.data.list.length);
    const list = body.data.list as Wire[];
    expect(list.map((o) => o.id).sort()).toEqual([1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010]);
    for (const o of list) {
      expect(Object.keys(o).sort()).toEqual(ORDER_KEYS);
      expect(o.user).toBe('demo');
      expect(Object.keys(o.charge).sort()).toEqual(['currency_code', 'formatted', 'value']);
      expect(o.charge.formatted).toBe(`$${o.charge.value}`);
      expect(o.provider).toMatch(/^smmprovider-[a-d]\.example$/);
      expect(o.external_id).toMatch(/^\d+$/);
      expect(Number.isNaN(panelDate(o.created))).toBe(false);
    }
    const statuses = new Set(list.map((o) => o.status));
    expect([...statuses].sort()).toEqual([
      'canceled',
      'completed',
      'in_progress',
      'partial',
      'pending',
      'processing',
      'refunded',
    ]);
    const pending = list.find((o) => o.id === 1004);
    expect(panelDate(pending.created)).toBe(clock.now() - 20 * 60_000);
    expect(list.find((o) => o.id === 1006)).toMatchObject({ status: 'partial', remains: 157 });
  });

  it('filters by ids, status, service, creation window and pages with limit/offset/sort', async () => {
    const { sim, clock } = await startSim();
    const ids = await admin(sim, '/orders?ids=1003,1004,99999');
    expect((ids.body.data.list as Wire[]).map((o) => o.id).sort()).toEqual([1003, 1004]);

    const done = await admin(sim, '/orders?order_status=completed&limit=1000');
    expect(done.body.data.list.length).toBeGreaterThan(3);
    expect((done.body.data.list as Wire[]).every((o) => o.status === 'completed')).toBe(true);

    const svc = await admin(sim, `/orders?service_ids=${sim.state.getOrder(1003)!.serviceId}&limit=1000`);
    expect((svc.body.data.list as Wire[]).every((o) => o.service_id === sim.state.getOrder(1003)!.serviceId)).toBe(
      true,
    );

    const from = Math.floor((clock.now() - DAY) / 1000);
    const recent = await admin(sim, `/orders?created_from=${from}&created_to=${Math.floor(clock.now() / 1000)}`);
    const recentList = recent.body.data.list as Wire[];
    expect(recentList.length).toBeGreaterThan(0);
    expect(recentList.every((o) => panelDate(o.created) >= from * 1000)).toBe(true);
    expect(recentList.map((o) => o.id)).toEqual(expect.arrayContaining([1003, 1004]));

    const desc = (await admin(sim, '/orders?limit=5&sort=date-desc')).body.data.list as Wire[];
    const asc = (await admin(sim, '/orders?limit=5&sort=date-asc')).body.data.list as Wire[];
    expect(panelDate(desc[0].created)).toBeGreaterThanOrEqual(panelDate(desc[4].created));
    expect(panelDate(asc[0].created)).toBeLessThanOrEqual(panelDate(asc[4].created));
    expect(asc[0].id).toBe(1002); // 400 days old
    const page2 = (await admin(sim, '/orders?limit=5&offset=5&sort=date-asc')).body.data;
    expect(page2.count).toBe(5);
    const ten = (await admin(sim, '/orders?limit=10&sort=date-asc')).body.data.list as Wire[];
    expect((page2.list as Wire[]).map((o) => o.id)).toEqual(ten.slice(5).map((o) => o.id));
  });

  it("counts the page by default and all matches with countMeaning 'total'", async () => {
    const { sim } = await startSim({ countMeaning: 'total' });
    const { body } = await admin(sim, '/orders?limit=3');
    expect(body.data.list).toHaveLength(3);
    expect(body.data.count).toBe(sim.state.orders.length);
  });

  it('gets one order; an unknown one is error_code ≠ 0 with order_not_found', async () => {
    const { sim } = await startSim();
    const one = await admin(sim, '/orders/1003');
    expect(one.body).toMatchObject({ error_code: 0, data: { id: 1003, status: 'in_progress', user: 'demo' } });
    const missing = await admin(sim, '/orders/424242');
    expect(missing.status).toBe(200);
    expect(missing.body.error_code).not.toBe(0);
    expect(missing.body.error_message).toBe('order_not_found');
  });

  it('rejects a missing or wrong key with HTTP 200, error_code 401, "Invalid API key"', async () => {
    const { sim } = await startSim();
    for (const key of [null, 'nope', sim.apiKey]) {
      const res = await admin(sim, '/orders', { key });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: null, error_code: 401, error_message: 'Invalid API key' });
    }
  });

  it('answers unknown endpoints with HTTP 404 and an envelope', async () => {
    const { sim } = await startSim();
    const res = await admin(sim, '/payments');
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe(404);
  });

  it('writes ISO dates with dateFormat iso', async () => {
    const { sim, clock } = await startSim({ dateFormat: 'iso' });
    const { body } = await admin(sim, '/orders/1004');
    expect(body.data.created).toBe(new Date(clock.now() - 20 * 60_000).toISOString());
  });
});

describe('Admin API v2: order writes', () => {
  it('change-status takes ids as an array or a string and answers per id', async () => {
    const { sim } = await startSim();
    const res = await admin(sim, '/orders/change-status', { body: { ids: [1004, 99999], status: 'completed' } });
    expect(res.body.error_code).toBe(0);
    expect(res.body.data.list).toEqual([
      { id: 1004, status: 'completed' },
      { id: 99999, error: 'order_not_found' },
    ]);
    expect((await admin(sim, '/orders/1004')).body.data.status).toBe('completed');
    const str = await admin(sim, '/orders/change-status', { body: { ids: '1003', status: 'processing' } });
    expect(str.body.data.list).toEqual([{ id: 1003, status: 'processing' }]);
    const bad = await admin(sim, '/orders/change-status', { body: { ids: [1003], status: 'exploded' } });
    expect(bad.body).toMatchObject({ error_code: 400, error_message: 'invalid_status' });
  });

  it('set-partial sets remains and refunds the undelivered part', async () => {
    const { sim } = await startSim();
    const before = (await admin(sim, '/orders/1001')).body.data;
    const res = await admin(sim, '/orders/1001/set-partial', { body: { remains: 100 } });
    expect(res.body.data).toMatchObject({ id: 1001, status: 'partial', remains: 100 });
    expect(Number(res.body.data.charge.value)).toBeLessThan(Number(before.charge.value));
    const bad = await admin(sim, '/orders/1001/set-partial', { body: { remains: before.quantity + 1 } });
    expect(bad.body).toMatchObject({ error_code: 400, error_message: 'invalid_remains' });
    expect((await admin(sim, '/orders/999999/set-partial', { body: { remains: 1 } })).body.error_message).toBe(
      'order_not_found',
    );
  });

  it('cancel (ids or order_ids) cancels and refunds; twice is an error', async () => {
    const { sim } = await startSim();
    const balance = async () => Number((await admin(sim, '/users?username=demo')).body.data.list[0].balance.value);
    const before = await balance();
    const charge = Number((await admin(sim, '/orders/1004')).body.data.charge.value);
    const res = await admin(sim, '/orders/cancel', { body: { ids: [1004] } });
    expect(res.body.data.list).toEqual([{ id: 1004, status: 'canceled' }]);
    expect(await balance()).toBeCloseTo(before + charge, 4);
    const alt = await admin(sim, '/orders/cancel', { body: { order_ids: [1003, 1004] } });
    expect(alt.body.data.list).toEqual([
      { id: 1003, status: 'canceled' },
      { id: 1004, error: 'cancel_not_available' },
    ]);
  });

  it('resend restarts a stuck order and refuses finished ones', async () => {
    const { sim } = await startSim();
    const res = await admin(sim, '/orders/resend', { body: { ids: [1005, 1001] } });
    expect(res.body.data.list).toEqual([
      { id: 1005, status: 'pending' },
      { id: 1001, error: 'resend_not_available' },
    ]);
    expect(sim.state.getOrder(1005)!.resends).toBe(1);
  });

  it('refill answers data.list of {id, refill_id} | {id, error}, one refill in flight per order', async () => {
    const { sim } = await startSim();
    const res = await admin(sim, '/orders/refill', { body: { ids: [1001, 1002, 1009, 424242] } });
    expect(res.body.error_code).toBe(0);
    expect(res.body.data.list).toEqual([
      { id: 1001, refill_id: expect.any(Number) },
      { id: 1002, error: 'refill_not_available' }, // 30-day window long gone
      { id: 1009, error: 'refill_not_available' }, // no-refill service
      { id: 424242, error: 'order_not_found' },
    ]);
    const again = await admin(sim, '/orders/refill', { body: { ids: [1001] } });
    expect(again.body.data.list).toEqual([{ id: 1001, error: 'refill_already_requested' }]);
    expect((await admin(sim, '/orders/1001')).body.data.actions.refill).toBe(false);
    expect((await admin(sim, '/orders/1010')).body.data.actions.refill).toBe(true);
  });
});

describe('Admin API v2: users and tickets', () => {
  it('finds a user by username; an unknown one is count 0', async () => {
    const { sim } = await startSim();
    const { body } = await admin(sim, '/users?username=Demo');
    expect(body.data.count).toBe(1);
    expect(body.data.list[0]).toMatchObject({ username: 'demo', email: 'demo@example.com', status: 'active' });
    expect(body.data.list[0].balance).toEqual({ value: '100.84292', currency_code: 'USD', formatted: '$100.84292' });
    const none = await admin(sim, '/users?username=nobody');
    expect(none.body.data).toEqual({ count: 0, list: [] });
  });

  it('lists tickets by subject and status, and gets one with its messages', async () => {
    const { sim } = await startSim();
    const { body } = await admin(sim, `/tickets?subject=${encodeURIComponent('Orders Support- AI')}&status=pending`);
    const list = body.data.list as Wire[];
    expect(list.length).toBeGreaterThan(2);
    expect(list.every((t) => t.subject === 'Orders Support- AI' && t.status === 'pending')).toBe(true);
    expect(Object.keys(list[0]).sort()).toEqual(['created', 'id', 'last_update', 'status', 'subject', 'user']);
    const texts: string[] = [];
    for (const t of list) {
      const full = await admin(sim, `/tickets/${t.id}`);
      expect(full.body.data.messages.length).toBeGreaterThan(0);
      texts.push(full.body.data.messages[0].message);
    }
    expect(texts).toContain('speedup my order 1003');
    const paged = await admin(sim, '/tickets?limit=2&offset=1');
    expect(paged.body.data.list).toHaveLength(2);
    expect((await admin(sim, '/tickets/9999')).body.error_message).toBe('ticket_not_found');
  });

  it('replies as staff (ticket becomes answered) and opens tickets for users', async () => {
    const { sim } = await startSim();
    const ticket = sim.state.ticketsFor('demo').find((t) => t.status === 'pending')!;
    const reply = await admin(sim, `/tickets/${ticket.id}/reply`, { body: { message: 'On it!', staff_name: 'Ann' } });
    expect(reply.body.error_code).toBe(0);
    expect(reply.body.data.status).toBe('answered');
    expect(reply.body.data.messages.at(-1)).toMatchObject({ sender: 'staff', author: 'Ann', message: 'On it!' });
    expect((await admin(sim, `/tickets/${ticket.id}/reply`, { body: {} })).body.error_message).toBe('invalid_message');

    const added = await admin(sim, '/tickets/add', {
      body: { username: 'bob', subject: 'Orders Support- AI', message: '1012 refill' },
    });
    expect(added.body.error_code).toBe(0);
    expect(added.body.data).toEqual({ id: expect.any(Number) });
    expect(sim.state.ticketsFor('bob').map((t) => t.id)).toContain(added.body.data.id);
    const ghost = await admin(sim, '/tickets/add', { body: { username: 'ghost', subject: 's', message: 'm' } });
    expect(ghost.body.error_message).toBe('user_not_found');
  });

  it('accepts form-encoded write bodies too', async () => {
    const { sim } = await startSim();
    const res = await adminRaw(sim, '/orders/change-status', { key: sim.adminKey });
    expect(res.status).toBe(404); // GET on a POST-only route
    expect(((await res.json()) as Wire).error_message).toBe('endpoint_not_found');
    const form = await fetch(`${sim.url}/adminapi/v2/orders/change-status`, {
      method: 'POST',
      headers: { 'X-Api-Key': sim.adminKey },
      body: new URLSearchParams({ ids: '1004', status: 'completed' }),
    });
    expect(((await form.json()) as Wire).data.list).toEqual([{ id: 1004, status: 'completed' }]);
  });
});
