import { PanelError, requireCapability } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../src/index.js';
import { KEY, panelWith, rejection, reply } from './fake-fetch.js';

describe('refill', () => {
  it('accepts every one-order answer seen: {refill:"1"}, {refill:1}, {success, refill}', async () => {
    for (const [answer, reference] of [
      [{ refill: '1' }, '1'],
      [{ refill: 1 }, '1'],
      [{ success: 'Your order will be refill asap…', refill: 12345 }, '12345'],
      [{ status: 100, refill: '77' }, '77'],
      [{ success: 'Refill requested' }, undefined],
    ] as const) {
      const { panel, calls } = panelWith(() => answer);
      const [result] = await panel.refill!(['23501']);
      expect(result).toMatchObject({ orderId: '23501', ok: true });
      expect(result?.reference).toBe(reference);
      expect(result?.raw).toEqual(answer);
      expect(calls[0]?.params).toEqual({ key: KEY, action: 'refill', order: '23501' });
    }
  });

  it('reports a refused single order with the panel text, in text or translation-key style', async () => {
    for (const error of ['Order not eligible for refill.', 'error.refill_not_available', 'Incorrect order ID']) {
      const { panel } = panelWith(() => ({ error }));
      expect(await panel.refill!(['5'])).toEqual([{ orderId: '5', ok: false, error, raw: { error } }]);
    }
  });

  it('reads the multi answer per order, in the order asked, with missing and invalid ids refused', async () => {
    const { panel, calls } = panelWith(() => [
      { order: 1, refill: 1 },
      { order: '2', refill: '901' },
      { order: 3, refill: { error: 'Incorrect order ID' } },
      { order: 4, refill: 'Order not eligible for refill.' },
      { order: 6, error: 'neworder.error.not_enough_funds' },
    ]);
    const results = await panel.refill!(['1', '2', '3', '4', '5', '6', '1,9']);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.params).toEqual({ key: KEY, action: 'refill', orders: '1,2,3,4,5,6' });
    expect(results.map((r) => [r.orderId, r.ok, r.reference ?? r.error])).toEqual([
      ['1', true, '1'],
      ['2', true, '901'],
      ['3', false, 'Incorrect order ID'],
      ['4', false, 'Order not eligible for refill.'],
      ['5', false, 'the panel did not answer for this order'],
      ['6', false, 'neworder.error.not_enough_funds'],
      ['1,9', false, 'not an order id'],
    ]);
  });

  it('falls back to order= when a panel only knows single refills, and sends batches of 100', async () => {
    const { panel, calls } = panelWith((p) =>
      p.orders ? { error: 'Incorrect order ID' } : p.order === '2' ? { refill: '5' } : { error: 'Incorrect order ID' },
    );
    const results = await panel.refill!(['1', '2']);
    expect(results.map((r) => r.ok)).toEqual([false, true]);
    expect(calls.map((c) => c.params.orders ?? c.params.order)).toEqual(['1,2', '1', '2']);
    const { panel: big, calls: bigCalls } = panelWith((p) =>
      (p.orders ?? '').split(',').map((order) => ({ order, refill: 1 })),
    );
    expect((await big.refill!(Array.from({ length: 150 }, (_, i) => String(i + 1)))).every((r) => r.ok)).toBe(true);
    expect(bigCalls.map((c) => c.params.orders?.split(',').length)).toEqual([100, 50]);
  });

  it('throws a typed unsupported error with a clear customer text when the panel has no refill', async () => {
    for (const error of ['Incorrect request', 'This action is invalid', 'this_action_is_invalid']) {
      const { panel, calls } = panelWith(() => ({ error }));
      const err = (await rejection(panel.refill!(['1', '2']))) as PanelError;
      expect(err).toBeInstanceOf(PanelError);
      expect(err.kind).toBe('unsupported');
      expect(err.customerMessage).toBe(
        'Sorry, this panel does not offer refills through the bot. Please contact support.',
      );
      expect(calls.length).toBeLessThanOrEqual(2);
    }
  });

  it('never retries a write', async () => {
    const { panel, calls } = panelWith(() => reply(503, 'Service Unavailable', true), { retries: 3 });
    expect(((await rejection(panel.refill!(['1']))) as PanelError).kind).toBe('unavailable');
    expect(calls).toHaveLength(1);
  });
});

describe('cancel', () => {
  it('reads per-order results: cancel: 1 or {error}', async () => {
    const { panel, calls } = panelWith(() => [
      { order: 9, cancel: { error: 'Incorrect order ID' } },
      { order: 2, cancel: 1 },
      { order: 3, cancel: { error: 'error.cancel_not_available' } },
    ]);
    const results = await panel.cancel!(['9', '2', '3']);
    expect(calls[0]?.params).toEqual({ key: KEY, action: 'cancel', orders: '9,2,3' });
    expect(results.map((r) => [r.orderId, r.ok, r.error])).toEqual([
      ['9', false, 'Incorrect order ID'],
      ['2', true, undefined],
      ['3', false, 'error.cancel_not_available'],
    ]);
  });

  it('uses orders= for one id too, and refuses every id of a refused request', async () => {
    const { panel, calls } = panelWith(() => ({ error: 'Order not eligible for cancel.' }));
    expect(await panel.cancel!(['4'])).toMatchObject([
      { orderId: '4', ok: false, error: 'Order not eligible for cancel.' },
    ]);
    expect(calls[0]?.params.orders).toBe('4');
  });
});

describe('refillStatus', () => {
  it('reads one refill= and many refills=, with {error} and bare-string errors per refill', async () => {
    const { panel, calls } = panelWith((p) =>
      p.refill
        ? { status: 'Completed' }
        : [
            { refill: 1, status: 'Completed' },
            { refill: '2', status: 'Rejected' },
            { refill: 3, status: { error: 'Refill not found' } },
            { refill: 4, status: 'in progress' },
            { refill: 5, status: 'error.refill_not_found' },
          ],
    );
    expect(await panel.refillStatus!(['1'])).toEqual([{ refillId: '1', status: 'completed' }]);
    expect(calls[0]?.params).toEqual({ key: KEY, action: 'refill_status', refill: '1' });
    expect(await panel.refillStatus!(['1', '2', '3', '4', '5', '6'])).toEqual([
      { refillId: '1', status: 'completed' },
      { refillId: '2', status: 'rejected' },
      { refillId: '3', status: 'unknown', error: 'Refill not found' },
      { refillId: '4', status: 'in_progress' },
      { refillId: '5', status: 'unknown', error: 'error.refill_not_found' },
      { refillId: '6', status: 'unknown', error: 'the panel gave no status for this refill' },
    ]);
    expect(calls[1]?.params.refills).toBe('1,2,3,4,5,6');
  });

  it('reports a single unknown refill with the panel text', async () => {
    const { panel } = panelWith(() => ({ error: 'Refill not found' }));
    expect(await panel.refillStatus!(['8'])).toEqual([{ refillId: '8', status: 'unknown', error: 'Refill not found' }]);
  });
});

describe('addOrder', () => {
  it('places an order and reads {order}, {status:"success", order}, {status:100, order}', async () => {
    for (const [answer, id] of [
      [{ order: 23501 }, '23501'],
      [{ status: 'success', order: '77' }, '77'],
      [{ status: 100, order: 123 }, '123'],
    ] as const) {
      const { panel, calls } = panelWith(() => answer);
      expect(await panel.addOrder(1, 'https://instagram.com/x', 100)).toEqual({ ok: true, orderId: id, raw: answer });
      expect(calls[0]?.params).toEqual({
        key: KEY,
        action: 'add',
        service: '1',
        link: 'https://instagram.com/x',
        quantity: '100',
      });
    }
  });

  it('returns refusals with a reason, throws for a bad key or a missing order id', async () => {
    const add = async (answer: unknown) => panelWith(() => answer).panel.addOrder('1', 'l', 10, { runs: 2 });
    expect(await add({ error: 'neworder.error.not_enough_funds' })).toMatchObject({ ok: false, reason: 'funds' });
    expect(await add({ error: 'Not enough funds on balance' })).toMatchObject({ ok: false, reason: 'funds' });
    expect(await add({ error: 'Incorrect service ID' })).toMatchObject({ ok: false, reason: 'refused' });
    expect(await add({ error: 'neworder.error.link_duplicate' })).toMatchObject({ ok: false, reason: 'refused' });
    expect(((await rejection(add({ error: 'API key is incorrect', status: '102' }))) as PanelError).kind).toBe(
      'unauthorized',
    );
    expect(((await rejection(add({ status: 'success' }))) as PanelError).kind).toBe('bad_response');
  });
});

describe('reduced action sets', () => {
  it('declares only the capabilities of the actions given (BoostPanel/SmartPanel: services, add, status, balance)', async () => {
    const { panel } = panelWith(() => ({ balance: '1' }), { actions: ['services', 'add', 'status', 'balance'] });
    expect([...panel.capabilities].sort()).toEqual(['balance', 'orders.get', 'services']);
    expect(panel.refill).toBeUndefined();
    expect(panel.cancel).toBeUndefined();
    expect(panel.refillStatus).toBeUndefined();
    const err = (() => {
      try {
        requireCapability(panel, 'orders.refill');
      } catch (e) {
        return e as PanelError;
      }
    })();
    expect(err?.kind).toBe('unsupported');
    expect(() => panelWith(() => ({}), { actions: ['balance'] })).toThrow(/status/);
  });

  it('pings with services when the panel has no balance action', async () => {
    const { panel, calls } = panelWith(() => [{ service: 1, name: 'x' }], { actions: ['status', 'services'] });
    await panel.ping();
    expect(calls[0]?.params.action).toBe('services');
  });
});

describe('classifyError', () => {
  it('sorts the texts and keys seen on real panels', () => {
    const table: [string, string][] = [
      ['Invalid API key', 'unauthorized'],
      ['bad_auth', 'unauthorized'],
      ['API key is incorrect', 'unauthorized'],
      ['error.invalid_api_key', 'unauthorized'],
      ['Incorrect request', 'unsupported'],
      ['This action is invalid', 'unsupported'],
      ['this_action_is_invalid', 'unsupported'],
      ['error.incorrect_request', 'unsupported'],
      ['Incorrect order ID', 'not_found'],
      ['incorrect_order_id', 'not_found'],
      ['error.incorrect_order_id', 'not_found'],
      ['Order not found.', 'not_found'],
      ['Refill not found', 'not_found'],
      ['neworder.error.not_enough_funds', 'funds'],
      ['Not enough funds on balance', 'funds'],
      ['Incorrect service ID', 'refused'],
      ['neworder.error.incorrect_service_id', 'refused'],
      ['Order not eligible for refill.', 'refused'],
      ['You have active order with this link. Please wait until order being complete.', 'refused'],
      ['Too many requests', 'rate_limited'],
    ];
    expect(table.map(([text]) => [text, classifyError(text)])).toEqual(table);
  });
});
