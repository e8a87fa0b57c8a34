import { describe, expect, it } from 'vitest';
import { failure, fail, list, makeAdmin, ok, orderRow, USER_KEY } from './helpers.js';

describe('PerfectPanelAdmin: writes', () => {
  it('refills with per-order results from data.list', async () => {
    const { admin, seen } = makeAdmin(() =>
      list([
        { id: 1001, refill_id: 55 },
        { id: 1002, error: 'refill_not_available' },
      ]),
    );
    const results = await admin.refill(['1001', '1002', '1003', 'x1']);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/orders/refill', body: { ids: [1001, 1002, 1003] } });
    expect(results).toEqual([
      { orderId: 'x1', ok: false, error: 'not an order id' },
      expect.objectContaining({ orderId: '1001', ok: true, reference: '55' }),
      expect.objectContaining({ orderId: '1002', ok: false, error: 'refill_not_available' }),
      expect.objectContaining({ orderId: '1003', ok: false }),
    ]);
  });

  it('turns a refusal of the whole call into per-order failures, but throws on a bad key', async () => {
    const refused = makeAdmin(() => fail(400, 'cancel_not_available'));
    expect(await refused.admin.cancel(['1', '2'])).toEqual([
      expect.objectContaining({ orderId: '1', ok: false, error: 'cancel_not_available' }),
      expect.objectContaining({ orderId: '2', ok: false, error: 'cancel_not_available' }),
    ]);
    const badKey = makeAdmin(() => fail(401, 'Invalid API key'));
    expect((await failure(badKey.admin.cancel(['1']))).kind).toBe('unauthorized');
    const missing = makeAdmin(() => undefined);
    expect((await failure(missing.admin.speedUp!(['1']))).kind).toBe('unsupported');
    expect(missing.seen).toHaveLength(1); // writes are never retried
  });

  it('sends cancel, resend, change-status and set-partial with the default bodies', async () => {
    const { admin, seen } = makeAdmin((req) => (req.path.endsWith('/set-partial') ? ok(orderRow(7)) : ok(null)));
    expect(await admin.cancel(['7'], { reason: 'customer asked' })).toEqual([
      expect.objectContaining({ orderId: '7', ok: true }),
    ]);
    await admin.speedUp(['7']);
    await admin.markCompleted(['7', '8']);
    expect(await admin.setPartial('7', 150)).toMatchObject({ orderId: '7', ok: true });
    expect(seen.map((r) => [r.path, r.body])).toEqual([
      ['/orders/cancel', { ids: [7], cancel_reason: 'customer asked' }],
      ['/orders/resend', { ids: [7] }],
      ['/orders/change-status', { ids: [7, 8], status: 'completed' }],
      ['/orders/7/set-partial', { remains: 150 }],
    ]);
  });

  it('honours path and body overrides', async () => {
    const { admin, seen } = makeAdmin((req) => (req.method === 'GET' ? list([orderRow(9)]) : ok(null)), {
      paths: { orders: '/orders/search', cancel: '/orders/cancel-refund', setPartial: '/orders/partial/{id}' },
      bodies: { lookupIds: 'order_ids', cancelIds: 'order_ids', partialRemains: 'left', idsFormat: 'csv' },
    });
    await admin.getOrders(['9']);
    await admin.cancel(['9', '10']);
    await admin.setPartial('9', 5);
    expect(seen[0]?.path).toBe('/orders/search');
    expect(seen[0]?.url.searchParams.get('order_ids')).toBe('9');
    expect(seen[1]).toMatchObject({ path: '/orders/cancel-refund', body: { order_ids: '9,10' } });
    expect(seen[2]).toMatchObject({ path: '/orders/partial/9', body: { left: 5 } });
  });
});

describe('PerfectPanelAdmin: users, tickets, services', () => {
  it('lists a user’s orders newest first, keeping only theirs', async () => {
    const { admin, seen } = makeAdmin(() =>
      list([orderRow(3), orderRow(2, { user: 'DEMO ' }), orderRow(1, { user: 'eve' })]),
    );
    const mine = await admin.ordersOfUser(' Demo', { limit: 50 });
    expect(mine.map((o) => o.id)).toEqual(['3', '2']);
    expect(Object.fromEntries(seen[0]!.url.searchParams)).toEqual({
      user: 'Demo',
      limit: '50',
      offset: '0',
      sort: 'date-desc',
    });
  });

  it('finds users case-insensitively; not found is undefined', async () => {
    const user = {
      id: 4,
      username: 'Demo',
      email: 'd@x.io',
      balance: { value: '12.5', currency_code: 'USD' },
      status: 'active',
    };
    const { admin, seen } = makeAdmin((req) =>
      req.url.searchParams.get('username') === 'demo' ? list([user]) : ok({ count: 0, list: [] }),
    );
    expect(await admin.findUser('demo')).toMatchObject({
      id: '4',
      username: 'Demo',
      balance: 12.5,
      currency: 'USD',
      status: 'active',
    });
    expect(await admin.findUser('nobody')).toBeUndefined();
    expect(seen[0]?.path).toBe('/users');
    const notFound = makeAdmin(() => fail(404, 'user_not_found'));
    expect(await notFound.admin.findUser('x')).toBeUndefined();
  });

  it('creates, reads, lists and replies to tickets', async () => {
    const ticket = {
      id: 31,
      user: 'demo',
      subject: 'Verification code',
      status: 'answered',
      created: '2024-05-01 10:00:00',
      last_update: '2024-05-01 11:00:00',
      messages: [
        { id: 1, sender: 'user', author: 'demo', message: 'hi', created: '2024-05-01 10:00:00' },
        { id: 2, sender: 'staff', author: 'aisupport', message: 'hello', created: '2024-05-01 11:00:00' },
      ],
    };
    const { admin, seen } = makeAdmin((req) => {
      if (req.path === '/tickets/add') return ok({ id: 31 });
      if (req.path === '/tickets/31') return ok(ticket);
      if (req.path === '/tickets/32') return fail(404, 'ticket_not_found');
      if (req.path === '/tickets')
        return list([
          { ...ticket, messages: undefined },
          { ...ticket, id: 30, subject: 'Refill' },
        ]);
      if (req.path === '/tickets/31/reply') return ok(ticket);
      return undefined;
    });
    expect(await admin.createTicket('demo', 'Verification code', 'Code 1')).toEqual({ id: '31' });
    expect(seen[0]?.body).toEqual({ username: 'demo', subject: 'Verification code', message: 'Code 1' });
    const got = await admin.getTicket('31');
    expect(got).toMatchObject({ id: '31', user: 'demo', status: 'answered', subject: 'Verification code' });
    expect(got?.messages?.map((m) => [m.author, m.name, m.text])).toEqual([
      ['customer', 'demo', 'hi'],
      ['staff', 'aisupport', 'hello'],
    ]);
    expect(await admin.getTicket('32')).toBeUndefined();
    const found = await admin.listTickets({ subject: 'verification' });
    expect(found.map((t) => t.id)).toEqual(['31']);
    await admin.replyTicket('31', 'Thanks!', { staffName: 'aisupport' });
    expect(seen.at(-1)).toMatchObject({
      path: '/tickets/31/reply',
      body: { message: 'Thanks!', staff_name: 'aisupport' },
    });
  });

  it('declares services and balance only with a servicesApiKey, and reads them from the classic API', async () => {
    expect(makeAdmin(() => undefined).admin.capabilities.has('services')).toBe(false);
    expect(makeAdmin(() => undefined).admin.services).toBeUndefined();
    const { admin, seen } = makeAdmin(
      (req) => {
        if (req.url.pathname !== '/api/v2') return undefined;
        const action = (req.body as Record<string, string>).action;
        if (action === 'balance') return { body: { balance: '100.84292', currency: 'USD' } };
        return {
          body: [{ service: 1, name: 'Followers', rate: '0.90', min: '50', max: '10000', refill: '1', cancel: false }],
        };
      },
      { servicesApiKey: USER_KEY },
    );
    expect(admin.capabilities.has('services') && admin.capabilities.has('balance')).toBe(true);
    expect(await admin.services()).toEqual([
      expect.objectContaining({
        id: '1',
        name: 'Followers',
        rate: 0.9,
        min: 50,
        max: 10000,
        refill: true,
        cancel: false,
      }),
    ]);
    expect(await admin.balance()).toEqual({ amount: 100.84292, currency: 'USD' });
    expect(seen[0]?.body).toEqual({ key: USER_KEY, action: 'services' });
    expect(seen[0]?.headers['X-Api-Key']).toBeUndefined();
    expect(seen[0]?.url.search).toBe('');

    const bad = makeAdmin(() => ({ body: { error: 'Invalid API key' } }), { servicesApiKey: USER_KEY });
    expect((await failure(bad.admin.services())).kind).toBe('unauthorized');
  });

  it('leaves out disabled capabilities together with their methods', () => {
    const { admin } = makeAdmin(() => undefined, { disable: ['orders.speedup', 'tickets.create', 'orders.get'] });
    expect(admin.capabilities.has('orders.speedup')).toBe(false);
    expect(admin.speedUp).toBeUndefined();
    expect(admin.createTicket).toBeUndefined();
    expect(admin.capabilities.has('orders.get')).toBe(true);
    expect(typeof admin.refill).toBe('function');
  });
});
