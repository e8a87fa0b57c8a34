import { describe, expect, it } from 'vitest';
import { ACME_KEY, errorCode, GLOBEX_KEY, PhoneChannel, startApi } from './helpers.js';

async function withJob() {
  const phone = new PhoneChannel('wa-1', 'acme');
  phone.registered.add('79001234567');
  const api = await startApi({ channels: [phone] });
  const sent = await api.call({
    method: 'POST',
    path: '/api/v1/send-message',
    key: ACME_KEY,
    body: { number: '79001234567', text: 'hello', idempotencyKey: 'inv-1' },
  });
  expect(sent.status).toBe(202);
  const get = (id: string, key: string | undefined = ACME_KEY) =>
    api.call({ method: 'GET', path: `/api/v1/messages/${id}`, key });
  return { ...api, get };
}

describe('GET /api/v1/messages/:id', () => {
  it('shows a queued job', async () => {
    const { get, clock } = await withJob();
    const res = await get('inv-1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 'inv-1',
      state: 'queued',
      phone: null,
      attempts: 0,
      createdAt: new Date(clock.now()).toISOString(),
      sentAt: null,
      error: null,
    });
  });

  it('shows a sent job with its phone, attempts and time', async () => {
    const { get, balancer } = await withJob();
    const job = balancer.jobs.get('acme/inv-1')!;
    Object.assign(job, { state: 'sent', phone: 'wa-1', attempts: 2, sentAt: Date.UTC(2026, 0, 1, 9, 30) });
    expect(await get('inv-1')).toMatchObject({
      status: 200,
      body: { state: 'sent', phone: 'wa-1', attempts: 2, sentAt: '2026-01-01T09:30:00.000Z' },
    });
  });

  it('shows the error of a failed job without a stack trace', async () => {
    const { get, balancer } = await withJob();
    const job = balancer.jobs.get('acme/inv-1')!;
    Object.assign(job, {
      state: 'failed',
      error:
        'ChannelError: recipient rejected (463)\n    at Phone.send (/app/phone.js:10:5)\n    at next (/app/x.js:1:1)',
    });
    const res = await get('inv-1');
    expect(res.body).toMatchObject({ state: 'failed', error: 'ChannelError: recipient rejected (463)' });
    expect(JSON.stringify(res.body)).not.toContain('phone.js');
  });

  it('answers 404 for an unknown id', async () => {
    const { get } = await withJob();
    const res = await get('nope');
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('E_NOT_FOUND');
  });

  it('answers 404 for another company’s id, the same as for an unknown one', async () => {
    const { get } = await withJob();
    const theirs = await get('inv-1', GLOBEX_KEY);
    const unknown = await get('nope', GLOBEX_KEY);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(unknown.body);
  });

  it('answers 401 without a valid key', async () => {
    const { get } = await withJob();
    expect((await get('inv-1', 'not-a-key-at-all-000000')).status).toBe(401);
  });
});
