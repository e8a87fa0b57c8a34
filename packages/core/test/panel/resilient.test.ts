import { createMemoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import {
  type ActionResult,
  normalizeOrderStatus,
  type PanelCapability,
  type PanelClient,
  PanelError,
  type PanelOrder,
  ResilientPanel,
  requireCapability,
  VirtualClock,
} from '../../src/index.js';

class CountingPanel implements PanelClient {
  readonly name = 'counting';
  readonly capabilities = new Set<PanelCapability>(['orders.get', 'orders.refill']);
  calls: string[][] = [];
  refills = 0;
  refillError?: Error;
  async getOrders(ids: string[]): Promise<PanelOrder[]> {
    this.calls.push(ids);
    return ids.filter((id) => id !== '404').map((id) => ({ id, status: 'completed' as const }));
  }
  async refill(ids: string[]): Promise<ActionResult[]> {
    this.refills++;
    if (this.refillError) throw this.refillError;
    return ids.map((orderId) => ({ orderId, ok: true, reference: `r-${orderId}` }));
  }
}

const setup = (cacheTtlMs?: number) => {
  const clock = new VirtualClock();
  const inner = new CountingPanel();
  const { kv } = createMemoryStorage(clock);
  return { clock, inner, kv, panel: new ResilientPanel(inner, { tenant: 't', clock, kv, cacheTtlMs }) };
};

describe('ResilientPanel', () => {
  it('coalesces concurrent single-order look-ups into one call', async () => {
    const { inner, panel } = setup();
    const ids = Array.from({ length: 1000 }, (_, i) => String(5000 + i));
    const results = await Promise.all(ids.map((id) => panel.getOrders([id])));
    expect(results.every((r, i) => r[0]?.id === ids[i])).toBe(true);
    expect(inner.calls).toHaveLength(1);
    expect(inner.calls[0]).toHaveLength(1000);
  });

  it('serves repeated reads from a short cache that expires on the clock', async () => {
    const { clock, inner, panel } = setup(3000);
    await panel.getOrders(['1', '404']);
    await panel.getOrders(['1']);
    expect(inner.calls).toEqual([['1', '404']]);
    expect(await panel.getOrders(['404'])).toEqual([]); // misses are not cached
    await clock.advance(3000);
    await panel.getOrders(['1']);
    expect(inner.calls).toHaveLength(3);
  });

  it('rejects every waiter of a failed batch with the typed error', async () => {
    const { inner, panel } = setup();
    inner.getOrders = async () => {
      throw new PanelError('timeout', 'slow');
    };
    const all = await Promise.allSettled([panel.getOrders(['1']), panel.getOrders(['2'])]);
    expect(all.map((r) => r.status === 'rejected' && (r.reason as PanelError).kind)).toEqual(['timeout', 'timeout']);
  });

  it('acts once for a retried write with the same idempotency key', async () => {
    const { inner, panel } = setup();
    const first = await panel.refill!(['1'], { idempotencyKey: 'msg-1:1' });
    const again = await panel.refill!(['1'], { idempotencyKey: 'msg-1:1' });
    expect(again).toEqual(first);
    expect(inner.refills).toBe(1);
    await panel.refill!(['1'], { idempotencyKey: 'msg-2:1' });
    expect(inner.refills).toBe(2);
  });

  it('does not repeat a write whose outcome is unknown, but allows one the panel refused', async () => {
    const { inner, panel } = setup();
    inner.refillError = new PanelError('timeout', 'no answer');
    await expect(panel.refill!(['1'], { idempotencyKey: 'k1' })).rejects.toMatchObject({ kind: 'timeout' });
    inner.refillError = undefined;
    await expect(panel.refill!(['1'], { idempotencyKey: 'k1' })).rejects.toMatchObject({ code: 'E_IN_PROGRESS' });
    expect(inner.refills).toBe(1);

    inner.refillError = new PanelError('unauthorized', 'bad key');
    await expect(panel.refill!(['2'], { idempotencyKey: 'k2' })).rejects.toMatchObject({ kind: 'unauthorized' });
    inner.refillError = undefined;
    expect(await panel.refill!(['2'], { idempotencyKey: 'k2' })).toEqual([
      { orderId: '2', ok: true, reference: 'r-2' },
    ]);
  });

  it('guards setPartial with the same idempotency record', async () => {
    const { inner, panel } = setup();
    let calls = 0;
    (inner as unknown as { setPartial: PanelClient['setPartial'] }).setPartial = async (id, remains) => {
      calls++;
      return { orderId: id, ok: true, reference: `p-${remains}` };
    };
    const again = new ResilientPanel(inner, {
      tenant: 't',
      clock: new VirtualClock(),
      kv: createMemoryStorage(new VirtualClock()).kv,
    });
    const first = await again.setPartial!('7', 150, { idempotencyKey: 'm1:7:partial' });
    expect(await again.setPartial!('7', 150, { idempotencyKey: 'm1:7:partial' })).toEqual(first);
    expect(calls).toBe(1);
    void panel;
  });

  it('passes capabilities through and degrades clearly without one', () => {
    const { panel } = setup();
    expect(panel.cancel).toBeUndefined();
    expect(() => requireCapability(panel, 'orders.cancel')).toThrow(expect.objectContaining({ kind: 'unsupported' }));
    try {
      requireCapability(panel, 'orders.cancel');
    } catch (err) {
      expect((err as PanelError).customerMessage).toBe(
        'Sorry, this bot cannot cancel orders on this panel. Please contact support.',
      );
    }
  });
});

describe('status normalization', () => {
  it.each([
    ['In progress', 'in_progress'],
    ['in_progress', 'in_progress'],
    ['INPROGRESS', 'in_progress'],
    ['Cancelled', 'canceled'],
    ['canceled', 'canceled'],
    ['Partial', 'partial'],
    ['Completed', 'completed'],
    ['Awaiting', 'pending'],
    ['Refunded', 'refunded'],
    ['Fail', 'failed'],
    ['neworder.error.x', 'unknown'],
    [undefined, 'unknown'],
  ])('%s → %s', (raw, want) => expect(normalizeOrderStatus(raw)).toBe(want));
});

describe('toNumber', () => {
  it.each([
    ['0.27819', 0.27819],
    ['1,234.50', 1234.5],
    ['1,234', 1234],
    ['0,27819', 0.27819],
    [{ value: '3.5' }, 3.5],
    ['Unknown', undefined],
  ])('%j → %s', async (raw, want) => {
    const { toNumber } = await import('../../src/index.js');
    expect(toNumber(raw)).toBe(want);
  });
});
