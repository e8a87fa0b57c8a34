import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_KEY, DEFAULT_API_KEY, startSimFromCli } from '../src/index.js';
import type { PanelSim } from '../src/index.js';
import { admin, classic, classicRaw, startSim, stopAll } from './helpers.js';

afterEach(stopAll);

describe('request counting', () => {
  it('counts by classic action, admin route template, path and in total; resets', async () => {
    const { sim } = await startSim();
    await classic(sim, { action: 'status', order: '1001' });
    await classic(sim, { action: 'status', orders: '1001,1002' });
    await classic(sim, { action: 'balance' }, 'query');
    await admin(sim, '/orders/1001');
    await admin(sim, '/orders/1002');
    await admin(sim, '/orders?limit=5');
    await fetch(`${sim.url}/__sim/state`); // not counted

    expect(sim.requests.count('action:status')).toBe(2);
    expect(sim.requests.count('action:balance')).toBe(1);
    expect(sim.requests.count('GET /adminapi/v2/orders/:id')).toBe(2);
    expect(sim.requests.count('get /adminapi/v2/orders/1002')).toBe(1);
    expect(sim.requests.count('/api/v2')).toBe(3);
    expect(sim.requests.count('POST /api/v2')).toBe(2);
    expect(sim.requests.total).toBe(6);
    expect(sim.requests.byRoute()).toEqual({
      'action:status': 2,
      'action:balance': 1,
      'GET /adminapi/v2/orders/:id': 2,
      'GET /adminapi/v2/orders': 1,
    });
    expect(sim.requests.entries.at(-1)).toMatchObject({ method: 'GET', route: 'GET /adminapi/v2/orders', faults: [] });

    sim.requests.reset();
    expect(sim.requests.total).toBe(0);
    expect(sim.requests.byRoute()).toEqual({});
  });

  it('counts faulted requests with the fault kinds, and resets over HTTP', async () => {
    const { sim } = await startSim();
    sim.faults.add({ route: 'action:status', kind: '5xx', times: 1 });
    await classicRaw(sim, { action: 'status', order: '1001' });
    expect(sim.requests.count('action:status')).toBe(1);
    expect(sim.requests.entries[0]!.faults).toEqual(['5xx']);
    const counts = await (await fetch(`${sim.url}/__sim/requests`)).json();
    expect(counts).toEqual({ total: 1, byRoute: { 'action:status': 1 } });
    await fetch(`${sim.url}/__sim/requests`, { method: 'DELETE' });
    expect(sim.requests.total).toBe(0);
  });
});

describe('startSimFromCli', () => {
  it('prints the URL and keys, serves, and stops when told to', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    let sim: PanelSim | undefined;
    const done = startSimFromCli({
      port: 0,
      seed: 7,
      print: (l) => lines.push(l),
      onReady: (s) => {
        sim = s;
      },
      signal: controller.signal,
    });
    await expect.poll(() => sim).toBeDefined();
    const url = sim!.url;
    expect(lines.join('\n')).toContain(url);
    expect(lines.join('\n')).toContain(DEFAULT_ADMIN_KEY);
    expect(lines.join('\n')).toContain(DEFAULT_API_KEY);
    expect(await classic(sim!, { action: 'balance' })).toEqual({ balance: '100.84292', currency: 'USD' });
    controller.abort();
    await done;
    expect(lines.at(-1)).toBe('panel sim stopped.');
    await expect(fetch(`${url}/api/v2`)).rejects.toThrow();
  });
});
