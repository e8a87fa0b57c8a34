import { afterEach, describe, expect, it } from 'vitest';
import { classic, classicRaw, DAY, startSim, stopAll, type Wire } from './helpers.js';

afterEach(stopAll);

describe('classic SMM API v2: shapes', () => {
  it('services: the documented row shape, numbers as strings, flags as booleans', async () => {
    const { sim } = await startSim({ serviceCount: 120 });
    const rows = await classic<Wire[]>(sim, { action: 'services' });
    expect(rows).toHaveLength(120);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(
        ['cancel', 'category', 'dripfeed', 'max', 'min', 'name', 'rate', 'refill', 'service', 'type'].sort(),
      );
      expect(typeof r.service).toBe('number');
      expect(r.rate).toMatch(/^\d+\.\d{2,5}$/);
      expect(r.min).toMatch(/^\d+$/);
      expect(typeof r.refill).toBe('boolean');
    }
    expect(rows.map((r) => r.name)).toContain('Instagram Followers | Low Drop | 30 Days Refill | 100K Per Day');
  });

  it('status (one): charge/start_count/status/remains/currency, strings, title case', async () => {
    const { sim } = await startSim();
    const one = await classic(sim, { action: 'status', order: '1006' });
    expect(Object.keys(one).sort()).toEqual(['charge', 'currency', 'remains', 'start_count', 'status']);
    expect(one).toMatchObject({ status: 'Partial', remains: '157', currency: 'USD' });
    expect(one.charge).toMatch(/^\d+\.\d{2,5}$/);
    expect(typeof one.start_count).toBe('string');
    expect((await classic(sim, { action: 'status', order: '1003' })).status).toBe('In progress');
    expect(await classic(sim, { action: 'status', order: '77777' })).toEqual({ error: 'Incorrect order ID' });
  });

  it('status (many): object keyed by id, errors for unknown and foreign ids, max 100', async () => {
    const { sim } = await startSim();
    const foreign = sim.state.ordersOf('alice')[0]!.id;
    const res = await classic(sim, { action: 'status', orders: `1001,1004, 1007,77777,${foreign}` });
    expect(Object.keys(res).sort()).toEqual(['1001', '1004', '1007', '77777', String(foreign)].sort());
    expect(res['1001'].status).toBe('Completed');
    expect(res['1004'].status).toBe('Pending');
    expect(res['1007']).toMatchObject({ status: 'Canceled', charge: '0.00' });
    expect(res['77777']).toEqual({ error: 'Incorrect order ID' });
    expect(res[String(foreign)]).toEqual({ error: 'Incorrect order ID' });
    const tooMany = Array.from({ length: 101 }, (_, i) => 1001 + i).join(',');
    expect(await classic(sim, { action: 'status', orders: tooMany })).toEqual({ error: 'Incorrect request' });
  });

  it('SmartPanel flavor: bare-string errors in multi-status, served at /api/v1', async () => {
    const { sim } = await startSim({ flavor: { bareStringErrors: true, apiV1: true } });
    const res = await classic(sim, { action: 'status', orders: '1001,77777' }, 'form', '/api/v1');
    expect(res['77777']).toBe('Incorrect order ID');
    expect(res['1001'].status).toBe('Completed');
    const plain = await startSim();
    expect((await classicRaw(plain.sim, { action: 'balance' }, 'form', '/api/v1')).status).toBe(404);
  });

  it("statusCase 'lower' writes lower-case statuses", async () => {
    const { sim } = await startSim({ flavor: { statusCase: 'lower' } });
    const res = await classic(sim, { action: 'status', orders: '1003,1004,1005' });
    expect([res['1003'].status, res['1004'].status, res['1005'].status]).toEqual([
      'in progress',
      'pending',
      'processing',
    ]);
  });

  it("errorStyle 'translation-key' answers keys instead of texts", async () => {
    const { sim } = await startSim({ flavor: { errorStyle: 'translation-key' } });
    expect(await classic(sim, { action: 'status', order: '9' })).toEqual({ error: 'error.incorrect_order_id' });
    expect(await classic(sim, { action: 'add', service: '99999', link: 'x', quantity: '100' })).toEqual({
      error: 'neworder.error.incorrect_service_id',
    });
    sim.state.getUser('demo')!.deposited = 0;
    const svc = sim.state.services[0]!;
    const add = { action: 'add', service: String(svc.id), link: 'https://x.example/1', quantity: String(svc.min) };
    expect(await classic(sim, add)).toEqual({ error: 'neworder.error.not_enough_funds' });
  });

  it('answers "Incorrect request" for actions outside a reduced set (BoostPanel)', async () => {
    const { sim } = await startSim({ flavor: { actions: ['services', 'add', 'status', 'balance'] } });
    for (const action of ['refill', 'refill_status', 'cancel', 'frobnicate']) {
      expect(await classic(sim, { action, order: '1001', orders: '1001', refill: '1' })).toEqual({
        error: 'Incorrect request',
      });
    }
    expect((await classic(sim, { action: 'status', order: '1001' })).status).toBe('Completed');
  });

  it('rejects a wrong or missing key with {"error":"Invalid API key"}', async () => {
    const { sim } = await startSim();
    expect(await classic(sim, { action: 'balance', key: 'bad' })).toEqual({ error: 'Invalid API key' });
    expect(await classic(sim, { action: 'balance', key: '' })).toEqual({ error: 'Invalid API key' });
    expect(await classic(sim, { action: 'balance', key: sim.adminKey })).toEqual({ error: 'Invalid API key' });
    const alice = sim.state.getUser('alice')!;
    expect((await classic(sim, { action: 'balance', key: alice.apiKey })).currency).toBe('USD');
  });

  it('accepts form, JSON and query-string requests alike', async () => {
    const { sim } = await startSim();
    const params = { action: 'status', order: '1006' };
    const [form, jsonBody, query] = await Promise.all([
      classic(sim, params, 'form'),
      classic(sim, params, 'json'),
      classic(sim, params, 'query'),
    ]);
    expect(jsonBody).toEqual(form);
    expect(query).toEqual(form);
  });
});

describe('classic SMM API v2: add, balance, refill, cancel', () => {
  it('add places an order, charges the balance and validates input', async () => {
    const { sim } = await startSim();
    const svc = sim.state.services.find((s) => s.min <= 100 && s.max >= 1000)!;
    const before = Number((await classic(sim, { action: 'balance' })).balance);
    const add = { action: 'add', service: String(svc.id), link: 'https://www.instagram.com/p/NEW/', quantity: '1000' };
    const res = await classic(sim, add);
    expect(res).toEqual({ order: expect.any(Number) });
    const after = await classic(sim, { action: 'balance' });
    expect(after.balance).toMatch(/^\d+\.\d{2,5}$/);
    expect(Number(after.balance)).toBeCloseTo(before - svc.rate, 4);
    expect((await classic(sim, { action: 'status', order: String(res.order) })).status).toBe('Pending');
    expect(await classic(sim, add)).toEqual({
      error: 'You have active order with this link. Please wait until order being complete.',
    });
    expect(await classic(sim, { ...add, quantity: '1' })).toEqual({ error: 'Quantity less than minimal' });
    expect(await classic(sim, { ...add, service: '0' })).toEqual({ error: 'Incorrect service ID' });
    expect(await classic(sim, { ...add, link: ' ' })).toEqual({ error: 'Incorrect link' });
  });

  it('refill (one) returns a string id; refill (many) an array; one refill in flight per order', async () => {
    const { sim } = await startSim();
    const one = await classic(sim, { action: 'refill', order: '1001' });
    expect(one).toEqual({ refill: expect.stringMatching(/^\d+$/) });
    expect(await classic(sim, { action: 'refill', order: '1001' })).toEqual({
      error: 'Refill request already exists for this order.',
    });
    const many = await classic(sim, { action: 'refill', orders: '1010,1002,1004,77777' });
    expect(many).toEqual([
      { order: 1010, refill: expect.any(Number) },
      { order: 1002, refill: { error: 'Order not eligible for refill.' } },
      { order: 1004, refill: { error: 'Order not eligible for refill.' } },
      { order: 77777, refill: { error: 'Incorrect order ID' } },
    ]);
  });

  it('refill_status (one/many) moves from Pending to a final status on the clock', async () => {
    const { sim, clock } = await startSim();
    const { refill } = await classic(sim, { action: 'refill', order: '1001' });
    expect(await classic(sim, { action: 'refill_status', refill })).toEqual({ status: 'Pending' });
    await clock.advance(2 * DAY);
    const final = await classic(sim, { action: 'refill_status', refill });
    expect(['Completed', 'Rejected']).toContain(final.status);
    const many = await classic(sim, { action: 'refill_status', refills: `${refill},999` });
    expect(many).toEqual([
      { refill: Number(refill), status: final.status },
      { refill: 999, status: { error: 'Refill not found' } },
    ]);
    // After the first refill finished, a new one may be requested.
    expect(await classic(sim, { action: 'refill', order: '1001' })).toEqual({ refill: expect.any(String) });
  });

  it('cancel answers [{order, cancel: 1 | {error}}] and refunds', async () => {
    const { sim } = await startSim();
    const svc = sim.state.services.find((s) => s.cancel)!;
    const noCancel = sim.state.services.find((s) => !s.cancel)!;
    const a = sim.state.addOrder({ user: 'demo', serviceId: svc.id, quantity: svc.min, startDelayMs: DAY });
    const b = sim.state.addOrder({ user: 'demo', serviceId: noCancel.id, quantity: noCancel.min });
    const res = await classic(sim, { action: 'cancel', orders: `${a.id},${b.id},1001,77777` });
    expect(res).toEqual([
      { order: a.id, cancel: 1 },
      { order: b.id, cancel: { error: 'Order not eligible for cancel.' } },
      { order: 1001, cancel: { error: 'Order not eligible for cancel.' } },
      { order: 77777, cancel: { error: 'Incorrect order ID' } },
    ]);
    expect((await classic(sim, { action: 'status', order: String(a.id) })).status).toBe('Canceled');
  });
});
