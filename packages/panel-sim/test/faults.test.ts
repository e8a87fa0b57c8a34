import { SystemClock } from '@smmbot/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { admin, adminRaw, classic, classicRaw, startSim, stopAll, type Wire } from './helpers.js';

afterEach(stopAll);

/** Lets the event loop run until `check` holds (no timers involved). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}

describe('faults', () => {
  it('5xx hits only its route, `times` times, then removes itself', async () => {
    const { sim } = await startSim();
    const fault = sim.faults.add({ route: 'GET /adminapi/v2/orders/:id', kind: '5xx', times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await adminRaw(sim, '/orders/1001');
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toContain('503');
      expect((await admin(sim, '/orders')).body.error_code).toBe(0); // other route unaffected
    }
    expect(sim.faults.list().find((f) => f.id === fault.id)).toBeUndefined();
    expect((await admin(sim, '/orders/1001')).body.data.id).toBe(1001);
  });

  it('5xx with status 502, counted hits while active', async () => {
    const { sim } = await startSim();
    sim.faults.add({ route: '*', kind: '5xx', status: 502 });
    expect((await classicRaw(sim, { action: 'balance' })).status).toBe(502);
    expect((await adminRaw(sim, '/users')).status).toBe(502);
    expect(sim.faults.list()[0]!.hits).toBe(2);
    sim.faults.clear();
    expect((await classicRaw(sim, { action: 'balance' })).status).toBe(200);
  });

  it('429 sends Retry-After (default 30, configurable)', async () => {
    const { sim } = await startSim();
    sim.faults.add({ route: 'action:status', kind: '429', times: 1 });
    sim.faults.add({ route: 'action:balance', kind: '429', retryAfter: 5, times: 1 });
    const a = await classicRaw(sim, { action: 'status', order: '1001' });
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('30');
    const b = await classicRaw(sim, { action: 'balance' });
    expect(b.headers.get('retry-after')).toBe('5');
    expect((await classic(sim, { action: 'status', order: '1001' })).status).toBe('Completed');
  });

  it('html returns a Cloudflare page with 403 by default or 200', async () => {
    const { sim } = await startSim();
    sim.faults.add({ route: '/adminapi/v2/orders', kind: 'html', times: 1 });
    sim.faults.add({ route: 'GET /adminapi/v2/orders', kind: 'html', status: 200, times: 1 });
    for (const status of [403, 200]) {
      const res = await adminRaw(sim, '/orders');
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const body = await res.text();
      expect(body.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(body).toContain('Attention Required! | Cloudflare');
    }
  });

  it('malformed sends truncated JSON labelled application/json', async () => {
    const { sim } = await startSim();
    sim.faults.add({ route: 'action:status', kind: 'malformed', times: 1 });
    const res = await classicRaw(sim, { action: 'status', orders: '1001,1002' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.text();
    expect(body.startsWith('{"1001":')).toBe(true);
    expect(() => JSON.parse(body)).toThrow();
  });

  it('wrong-key answers as if the key were invalid, on both APIs', async () => {
    const { sim } = await startSim();
    sim.faults.add({ route: 'action:balance', kind: 'wrong-key' });
    sim.faults.add({ route: 'GET /adminapi/v2/users', kind: 'wrong-key', times: 1 });
    expect(await classic(sim, { action: 'balance' })).toEqual({ error: 'Invalid API key' });
    expect((await classic(sim, { action: 'status', order: '1001' })).status).toBe('Completed');
    expect((await admin(sim, '/users')).body).toEqual({
      data: null,
      error_code: 401,
      error_message: 'Invalid API key',
    });
    expect((await admin(sim, '/users')).body.error_code).toBe(0);
  });

  it('latency waits on the sim clock: a VirtualClock must be advanced', async () => {
    const { sim, clock } = await startSim();
    sim.faults.add({ route: 'GET /adminapi/v2/orders/:id', kind: 'latency', ms: 5000 });
    let settled = false;
    const pending = admin(sim, '/orders/1001').then((r) => {
      settled = true;
      return r;
    });
    await until(() => clock.pending > 0);
    await clock.advance(4999);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect((await pending).body.data.id).toBe(1001);
  });

  it('latency on a SystemClock is a real delay', async () => {
    const { sim } = await startSim({ clock: new SystemClock() });
    sim.faults.add({ route: 'action:balance', kind: 'latency', ms: 120, times: 1 });
    const t0 = performance.now();
    expect((await classic(sim, { action: 'balance' })).currency).toBe('USD');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it('hang keeps the request open until the client aborts', async () => {
    const { sim } = await startSim();
    sim.faults.add({ route: 'GET /adminapi/v2/orders/:id', kind: 'hang', times: 1 });
    const controller = new AbortController();
    let outcome = 'pending';
    const req = adminRaw(sim, '/orders/1001', { signal: controller.signal }).then(
      () => {
        outcome = 'resolved';
      },
      (e: Error) => {
        outcome = e.name;
      },
    );
    await new Promise((r) => setTimeout(r, 250)); // real wait: the one place a sleep is the point
    expect(outcome).toBe('pending');
    expect(sim.hanging).toBe(1);
    controller.abort();
    await req;
    expect(outcome).toBe('AbortError');
    await vi.waitFor(() => expect(sim.hanging).toBe(0));
    expect((await admin(sim, '/orders/1001')).body.data.id).toBe(1001); // times: 1 used up
  });

  it('stop() ends hung requests', async () => {
    const { sim } = await startSim();
    sim.faults.add({ route: 'action:status', kind: 'hang' });
    const req = classicRaw(sim, { action: 'status', order: '1001' });
    await until(() => sim.hanging === 1);
    await sim.stop();
    await expect(req).rejects.toThrow();
  });

  it('latency stacks with another fault; the first non-latency fault wins', async () => {
    const { sim, clock } = await startSim();
    sim.faults.add({ route: '*', kind: 'latency', ms: 100, times: 1 });
    sim.faults.add({ route: 'action:status', kind: '5xx', status: 500, times: 1 });
    sim.faults.add({ route: 'action:status', kind: '429', times: 1 });
    const pending = classicRaw(sim, { action: 'status', order: '1001' });
    await until(() => clock.pending > 0);
    await clock.advance(100);
    expect((await pending).status).toBe(500);
    expect((await classicRaw(sim, { action: 'status', order: '1001' })).status).toBe(429);
    expect(sim.faults.list()).toEqual([]);
  });

  it('rejects invalid faults', async () => {
    const { sim } = await startSim();
    expect(() => sim.faults.add({ route: '*', kind: 'boom' as never })).toThrow(/kind/);
    expect(() => sim.faults.add({ route: '', kind: 'hang' })).toThrow(/route/);
    expect(() => sim.faults.add({ route: '*', kind: '5xx', status: 404 })).toThrow(/500/);
    expect(() => sim.faults.add({ route: '*', kind: 'hang', times: 0 })).toThrow(/times/);
  });
});

describe('fault and state API over HTTP', () => {
  it('POST/GET/DELETE /__sim/faults and GET /__sim/state', async () => {
    const { sim } = await startSim();
    const post = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      body: JSON.stringify([
        { route: 'action:status', kind: '5xx', times: 1 },
        { route: 'get /adminapi/v2/orders/:id/', kind: '429' },
      ]),
    });
    expect(post.status).toBe(200);
    const added = ((await post.json()) as Wire).faults;
    expect(added.map((f: Wire) => f.route)).toEqual(['action:status', 'GET /adminapi/v2/orders/:id']);
    expect((await classicRaw(sim, { action: 'status', order: '1001' })).status).toBe(503);
    expect((await adminRaw(sim, '/orders/1001')).status).toBe(429);

    const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as Wire;
    expect(state).toMatchObject({ apiKey: sim.apiKey, adminKey: sim.adminKey, services: 300, orders: 200 });
    expect(state.faults).toHaveLength(1);
    expect(state.requests.byRoute).toEqual({ 'action:status': 1, 'GET /adminapi/v2/orders/:id': 1 });

    const bad = await fetch(`${sim.url}/__sim/faults`, { method: 'POST', body: '{"route":"*","kind":"nope"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Wire).error).toMatch(/kind/);

    const del = await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
    expect((await del.json()) as Wire).toEqual({ cleared: 1 });
    expect((await adminRaw(sim, '/orders/1001')).status).toBe(200);
  });
});
