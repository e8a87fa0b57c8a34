import { PanelError, requireCapability } from '@smmbot/core';
import { type PanelFixture, panelConformance } from '@smmbot/core/testing';
import { type ClassicFlavor, createPanelSim, type PanelSim } from '@smmbot/panel-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { SmmApiPanel, type SmmApiPanelOptions } from '../src/index.js';

const TIMEOUT_MS = 1500;
/** demo's seeded orders: completed, in progress, pending, processing, partial, canceled, refunded. */
const DEMO_ORDERS = Array.from({ length: 10 }, (_, i) => String(1001 + i));

/** A sim over real HTTP on loopback and an adapter pointed at it (system clocks: faults run in real time). */
async function start(flavor: ClassicFlavor = {}, options: Partial<SmmApiPanelOptions> = {}) {
  const sim = createPanelSim({ seed: 7, flavor });
  await sim.start();
  const panel = new SmmApiPanel({
    url: sim.url,
    key: sim.apiKey,
    name: 'panel-sim',
    timeoutMs: TIMEOUT_MS,
    ratePerSecond: 100,
    concurrency: 8,
    backoffMs: 20,
    ...options,
  });
  return { sim, panel };
}

async function fixture(flavor: ClassicFlavor = {}, options: Partial<SmmApiPanelOptions> = {}): Promise<PanelFixture> {
  const { sim, panel } = await start(flavor, options);
  return {
    panel,
    orderIds: DEMO_ORDERS,
    username: 'demo',
    refillableOrderId: '1001', // completed 3 days ago, 30-day refill
    notRefillableOrderId: '1004', // pending
    timeoutMs: TIMEOUT_MS,
    // getOrders uses `action=status` (orders= or order=): every fault goes on that action.
    fault: (kind, o = {}) => void sim.faults.add({ route: 'action:status', kind, ...o }),
    clearFaults: () => sim.faults.clear(),
    cleanup: async () => {
      await panel.close();
      await sim.stop();
    },
  };
}

panelConformance('panel-smmapi (classic SMM API v2)', () => fixture());

panelConformance('panel-smmapi (SmartPanel quirks: lower-case, bare-string errors, translation keys, /api/v1)', () =>
  fixture(
    { statusCase: 'lower', bareStringErrors: true, errorStyle: 'translation-key', apiV1: true },
    { apiVersion: 'v1' },
  ),
);

const REDUCED = ['services', 'add', 'status', 'balance'] as const;

panelConformance('panel-smmapi (BoostPanel action set)', () =>
  fixture({ actions: REDUCED }, { actions: [...REDUCED] }),
);

describe('a panel with only services, add, status and balance', () => {
  let sim: PanelSim | undefined;
  let panel: SmmApiPanel | undefined;
  afterEach(async () => {
    await panel?.close();
    await sim?.stop();
  });

  it('declared: no refill capability, and requiring it fails with a typed unsupported error', async () => {
    ({ sim, panel } = await start({ actions: REDUCED }, { actions: [...REDUCED] }));
    expect(panel.refill).toBeUndefined();
    let err: unknown;
    try {
      requireCapability(panel, 'orders.refill');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PanelError);
    expect(err).toMatchObject({ kind: 'unsupported', code: 'E_UNSUPPORTED' });
    expect((err as PanelError).customerMessage).toMatch(/cannot request refills on this panel/);
  });

  it('undeclared: the panel’s "Incorrect request" to refill becomes unsupported with a clear customer text', async () => {
    ({ sim, panel } = await start({ actions: REDUCED }));
    for (const ids of [['1001'], ['1001', '1010']]) {
      const err = await panel.refill!(ids).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PanelError);
      expect((err as PanelError).kind).toBe('unsupported');
      expect((err as PanelError).customerMessage).toBe(
        'Sorry, this panel does not offer refills through the bot. Please contact support.',
      );
    }
    expect((await panel.getOrders(DEMO_ORDERS)).length).toBe(10);
  });
});

describe('panel-sim extras', () => {
  let sim: PanelSim | undefined;
  let panel: SmmApiPanel | undefined;
  afterEach(async () => {
    await panel?.close();
    await sim?.stop();
  });

  it('places an order, refills, reads the refill status and cancels through the sim', async () => {
    ({ sim, panel } = await start());
    const services = await panel.services!();
    const service = services.find((s) => s.cancel && s.min !== undefined)!;
    const added = await panel.addOrder(service.id, 'https://instagram.com/p/abc', service.min!);
    expect(added.ok).toBe(true);
    const orderId = added.ok ? added.orderId : '';
    expect((await panel.getOrders([orderId]))[0]).toMatchObject({ id: orderId, status: 'pending' });
    const [cancelled, foreign] = await panel.cancel!([orderId, '999999']);
    expect(cancelled).toMatchObject({ orderId, ok: true });
    expect(foreign).toMatchObject({ orderId: '999999', ok: false, error: 'Incorrect order ID' });

    const [refill] = await panel.refill!(['1010']);
    expect(refill).toMatchObject({ orderId: '1010', ok: true });
    const statuses = await panel.refillStatus!([refill!.reference!, '424242']);
    expect(statuses[0]).toMatchObject({ refillId: refill!.reference, status: 'pending' });
    expect(statuses[1]).toMatchObject({ refillId: '424242', status: 'unknown', error: 'Refill not found' });
    expect((await panel.balance!()).amount).toBeGreaterThan(0);
  });

  it('speaks /api/v1 to a SmartPanel-style sim and batches 250 ids into 3 status calls', async () => {
    ({ sim, panel } = await start({ apiV1: true, bareStringErrors: true }, { apiVersion: 'v1' }));
    const ids = Array.from({ length: 240 }, (_, i) => String(5_000_000 + i)).concat(DEMO_ORDERS);
    expect((await panel.getOrders(ids)).length).toBe(10);
    expect(sim.requests.count('action:status')).toBe(3);
    expect(sim.requests.entries.every((e) => e.path === '/api/v1')).toBe(true);
  });

  it('reports a refused add with its reason (translation-key panel)', async () => {
    ({ sim, panel } = await start({ errorStyle: 'translation-key' }));
    const result = await panel.addOrder('99999999', 'https://x.com/y', 100);
    expect(result).toMatchObject({ ok: false, error: 'neworder.error.incorrect_service_id', reason: 'refused' });
  });
});
