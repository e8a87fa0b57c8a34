import { PanelError } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import { KEY, panelWith, rejection, reply } from './fake-fetch.js';

// Payloads below are the recorded shapes of research 2.2–2.4 (smm-panel-apis.md).
const PARTIAL = { charge: '0.27819', start_count: '3572', status: 'Partial', remains: '157', currency: 'USD' };

describe('getOrders', () => {
  it('looks one order up with order=, as a form POST to /api/v2, numbers from strings, raw kept', async () => {
    const { panel, calls } = panelWith(() => PARTIAL);
    const [order] = await panel.getOrders(['23501']);
    expect(order).toEqual({
      id: '23501',
      status: 'partial',
      rawStatus: 'Partial',
      charge: 0.27819,
      startCount: 3572,
      remains: 157,
      currency: 'USD',
      raw: PARTIAL,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'https://panel.example/api/v2' });
    expect(calls[0]?.params).toEqual({ key: KEY, action: 'status', order: '23501' });
  });

  it('normalizes title-case and lower-case statuses; "Unknown" remains become undefined', async () => {
    const answers: Record<string, unknown> = {
      '1': { charge: 1.5, start_count: 10, status: 'In progress', remains: 'Unknown', currency: 'USD' },
      '2': { charge: '0', start_count: '', status: 'in progress', remains: '0' },
      '3': { status: 'completed', remains: 0 },
      '4': { status: 'Canceled' },
      '5': { status: 'Cancelled' },
      '6': { status: 'PROCESSING' },
      '7': { status: 'Pending' },
      '8': { status: 'Refunded' },
      '9': { status: 'Something new' },
    };
    const { panel, calls } = panelWith(() => answers);
    const orders = await panel.getOrders(Object.keys(answers));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.params.orders).toBe('1,2,3,4,5,6,7,8,9');
    const byId = Object.fromEntries(orders.map((o) => [o.id, o]));
    expect(byId['1']).toMatchObject({ status: 'in_progress', charge: 1.5, startCount: 10 });
    expect(byId['1']?.remains).toBeUndefined();
    expect(byId['2']).toMatchObject({ status: 'in_progress', charge: 0, remains: 0 });
    expect(byId['2']?.startCount).toBeUndefined();
    expect(orders.map((o) => o.status)).toEqual([
      'in_progress',
      'in_progress',
      'completed',
      'canceled',
      'canceled',
      'processing',
      'pending',
      'refunded',
      'unknown',
    ]);
    expect(byId['9']?.rawStatus).toBe('Something new');
  });

  it('leaves out ids answered with {error} objects, bare strings and translation keys', async () => {
    const { panel } = panelWith(() => ({
      '1': PARTIAL,
      '10': { error: 'Incorrect order ID' },
      '11': 'Incorrect order ID',
      '12': { error: 'error.incorrect_order_id' },
      '13': 'incorrect_order_id',
      '14': { error: 'Order not found.', status: '102' },
    }));
    const orders = await panel.getOrders(['1', '10', '11', '12', '13', '14', '15']);
    expect(orders.map((o) => o.id)).toEqual(['1']);
  });

  it('batches by 100 with orders= and asks one id with order=', async () => {
    const { panel, calls } = panelWith((p) => {
      if (p.order) return p.order === '7' ? PARTIAL : { error: 'Incorrect order ID' };
      return Object.fromEntries(
        (p.orders ?? '').split(',').map((id) => [id, id === '7' ? PARTIAL : 'Incorrect order ID']),
      );
    });
    const ids = Array.from({ length: 250 }, (_, i) => String(i + 1));
    expect((await panel.getOrders([...ids, '7', ' 7 '])).map((o) => o.id)).toEqual(['7']);
    expect(calls.map((c) => c.params.orders?.split(',').length)).toEqual([100, 100, 50]);
    calls.length = 0;
    expect(await panel.getOrders(['8'])).toEqual([]);
    expect(calls[0]?.params).toEqual({ key: KEY, action: 'status', order: '8' });
    expect(await panel.getOrders([])).toEqual([]);
  });

  it('tolerates one-id answers: an error with a numeric status beside it, an empty answer, a keyed answer', async () => {
    let answer: unknown = { error: 'Incorrect order ID', status: '102' };
    const { panel } = panelWith(() => answer);
    expect(await panel.getOrders(['5'])).toEqual([]);
    answer = [];
    expect(await panel.getOrders(['5'])).toEqual([]);
    answer = { '5': { status: 'Completed', charge: '2' } };
    expect(await panel.getOrders(['5'])).toMatchObject([{ id: '5', status: 'completed', charge: 2 }]);
  });

  it('falls back to one order= per id when orders= is not understood, and remembers it', async () => {
    const { panel, calls } = panelWith((p) =>
      p.orders ? { error: 'Incorrect request' } : p.order === '1' ? PARTIAL : { error: 'Incorrect order ID' },
    );
    expect((await panel.getOrders(['1', '2'])).map((o) => o.id)).toEqual(['1']);
    expect(calls.map((c) => c.params.orders ?? c.params.order)).toEqual(['1,2', '1', '2']);
    calls.length = 0;
    await panel.getOrders(['1', '2', '3']);
    expect(calls.every((c) => c.params.order !== undefined)).toBe(true);
  });
});

describe('errors', () => {
  const kindOf = async (answer: unknown, ids = ['1']) => {
    const { panel } = panelWith(() => answer);
    const err = await rejection(panel.getOrders(ids));
    expect(err).toBeInstanceOf(PanelError);
    return (err as PanelError).kind;
  };

  it('maps a refused key to unauthorized, in every wording seen', async () => {
    expect(await kindOf({ error: 'Invalid API key' })).toBe('unauthorized');
    expect(await kindOf({ error: 'bad_auth' })).toBe('unauthorized');
    expect(await kindOf({ error: 'API key is incorrect', status: '102' })).toBe('unauthorized');
    expect(await kindOf({ error: 'error.invalid_api_key' }, ['1', '2'])).toBe('unauthorized');
    expect(await kindOf(reply(401, { error: 'Invalid API key' }))).toBe('unauthorized');
  });

  it('maps a missing action to unsupported', async () => {
    expect(await kindOf({ error: 'Incorrect request' })).toBe('unsupported');
    expect(await kindOf({ error: 'This action is invalid' })).toBe('unsupported');
    expect(await kindOf({ error: 'this_action_is_invalid' })).toBe('unsupported');
    expect(await kindOf(reply(422, { error: 'Incorrect request' }))).toBe('unsupported');
  });

  it('reads {error} bodies sent with 400/404 as answers', async () => {
    const { panel } = panelWith(() => reply(404, { error: 'Order not found.' }));
    expect(await panel.getOrders(['1'])).toEqual([]);
    const { panel: p2 } = panelWith(() => reply(400, { error: 'Incorrect order ID' }));
    expect(await p2.getOrders(['1'])).toEqual([]);
  });

  it('maps answers of the wrong shape to bad_response', async () => {
    expect(await kindOf([1, 2])).toBe('bad_response');
    expect(await kindOf('Completed')).toBe('bad_response');
    expect(await kindOf({ foo: 'bar' })).toBe('bad_response');
    expect(await kindOf({ data: 1 }, ['1', '2'])).toBe('bad_response');
    expect(await kindOf(null, ['1', '2'])).toBe('bad_response');
    expect(await kindOf(reply(200, '{"1":{"status":', true))).toBe('bad_response');
  });

  it('keeps the key out of URLs, messages and details', async () => {
    const { panel, calls } = panelWith(() => ({ error: 'Invalid API key' }));
    const err = (await rejection(panel.getOrders(['1']))) as PanelError;
    expect(calls[0]?.url).not.toContain(KEY);
    expect(`${err.message} ${JSON.stringify(err.details)} ${err.customerMessage}`).not.toContain(KEY);
  });
});

describe('services, balance, ping', () => {
  it('reads services with ids and numbers as strings or numbers, flags as bool/"1"/"0"/absent', async () => {
    const list = [
      {
        service: 1,
        name: 'Followers',
        type: 'Default',
        category: 'First Category',
        rate: '0.90',
        min: '50',
        max: '10000',
        refill: true,
        cancel: true,
        dripfeed: false,
      },
      { service: '2', name: 'Likes', category: 'IG', rate: 1.2, min: 10, max: 500, refill: '1', cancel: '0' },
      { service: 3, name: 'Views', rate: '0.01', min: '100', max: '1000000', refill: 0, dripfeed: 1 },
      { name: 'no id' },
    ];
    const { panel, calls } = panelWith(() => list);
    const services = await panel.services!();
    expect(calls[0]?.params).toEqual({ key: KEY, action: 'services' });
    expect(services).toHaveLength(3);
    expect(services[0]).toMatchObject({ id: '1', rate: 0.9, min: 50, max: 10000, refill: true, dripfeed: false });
    expect(services[1]).toMatchObject({ id: '2', rate: 1.2, refill: true, cancel: false });
    expect(services[1]?.dripfeed).toBeUndefined();
    expect(services[2]).toMatchObject({ id: '3', refill: false, dripfeed: true });
    expect(services[2]?.cancel).toBeUndefined();
    expect(services[0]?.raw).toEqual(list[0]);
  });

  it('accepts a services object keyed by id', async () => {
    const { panel } = panelWith(() => ({ '5': { service: '5', name: 'X', rate: '1' } }));
    expect(await panel.services!()).toMatchObject([{ id: '5', name: 'X', rate: 1 }]);
  });

  it('reads the balance and pings with a balance call', async () => {
    const { panel, calls } = panelWith(() => ({ balance: '100.84292', currency: 'USD' }));
    expect(await panel.balance!()).toEqual({ amount: 100.84292, currency: 'USD' });
    await panel.ping();
    expect(calls.map((c) => c.params.action)).toEqual(['balance', 'balance']);
    const { panel: bad } = panelWith(() => ({ currency: 'USD' }));
    expect(((await rejection(bad.balance!())) as PanelError).kind).toBe('bad_response');
    const { panel: denied } = panelWith(() => ({ error: 'Invalid API key' }));
    expect(((await rejection(denied.ping())) as PanelError).kind).toBe('unauthorized');
  });
});

describe('endpoint', () => {
  it('uses /api/v1 for SmartPanel scripts, a full endpoint as given, and /api + version', async () => {
    const url = async (u: string, apiVersion?: 'v1' | 'v2') => {
      const { panel, calls } = panelWith(() => PARTIAL, { url: u, apiVersion });
      await panel.getOrders(['1']);
      return calls[0]?.url;
    };
    expect(await url('https://smart.example/', 'v1')).toBe('https://smart.example/api/v1');
    expect(await url('https://smart.example/api/v1')).toBe('https://smart.example/api/v1');
    expect(await url('https://p.example/api/v2/')).toBe('https://p.example/api/v2');
    expect(await url('https://p.example/api')).toBe('https://p.example/api/v2');
    expect(await url('https://p.example/reseller/api.php')).toBe('https://p.example/reseller/api.php');
    const { panel } = panelWith(() => PARTIAL, { url: 'https://p.example' });
    expect(panel.name).toBe('p.example');
  });
});
