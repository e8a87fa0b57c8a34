import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PanelError } from '../errors.js';
import { PANEL_CAPABILITIES, type PanelCapability, type PanelClient, type PanelOrder } from '../panel/index.js';

export type PanelFaultKind = 'latency' | '5xx' | '429' | 'html' | 'malformed' | 'hang' | 'wrong-key';

/** What an adapter's test hands the suite: the adapter, facts about the seeded panel, and fault control. */
export interface PanelFixture {
  panel: PanelClient;
  /** Order ids the panel has, of more than one status. */
  orderIds: string[];
  /** A username that exists, with at least one order among `orderIds`. */
  username: string;
  /** A completed order of a refill-enabled service (for adapters with `orders.refill`). */
  refillableOrderId?: string;
  /** An order that cannot be refilled (pending or canceled). */
  notRefillableOrderId?: string;
  /** The adapter's time budget per call. */
  timeoutMs: number;
  /** Makes the panel misbehave on the route that `getOrders` uses (`times`: only the next N requests). */
  fault(kind: PanelFaultKind, options?: { times?: number; ms?: number }): void;
  clearFaults(): void;
  cleanup?(): Promise<void>;
}

const STATUSES = [
  'pending',
  'processing',
  'in_progress',
  'completed',
  'partial',
  'canceled',
  'refunded',
  'failed',
  'unknown',
];
const METHOD: Partial<Record<PanelCapability, keyof PanelClient>> = {
  'orders.byUser': 'ordersOfUser',
  'users.get': 'findUser',
  'orders.refill': 'refill',
  'orders.cancel': 'cancel',
  'orders.speedup': 'speedUp',
  'orders.refund': 'refund',
  'orders.setPartial': 'setPartial',
  'orders.complete': 'markCompleted',
  'refills.status': 'refillStatus',
  balance: 'balance',
  services: 'services',
  'tickets.list': 'listTickets',
  'tickets.get': 'getTicket',
  'tickets.reply': 'replyTicket',
  'tickets.create': 'createTicket',
};

function checkOrder(order: PanelOrder): void {
  expect(typeof order.id).toBe('string');
  expect(STATUSES).toContain(order.status);
  for (const n of [order.quantity, order.remains, order.startCount, order.charge])
    if (n !== undefined) expect(Number.isFinite(n)).toBe(true);
  for (const d of [order.createdAt, order.updatedAt]) if (d !== undefined) expect(d).toBeInstanceOf(Date);
  expect(order.raw).toBeDefined();
}

/** Declares the shared panel-adapter suite; run it against panel-sim over real HTTP. */
export function panelConformance(label: string, factory: () => Promise<PanelFixture>): void {
  describe(`panel conformance: ${label}`, () => {
    let fx: PanelFixture;
    beforeEach(async () => {
      fx = await factory();
    });
    afterEach(async () => {
      await fx.cleanup?.();
    });

    it('declares exactly the capabilities it implements', () => {
      expect(fx.panel.capabilities.has('orders.get')).toBe(true);
      for (const cap of PANEL_CAPABILITIES) {
        const method = METHOD[cap];
        if (method)
          expect(typeof fx.panel[method] === 'function', `${cap} ↔ ${String(method)}`).toBe(
            fx.panel.capabilities.has(cap),
          );
      }
    });

    it('looks orders up by id with normalized fields, leaving unknown ids out', async () => {
      const orders = await fx.panel.getOrders([...fx.orderIds, '999999999']);
      expect(orders.map((o) => o.id).sort()).toEqual([...fx.orderIds].sort());
      orders.forEach(checkOrder);
      expect(new Set(orders.map((o) => o.status)).size).toBeGreaterThan(1);
      expect(await fx.panel.getOrders(['999999998'])).toEqual([]);
    });

    it('batches large look-ups', async () => {
      const ids = Array.from({ length: 250 }, (_, i) => String(900_000_000 + i)).concat(fx.orderIds);
      expect((await fx.panel.getOrders(ids)).length).toBe(fx.orderIds.length);
    });

    it('finds users, services, balance and tickets where it can', async () => {
      const { panel } = fx;
      if (panel.findUser) {
        expect((await panel.findUser(fx.username))?.username.toLowerCase()).toBe(fx.username.toLowerCase());
        expect(await panel.findUser('no-such-user-xyz')).toBeUndefined();
      }
      if (panel.services) {
        const services = await panel.services();
        expect(services.length).toBeGreaterThan(0);
        for (const s of services.slice(0, 20)) {
          expect(typeof s.id).toBe('string');
          expect(s.name.length).toBeGreaterThan(0);
          if (s.rate !== undefined) expect(Number.isFinite(s.rate)).toBe(true);
        }
      }
      if (panel.balance) expect(Number.isFinite((await panel.balance()).amount)).toBe(true);
      if (panel.ordersOfUser) {
        const mine = await panel.ordersOfUser(fx.username);
        expect(mine.length).toBeGreaterThan(0);
        for (const o of mine) expect(o.user?.toLowerCase()).toBe(fx.username.toLowerCase());
      }
      if (panel.createTicket && panel.getTicket && panel.listTickets) {
        const { id } = await panel.createTicket(fx.username, 'Verification code', 'Your code is 123456');
        expect((await panel.getTicket(id))?.subject).toBe('Verification code');
        expect((await panel.listTickets({ subject: 'Verification code' })).some((t) => t.id === id)).toBe(true);
        if (panel.replyTicket) await panel.replyTicket(id, 'Thanks!', { staffName: 'aisupport' });
      }
    });

    it('refills an eligible order and reports a refused one per order, without throwing', async () => {
      if (!fx.panel.refill || !fx.refillableOrderId || !fx.notRefillableOrderId) return;
      const results = await fx.panel.refill([fx.refillableOrderId, fx.notRefillableOrderId]);
      const byId = new Map(results.map((r) => [r.orderId, r]));
      expect(byId.get(fx.refillableOrderId)?.ok).toBe(true);
      expect(byId.get(fx.notRefillableOrderId)).toMatchObject({ ok: false });
      expect(byId.get(fx.notRefillableOrderId)?.error).toBeTruthy();
    });

    it('rides out a transient 5xx on reads and a latency below the budget', async () => {
      fx.fault('5xx', { times: 1 });
      expect((await fx.panel.getOrders(fx.orderIds)).length).toBe(fx.orderIds.length);
      fx.clearFaults();
      fx.fault('latency', { ms: Math.floor(fx.timeoutMs / 5) });
      expect((await fx.panel.getOrders(fx.orderIds)).length).toBe(fx.orderIds.length);
    });

    const faults: [PanelFaultKind, string][] = [
      ['5xx', 'unavailable'],
      ['429', 'rate_limited'],
      ['html', 'unavailable'],
      ['malformed', 'bad_response'],
      ['hang', 'timeout'],
      ['wrong-key', 'unauthorized'],
    ];
    for (const [kind, expected] of faults) {
      it(`turns a ${kind} fault into a typed ${expected} error within the time budget`, async () => {
        fx.fault(kind);
        const started = Date.now();
        const err = await fx.panel.getOrders(fx.orderIds).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(PanelError);
        expect((err as PanelError).kind).toBe(expected);
        expect(Date.now() - started).toBeLessThanOrEqual(fx.timeoutMs + 1_000);
        expect((err as PanelError).customerMessage).not.toMatch(/https?:|\/api|\{|status \d|Error:/);
      });
    }
  });
}
