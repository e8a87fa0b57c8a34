import { ChannelError, VirtualClock } from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { describe, expect, it } from 'vitest';
import { ACME_KEY, errorCode, GLOBEX_KEY, PhoneChannel, startApi } from './helpers.js';

const TEMPLATE = {
  header: 'ACME Internet',
  paymentUrl: 'https://pay.acme.test/i/',
  phones: ['+1 555 0100'],
  signature: '— ACME billing',
};

async function acmeApi(extra: Parameters<typeof startApi>[0] = {}) {
  const phone = new PhoneChannel('wa-1', 'acme');
  phone.registered.add('79001234567');
  const api = await startApi({ channels: [phone], options: { templates: { acme: TEMPLATE } }, ...extra });
  /** `null`: no X-Api-Key header at all. */
  const send = (body: unknown, key: string | null = ACME_KEY) =>
    api.call({ method: 'POST', path: '/api/v1/send-message', key: key ?? undefined, body });
  return { ...api, phone, send };
}

describe('POST /api/v1/send-message: auth', () => {
  it.each([
    ['no key', null],
    ['a wrong key', 'acme-key-0123456789abcdeX'],
    ['an empty key', ''],
  ])('answers 401 in the host error shape for %s and queues nothing', async (_label, key) => {
    const { send, balancer } = await acmeApi();
    const res = await send({ number: '+7 900 123-45-67' }, key);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'E_UNAUTHORIZED', message: expect.stringMatching(/X-Api-Key/) } });
    expect(balancer.enqueued).toEqual([]);
  });

  it('refuses a request carrying the header twice', async () => {
    const { call } = await acmeApi();
    const headers = { 'x-api-key': [ACME_KEY, GLOBEX_KEY] };
    const res = await call({ method: 'POST', path: '/api/v1/send-message', headers, body: { number: '79001234567' } });
    expect(res.status).toBe(401);
  });

  it('queues under the key’s tenant, whatever the body says', async () => {
    const { send, balancer } = await acmeApi();
    const res = await send({ number: '79001234567', tenantId: 'globex', tenant: 'globex' });
    expect(res.status).toBe(202);
    expect(balancer.enqueued[0]?.tenantId).toBe('acme');
  });

  it('never writes the API key to the log', async () => {
    const { send, logs } = await acmeApi();
    await send({ number: '79001234567' });
    await send({ number: '79001234567' }, 'acme-wrong-key-000000000');
    expect(logs.raw.length).toBeGreaterThan(0);
    expect(logs.raw.join('\n')).not.toContain(ACME_KEY);
    expect(logs.raw.join('\n')).not.toContain('acme-wrong-key-000000000');
  });
});

describe('POST /api/v1/send-message: validation', () => {
  it.each([
    [{ number: '12345' }, 'body.number'],
    [{ number: '+7 900 123 45 67 89 01 23' }, 'body.number'],
    [{ number: 'call me' }, 'body.number'],
    [{}, 'body.number'],
    [{ number: '79001234567', idempotencyKey: 'has spaces' }, 'body.idempotencyKey'],
    [{ number: '79001234567', text: '   ' }, 'body.text'],
  ])('answers 400 naming the field for %o', async (body, field) => {
    const { send, balancer } = await acmeApi();
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('E_BAD_REQUEST');
    const issues = (res.body as { error: { issues: string[] } }).error.issues;
    expect(issues.some((i) => i.startsWith(`${field}:`))).toBe(true);
    expect(balancer.enqueued).toEqual([]);
  });

  it('does not echo a token back in a validation error', async () => {
    const { send } = await acmeApi();
    const res = await send({ number: '79001234567', token: 'x'.repeat(250) });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toContain('x'.repeat(50));
  });

  it('answers 400 for an unknown channel, including another tenant’s', async () => {
    const other = new PhoneChannel('wa-globex', 'globex');
    const { send } = await acmeApi({ channels: [new PhoneChannel('wa-1', 'acme'), other] });
    const res = await send({ number: '79001234567', channel: 'wa-globex' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { message: 'this company has no channel named "wa-globex"' } });
  });

  it('answers 400 when there is neither text nor a template', async () => {
    const { call } = await startApi({ channels: [new PhoneChannel('wa-1', 'acme')] });
    const res = await send_(call);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { message: expect.stringMatching(/no template is configured/) } });
  });
});

const send_ = (call: Awaited<ReturnType<typeof startApi>>['call']) =>
  call({ method: 'POST', path: '/api/v1/send-message', key: ACME_KEY, body: { number: '79001234567' } });

describe('POST /api/v1/send-message: the number check', () => {
  it('answers 404 E_NOT_ON_WHATSAPP for an unregistered number', async () => {
    const { send, balancer, phone } = await acmeApi();
    const res = await send({ number: '+44 7700 900123' });
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('E_NOT_ON_WHATSAPP');
    expect(phone.checked).toEqual(['447700900123']);
    expect(balancer.enqueued).toEqual([]);
  });

  it('answers 503 when the check throws', async () => {
    const { send, phone, balancer } = await acmeApi();
    phone.checkFailure = new Error('socket closed');
    const res = await send({ number: '79001234567' });
    expect(res.status).toBe(503);
    expect(errorCode(res)).toBe('E_UNAVAILABLE');
    expect(balancer.enqueued).toEqual([]);
  });

  it('answers 503 when the check does not answer within the timeout (virtual time)', async () => {
    const clock = new VirtualClock();
    const { send, phone } = await acmeApi({
      clock,
      options: { templates: { acme: TEMPLATE }, numberCheckTimeoutMs: 2_000 },
    });
    phone.checkFailure = 'hang';
    const pending = send({ number: '79001234567' });
    let settled = false;
    void pending.then(() => (settled = true));
    await clock.advance(1_999);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect((await pending).status).toBe(503);
  });

  it('asks a connected anti-ban channel, not a disconnected one or one that cannot check', async () => {
    const down = new PhoneChannel('wa-down', 'acme');
    down.state = 'disconnected';
    const official = new FakeChannel('cloud', 'acme');
    const up = new PhoneChannel('wa-up', 'acme');
    up.registered.add('79001234567');
    const { send, balancer } = await acmeApi({ channels: [official, down, up] });
    const res = await send({ number: '79001234567' });
    expect(res.status).toBe(202);
    expect(down.checked).toEqual([]);
    expect(up.checked).toEqual(['79001234567']);
    expect(balancer.enqueued[0]).toMatchObject({ chatId: '79001234567@s.whatsapp.net', route: 'pool' });
  });

  it('queues unchecked (and logs it) when no channel can check numbers', async () => {
    const { call, balancer, logs } = await startApi({
      channels: [new FakeChannel('wa-plain', 'acme')],
      options: { templates: { acme: TEMPLATE } },
    });
    const res = await send_(call);
    expect(res.status).toBe(202);
    expect(balancer.enqueued[0]?.chatId).toBe('79001234567@s.whatsapp.net');
    expect(logs.lines.some((l) => /queued without a check/.test(String(l.msg)) && l.tenant === 'acme')).toBe(true);
  });

  it('answers 503 when the company has no channel at all', async () => {
    const { call } = await startApi({ options: { templates: { acme: TEMPLATE } } });
    expect((await send_(call)).status).toBe(503);
  });
});

describe('POST /api/v1/send-message: queueing', () => {
  it('answers 202 with the job and queues a system pool message with the merged template', async () => {
    const { send, balancer, clock } = await acmeApi();
    const res = await send({ number: '+7 (900) 123-45-67', customerName: 'Ann', token: 'tok42' });
    expect(res.status).toBe(202);
    const body = res.body as Record<string, unknown>;
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'queued',
      created: true,
      position: 1,
      estimatedAt: new Date(clock.now() + 5_000).toISOString(),
    });
    expect(balancer.enqueued).toEqual([
      {
        id: body.id,
        tenantId: 'acme',
        channel: 'wa-1',
        chatId: '79001234567@s.whatsapp.net',
        text: expect.stringContaining('Dear Ann,\nPlease complete your payment here: https://pay.acme.test/i/tok42'),
        priority: 'system',
        route: 'pool',
        meta: { source: 'api', customerName: 'Ann' },
      },
    ]);
  });

  it('sends a custom text as written and routes sticky to a requested channel', async () => {
    const second = new PhoneChannel('wa-2', 'acme');
    second.registered.add('79001234567');
    const { send, balancer } = await acmeApi({ channels: [new PhoneChannel('wa-1', 'acme'), second] });
    const res = await send({ number: '79001234567', text: 'Your order {url} shipped', channel: 'wa-2' });
    expect(res.status).toBe(202);
    expect(second.checked).toEqual(['79001234567']);
    expect(balancer.enqueued[0]).toMatchObject({ text: 'Your order {url} shipped', channel: 'wa-2', route: 'sticky' });
    expect(balancer.enqueued[0]?.meta).toEqual({ source: 'api' });
  });

  it('routes sticky when the company has no anti-ban phone to pool', async () => {
    const { call, balancer } = await startApi({
      channels: [new FakeChannel('cloud', 'acme')],
      options: { templates: { acme: TEMPLATE } },
    });
    await send_(call);
    expect(balancer.enqueued[0]).toMatchObject({ channel: 'cloud', route: 'sticky' });
  });

  it('returns the same id with created:false for the same idempotency key, checking the number once', async () => {
    const { send, balancer, phone } = await acmeApi();
    const first = await send({ number: '79001234567', idempotencyKey: 'invoice-77' });
    const second = await send({ number: '79001234567', idempotencyKey: 'invoice-77' });
    expect(first.body).toMatchObject({ id: 'invoice-77', created: true });
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ id: 'invoice-77', created: false, status: 'queued', position: 1 });
    expect(balancer.jobs.size).toBe(1);
    expect(phone.checked).toHaveLength(1);
  });

  it('keeps idempotency keys per tenant: the same key from two companies makes two jobs', async () => {
    const globexPhone = new PhoneChannel('wa-g', 'globex');
    const acmePhone = new PhoneChannel('wa-a', 'acme');
    for (const phone of [globexPhone, acmePhone]) phone.registered.add('79001234567');
    const options = { templates: { acme: TEMPLATE, globex: TEMPLATE } };
    const { call, balancer } = await startApi({ channels: [acmePhone, globexPhone], options });
    for (const key of [ACME_KEY, GLOBEX_KEY]) {
      const body = { number: '79001234567', idempotencyKey: 'k1' };
      const res = await call({ method: 'POST', path: '/api/v1/send-message', key, body });
      expect(res.body).toMatchObject({ id: 'k1', created: true });
    }
    expect([...balancer.jobs.keys()].sort()).toEqual(['acme/k1', 'globex/k1']);
  });

  it('answers 429 E_QUOTA when the monthly quota is used up', async () => {
    const { send, balancer } = await acmeApi();
    balancer.quotaUsedUp.add('acme');
    const res = await send({ number: '79001234567' });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: { code: 'E_QUOTA', message: expect.stringMatching(/quota/) } });
  });

  it('answers 503 when the queue refuses for a while (shutting down)', async () => {
    const { send, balancer } = await acmeApi();
    balancer.failWith = new ChannelError('the outbox is shutting down', { retryable: true });
    expect((await send({ number: '79001234567' })).status).toBe(503);
  });
});
