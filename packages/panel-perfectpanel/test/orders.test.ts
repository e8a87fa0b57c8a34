import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, failure, fail, idsOf, list, makeAdmin, ok, orderRow, type Seen } from './helpers.js';

/** A panel whose `GET /orders?ids=` works, over these rows. */
const byIds = (rows: ReturnType<typeof orderRow>[]) => (req: Seen) => {
  if (req.method === 'GET' && req.path === '/orders') {
    const ids = new Set(idsOf(req));
    return list(rows.filter((r) => ids.has(String(r.id))));
  }
  return undefined;
};

describe('PerfectPanelAdmin: order look-ups', () => {
  it('sends the key header and maps the order object', async () => {
    const { admin, seen } = makeAdmin(byIds([orderRow(1001)]));
    const [order] = await admin.getOrders(['1001']);
    expect(seen[0]?.headers['X-Api-Key']).toBe(ADMIN_KEY);
    expect(seen[0]?.url.pathname).toBe('/adminapi/v2/orders');
    expect(order).toMatchObject({
      id: '1001',
      status: 'completed',
      rawStatus: 'completed',
      user: 'demo',
      serviceId: '17',
      serviceName: 'Instagram Followers [Refill: 30 days]',
      quantity: 1000,
      startCount: 120,
      remains: 0,
      charge: 1.25,
      currency: 'USD',
      externalId: '88001',
      provider: 'smmviews.net',
      mode: 'auto',
    });
    expect(order?.createdAt?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(order?.updatedAt?.toISOString()).toBe('2024-05-02T12:30:00.000Z');
    expect(order?.raw).toMatchObject({ id: 1001 });
  });

  it('reads charge as an object, a number or a numeric string, and dates in several forms', async () => {
    const rows = [
      orderRow(1, { charge: { value: 2.5, currency_code: 'EUR', formatted: '€2.50' } }),
      orderRow(2, { charge: 0.27, created: '2024-06-01T08:00:00Z' }),
      orderRow(3, { charge: '0.27819', currency: 'USD', created: 1717228800, last_update: 'junk' }),
      orderRow(4, { charge: null, mode: 'Manual', external_id: '' }),
    ];
    const { admin } = makeAdmin(byIds(rows));
    const byId = new Map((await admin.getOrders(['1', '2', '3', '4'])).map((o) => [o.id, o]));
    expect(byId.get('1')).toMatchObject({ charge: 2.5, currency: 'EUR' });
    expect(byId.get('2')).toMatchObject({ charge: 0.27, currency: undefined });
    expect(byId.get('2')?.createdAt?.toISOString()).toBe('2024-06-01T08:00:00.000Z');
    expect(byId.get('3')).toMatchObject({ charge: 0.27819, currency: 'USD', updatedAt: undefined });
    expect(byId.get('3')?.createdAt?.toISOString()).toBe('2024-06-01T08:00:00.000Z');
    expect(byId.get('4')).toMatchObject({ charge: undefined, mode: 'manual', externalId: undefined });
  });

  it('normalizes lower-case and odd statuses, keeping the raw text', async () => {
    const raw = [
      'pending',
      'in_progress',
      'In progress',
      'processing',
      'partial',
      'cancelled',
      'Refunded',
      'fail',
      'weird',
    ];
    const rows = raw.map((status, i) => orderRow(i + 1, { status }));
    const { admin } = makeAdmin(byIds(rows));
    const orders = await admin.getOrders(rows.map((r) => String(r.id)));
    expect(orders.map((o) => o.status)).toEqual([
      'pending',
      'in_progress',
      'in_progress',
      'processing',
      'partial',
      'canceled',
      'refunded',
      'failed',
      'unknown',
    ]);
    expect(orders.at(-1)?.rawStatus).toBe('weird');
  });

  it('treats not-found tokens as an empty result and drops ids that cannot exist', async () => {
    for (const token of ['order_not_found', 'orders_not_found', 'no_orders', 'not_found']) {
      const { admin, seen } = makeAdmin(() => fail(100, token));
      expect(await admin.getOrders(['5', 'abc', ' ', '5'])).toEqual([]);
      expect(seen).toHaveLength(1);
      expect(idsOf(seen[0]!)).toEqual(['5']);
    }
    const { admin, seen } = makeAdmin(() => fail(100, 'x'));
    expect(await admin.getOrders(['abc', ''])).toEqual([]);
    expect(seen).toHaveLength(0);
  });

  it('maps envelope errors to typed errors', async () => {
    const cases: [unknown, string][] = [
      [{ data: null, error_code: 401, error_message: 'Invalid API key' }, 'unauthorized'],
      [{ data: null, error_code: 'bad_auth', error_message: '' }, 'unauthorized'],
      [{ error: 'bad_auth' }, 'unauthorized'],
      [{ orders: [] }, 'bad_response'],
      [[1, 2], 'bad_response'],
    ];
    for (const [body, kind] of cases) {
      const { admin } = makeAdmin(() => ({ body }));
      const err = await failure(admin.getOrders(['1']));
      expect(err.kind).toBe(kind);
    }
  });

  it('reports an unknown envelope error as bad_response with code and message', async () => {
    // After `ids` has worked once, an envelope error is an error, not a reason to fall back.
    let broken = false;
    const { admin } = makeAdmin((req) => (broken ? fail(77, 'database is locked') : byIds([orderRow(1)])(req)));
    await admin.getOrders(['1']);
    broken = true;
    const err = await failure(admin.getOrders(['1']));
    expect(err.kind).toBe('bad_response');
    expect(err.details).toMatchObject({ errorCode: 77, errorMessage: 'database is locked' });
    expect(err.customerMessage).not.toMatch(/database|77/);
  });

  it('batches look-ups by batchSize, in parallel', async () => {
    const rows = [orderRow(5), orderRow(150), orderRow(249)];
    const { admin, seen } = makeAdmin(byIds(rows));
    const ids = Array.from({ length: 250 }, (_, i) => String(i));
    expect((await admin.getOrders(ids)).map((o) => o.id).sort()).toEqual(['150', '249', '5']);
    expect(seen.map((r) => idsOf(r).length)).toEqual([100, 100, 50]);
    expect(seen.every((r) => r.url.searchParams.get('limit') === String(idsOf(r).length))).toBe(true);

    const small = makeAdmin(byIds(rows), { batchSize: 50 });
    await small.admin.getOrders(ids);
    expect(small.seen).toHaveLength(5);
  });

  it('falls back to one GET /orders/{id} per id when `ids` is refused, and remembers it', async () => {
    const rows = new Map([1, 2, 3].map((id) => [String(id), orderRow(id)]));
    const { admin, seen, logs } = makeAdmin((req) => {
      if (req.path === '/orders') return fail(404, 'endpoint_not_found', 404);
      const id = /^\/orders\/(\d+)$/.exec(req.path)?.[1];
      const row = id ? rows.get(id) : undefined;
      return row ? ok(row) : fail(404, 'order_not_found');
    });
    const found = await admin.getOrders(['1', '2', '3', '9']);
    expect(found.map((o) => o.id).sort()).toEqual(['1', '2', '3']);
    expect(seen).toHaveLength(1 + 4);
    expect(admin.lookup.mode).toBe('per-id');
    expect(logs.lines.join('')).toMatch(/batch order look-up unsupported/);

    seen.length = 0;
    await admin.getOrders(['1', '2']);
    expect(seen.map((r) => r.path)).toEqual(['/orders/1', '/orders/2']);
  });

  it('falls back when the panel answers an envelope error for `ids` or ignores the filter', async () => {
    const single = (req: Seen) => {
      const id = /^\/orders\/(\d+)$/.exec(req.path)?.[1];
      return id ? ok(orderRow(Number(id))) : undefined;
    };
    const refused = makeAdmin((req) => single(req) ?? fail(3, 'unknown_param ids'));
    expect((await refused.admin.getOrders(['7'])).map((o) => o.id)).toEqual(['7']);
    expect(refused.admin.lookup.mode).toBe('per-id');

    // A panel that ignores `ids` answers its latest orders: those must never be taken for the asked ones.
    const ignoring = makeAdmin((req) => single(req) ?? list([orderRow(500), orderRow(499)]));
    expect((await ignoring.admin.getOrders(['7', '8'])).map((o) => o.id).sort()).toEqual(['7', '8']);
    expect(ignoring.seen).toHaveLength(3);
  });

  it('does not fall back on faults of a working endpoint (5xx, malformed JSON, bad key)', async () => {
    const replies = [
      { status: 503, text: 'Service Unavailable', contentType: 'text/plain' },
      { text: '{"data":{"li', contentType: 'application/json' },
      fail(401, 'Invalid API key'),
    ];
    for (const reply of replies) {
      const { admin, seen } = makeAdmin(() => reply, { retries: 0 });
      await failure(admin.getOrders(['1']));
      expect(seen.every((r) => r.path === '/orders')).toBe(true);
      expect(admin.lookup.mode).toBe('unknown');
    }
  });
});
