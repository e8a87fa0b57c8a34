import { ResilientPanel, SystemClock, VirtualClock } from '@smmbot/core';
import { type PanelFixture, panelConformance } from '@smmbot/core/testing';
import { createPanelSim } from '@smmbot/panel-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { PerfectPanelAdmin } from '../src/index.js';

const TIMEOUT_MS = 1_500;
/** The route `getOrders` uses against the sim: the batch look-up `GET /orders?ids=`. */
const LOOKUP_ROUTE = 'GET /adminapi/v2/orders';

async function fixture(wrap: boolean): Promise<PanelFixture> {
  // Real time on both sides: latency faults sleep on the sim's clock, the budget runs on the adapter's.
  const clock = new SystemClock();
  const sim = createPanelSim({ clock, seed: 7 });
  await sim.start();
  const admin = new PerfectPanelAdmin({
    url: sim.url,
    adminKey: sim.adminKey,
    servicesApiKey: sim.apiKey,
    name: 'panel-sim',
    timeoutMs: TIMEOUT_MS,
    ratePerSecond: 1000,
    concurrency: 8,
    backoffMs: 20,
    clock,
  });
  const panel = wrap ? new ResilientPanel(admin, { tenant: 'default', clock, cacheTtlMs: 0 }) : admin;
  return {
    panel,
    orderIds: Array.from({ length: 10 }, (_, i) => String(1001 + i)),
    username: 'demo',
    refillableOrderId: '1001',
    notRefillableOrderId: '1004',
    timeoutMs: TIMEOUT_MS,
    fault: (kind, options = {}) => void sim.faults.add({ route: LOOKUP_ROUTE, kind, ...options }),
    clearFaults: () => sim.faults.clear(),
    cleanup: async () => {
      await admin.close();
      await sim.stop();
    },
  };
}

panelConformance('PerfectPanelAdmin against panel-sim', () => fixture(false));
panelConformance('PerfectPanelAdmin in ResilientPanel against panel-sim', () => fixture(true));

const keys = (sim: { url: string; adminKey: string }) => ({
  url: sim.url,
  adminKey: sim.adminKey,
  ratePerSecond: 1000,
});

describe('against panel-sim', () => {
  const sims: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.stop()));
  });

  it('uses the batch look-up and probes every GET endpoint as ok', async () => {
    const sim = createPanelSim({ clock: new VirtualClock(), seed: 7 });
    await sim.start();
    sims.push(sim);
    const admin = new PerfectPanelAdmin({ ...keys(sim), servicesApiKey: sim.apiKey });
    const orders = await admin.getOrders(['1001', '1004', '1007']);
    expect(orders.map((o) => [o.id, o.status]).sort()).toEqual([
      ['1001', 'completed'],
      ['1004', 'pending'],
      ['1007', 'canceled'],
    ]);
    expect(admin.lookup.mode).toBe('ids');
    const report = await admin.probe();
    const byCap = new Map(report.map((r) => [r.capability, r.status]));
    for (const cap of ['connection', 'orders.get', 'orders.byUser', 'users.get', 'tickets.list', 'services', 'balance'])
      expect(byCap.get(cap as never), cap).toBe('ok');
    expect(byCap.get('orders.refill')).toBe('unverified');
    expect(
      report.every((r) => r.status !== 'unsupported' || ['orders.refund', 'refills.status'].includes(r.capability)),
    ).toBe(true);
  });

  it('writes: cancel, set-partial, mark completed and speed-up reach the sim', async () => {
    const sim = createPanelSim({ clock: new VirtualClock(), seed: 7 });
    await sim.start();
    sims.push(sim);
    const admin = new PerfectPanelAdmin(keys(sim));
    expect((await admin.cancel(['1004', '999999']))[1]).toMatchObject({ ok: false, error: 'order_not_found' });
    expect((await admin.getOrders(['1004']))[0]?.status).toBe('canceled');
    expect(await admin.setPartial('1003', 10)).toMatchObject({ ok: true });
    expect((await admin.getOrders(['1003']))[0]).toMatchObject({ status: 'partial', remains: 10 });
    expect((await admin.markCompleted(['1005']))[0]?.ok).toBe(true);
    expect((await admin.getOrders(['1005']))[0]?.status).toBe('completed');
    expect((await admin.speedUp(['1003'])).length).toBe(1);
  });
});
