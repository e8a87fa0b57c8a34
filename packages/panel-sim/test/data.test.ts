import { VirtualClock } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPanelSim, REAL_SERVICE_NAMES } from '../src/index.js';
import { admin, classic, DAY, HOUR, panelDate, startSim, stopAll } from './helpers.js';

afterEach(stopAll);

describe('orders progress on the sim clock', () => {
  it('pending and in-progress orders complete when a VirtualClock advances days', async () => {
    const { sim, clock } = await startSim();
    expect((await admin(sim, '/orders/1004')).body.data.status).toBe('pending');
    const first = (await admin(sim, '/orders/1003')).body.data;
    expect(first.status).toBe('in_progress');

    await clock.advance(4 * HOUR);
    const later = (await admin(sim, '/orders/1003')).body.data;
    expect(later.status).toBe('in_progress');
    expect(later.remains).toBeLessThan(first.remains);
    expect((await admin(sim, '/orders/1004')).body.data.status).toBe('in_progress');

    await clock.advance(3 * DAY);
    for (const id of ['1003', '1004']) {
      const o = (await admin(sim, `/orders/${id}`)).body.data;
      expect(o).toMatchObject({ status: 'completed', remains: 0 });
      expect(panelDate(o.last_update)).toBeLessThanOrEqual(clock.now());
      expect(panelDate(o.last_update)).toBeGreaterThan(panelDate(o.created));
      expect((await classic(sim, { action: 'status', order: id })).status).toBe('Completed');
    }
    // Hand-set statuses stay where they were put.
    const frozen = await classic(sim, { action: 'status', orders: '1005,1007,1008' });
    expect([frozen['1005'].status, frozen['1007'].status, frozen['1008'].status]).toEqual([
      'Processing',
      'Canceled',
      'Refunded',
    ]);
  });

  it('a new order goes pending → in progress → completed or partial, and never moves without the clock', async () => {
    const { sim, clock } = await startSim();
    const order = sim.state.addOrder({ user: 'alice', startDelayMs: HOUR, durationMs: 10 * HOUR });
    expect(sim.state.view(order).status).toBe('pending');
    expect(sim.state.view(order).startCount).toBe(0);
    await clock.advance(2 * HOUR);
    expect(sim.state.view(order).status).toBe('in_progress');
    await clock.advance(10 * HOUR);
    const done = sim.state.view(order);
    expect(['completed', 'partial']).toContain(done.status);
    expect(done.lastUpdate).toBe(order.created + 11 * HOUR);
    const partial = sim.state.addOrder({
      user: 'alice',
      startDelayMs: 0,
      durationMs: HOUR,
      outcome: 'partial',
      partialRemains: 7,
    });
    await clock.advance(2 * HOUR);
    expect(sim.state.view(partial)).toMatchObject({ status: 'partial', remains: 7 });
  });

  it('partial refunds raise the balance as time passes', async () => {
    const { sim, clock } = await startSim();
    const order = sim.state.addOrder({
      user: 'demo',
      quantity: 1000,
      startDelayMs: 0,
      durationMs: HOUR,
      outcome: 'partial',
      partialRemains: 500,
    });
    const before = sim.state.balanceOf('demo');
    await clock.advance(2 * HOUR);
    expect(sim.state.balanceOf('demo')).toBeCloseTo(before + order.price / 2, 4);
  });
});

describe('seeded data', () => {
  it('has demo with orders 1001–1010 and named users with their own orders', async () => {
    const { sim } = await startSim();
    const users = sim.state.users.map((u) => u.username);
    expect(users.slice(0, 4)).toEqual(['demo', 'alice', 'bob', 'carol']);
    expect(sim.state.ordersOf('demo').map((o) => o.id)).toEqual([
      1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010,
    ]);
    expect(sim.state.ordersOf('alice').length).toBeGreaterThan(0);
    expect(sim.state.orders).toHaveLength(200);
    expect(sim.state.orders.every((o) => o.provider.endsWith('.example') && /^\d+$/.test(o.externalId))).toBe(true);
    expect(sim.state.providers.map((p) => p.domain)).toEqual([
      'smmprovider-a.example',
      'smmprovider-b.example',
      'smmprovider-c.example',
      'smmprovider-d.example',
    ]);
  });

  it('names services like real panels: the real names plus refill/lifetime/no-refill/start variants', async () => {
    const { sim } = await startSim();
    const names = sim.state.services.map((s) => s.name);
    expect(names).toHaveLength(300);
    expect(names.slice(0, REAL_SERVICE_NAMES.length)).toEqual(REAL_SERVICE_NAMES.map((r) => r[0]));
    const generated = sim.state.services.filter((s) => !s.real);
    expect(generated.some((s) => typeof s.promisedRefill === 'number')).toBe(true);
    expect(generated.some((s) => s.promisedRefill === 'lifetime')).toBe(true);
    expect(generated.some((s) => s.promisedRefill === 'none')).toBe(true);
    expect(generated.some((s) => /start/i.test(s.name))).toBe(true);
    expect(new Set(sim.state.services.map((s) => s.id)).size).toBe(300);
  });

  it('seeds tickets with messages, including "Orders Support- AI" ones', async () => {
    const { sim } = await startSim();
    const demo = sim.state.ticketsFor('demo');
    const texts = demo.map((t) => t.messages[0]?.message);
    expect(texts).toContain('speedup my order 1003');
    expect(demo.some((t) => t.subject === 'Orders Support- AI')).toBe(true);
    expect(demo.some((t) => t.subject !== 'Orders Support- AI')).toBe(true);
    const alice = sim.state.ticketsFor('alice')[0]!;
    const [a, b] = sim.state.ordersOf('alice');
    expect(alice.messages[0]!.message).toBe(`${a!.id},${b!.id} refill`);
    expect(sim.state.tickets.some((t) => t.messages.some((m) => m.sender === 'staff'))).toBe(true);
  });

  it('is deterministic: the same seed and start give the same panel, another seed does not', () => {
    const start = Date.UTC(2026, 2, 1);
    const snapshot = (seed: number | string) => {
      const sim = createPanelSim({ seed, clock: new VirtualClock(start) });
      const { state } = sim;
      return JSON.stringify({ s: state.services, u: state.users, o: state.orders, t: state.tickets });
    };
    expect(snapshot(42)).toBe(snapshot(42));
    expect(snapshot('shop-a')).toBe(snapshot('shop-a'));
    expect(snapshot(42)).not.toBe(snapshot(43));
  });

  it('respects serviceCount, userCount and orderCount', async () => {
    const { sim } = await startSim({ serviceCount: 80, userCount: 3, orderCount: 30 });
    expect(sim.state.services).toHaveLength(80);
    expect(sim.state.users.map((u) => u.username)).toEqual(['demo', 'alice', 'bob']);
    expect(sim.state.orders).toHaveLength(30);
  });
});
