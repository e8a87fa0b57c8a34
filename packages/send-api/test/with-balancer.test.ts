import { balancer } from '@smmbot/balancer';
import { createEngine, VirtualClock } from '@smmbot/core';
import { FakePhone } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { sendApi } from '../src/index.js';
import { ACME_KEY, call, captureLogs } from './helpers.js';

/** The send API on the real balancer: the interface as the lead implements it, not only as faked. */
describe('with @smmbot/balancer', () => {
  it('queues, sends from a pool phone, reports the status, and answers 429 over the monthly quota', async () => {
    const clock = new VirtualClock();
    const phone = new FakePhone('wa-1', 'acme', clock);
    phone.registered.add('79001234567');
    const engine = createEngine({
      clock,
      logger: captureLogs().logger,
      tenants: ['acme'],
      plugins: [
        memoryStorage(),
        phone.plugin(),
        balancer({ tenants: { acme: { monthlyLimit: 2, recipientCooldownMs: 0 } } }),
        sendApi({ keys: { acme: ACME_KEY } }),
      ],
    });
    await engine.start();
    const send = (text: string) =>
      call(engine, {
        method: 'POST',
        path: '/api/v1/send-message',
        key: ACME_KEY,
        body: { number: '79001234567', text },
      });

    const first = await send('one');
    expect(first.status).toBe(202);
    const id = (first.body as { id: string }).id;
    expect((await send('two')).status).toBe(202);
    const third = await send('three');
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ error: { code: 'E_QUOTA' } });

    await clock.advance(120_000);
    expect(phone.sends.map((s) => s.message.text).sort()).toEqual(['one', 'two']);
    expect(phone.sends[0]!.message.chatId).toBe('79001234567@s.whatsapp.net');
    const status = await call(engine, { method: 'GET', path: `/api/v1/messages/${id}`, key: ACME_KEY });
    expect(status.body).toMatchObject({ id, state: 'sent', phone: 'wa-1', attempts: 1, error: null });
    await engine.stop();
  });

  it('shows the company its own balancer snapshot and alerts, and lets it resolve one', async () => {
    const clock = new VirtualClock();
    const mine = new FakePhone('wa-1', 'acme', clock);
    const theirs = new FakePhone('wa-9', 'other', clock);
    const engine = createEngine({
      clock,
      logger: captureLogs().logger,
      tenants: ['acme', 'other'],
      plugins: [
        memoryStorage(),
        mine.plugin(),
        theirs.plugin(),
        balancer(),
        sendApi({ keys: { acme: ACME_KEY, other: 'other-key-0123456789abcdef' } }),
      ],
    });
    await engine.start();
    mine.setLink({ state: 'banned', code: 403 });
    await clock.advance(1);

    const snap = await call(engine, { method: 'GET', path: '/api/v1/balancer', key: ACME_KEY });
    expect(snap.status).toBe(200);
    const body = snap.body as { phones: { channel: string; state: string }[]; alerts: { id: string; type: string }[] };
    expect(body.phones.map((p) => [p.channel, p.state])).toEqual([['wa-1', 'banned']]);
    expect(body.alerts.map((a) => a.type).sort()).toEqual(['banned', 'no_phone']);

    const other = await call(engine, { method: 'GET', path: '/api/v1/alerts', key: 'other-key-0123456789abcdef' });
    expect((other.body as { alerts: unknown[] }).alerts).toEqual([]);
    const bad = await call(engine, { method: 'GET', path: '/api/v1/alerts?status=nope', key: ACME_KEY });
    expect(bad.status).toBe(400);
    expect((await call(engine, { method: 'GET', path: '/api/v1/balancer' })).status).toBe(401);

    const alertId = body.alerts[0]!.id;
    const crossTenant = await call(engine, {
      method: 'POST',
      path: `/api/v1/alerts/${alertId}/resolve`,
      key: 'other-key-0123456789abcdef',
    });
    expect(crossTenant.status).toBe(404);
    const resolved = await call(engine, { method: 'POST', path: `/api/v1/alerts/${alertId}/resolve`, key: ACME_KEY });
    expect(resolved.status).toBe(200);
    const active = await call(engine, { method: 'GET', path: '/api/v1/alerts?status=active', key: ACME_KEY });
    expect((active.body as { alerts: unknown[] }).alerts).toHaveLength(1);
    await engine.stop();
  });
});
