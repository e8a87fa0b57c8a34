import { createHmac } from 'node:crypto';
import { type BotPlugin, VirtualClock } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import { WebhookDeliveriesToken } from '../src/index.js';
import { PhoneChannel, sharedStorage, startApi } from './helpers.js';

type Step = number | 'network' | 'hang' | { status: number; retryAfter: string };

/** A fetch that records each call (with the virtual time) and answers from a script; 200 when it runs out. */
function fakeFetch(clock: VirtualClock, script: Step[] = []) {
  const calls: { url: string; headers: Record<string, string>; body: string; at: number }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: String(url),
      headers: init?.headers as Record<string, string>,
      body: String(init?.body),
      at: clock.now(),
    });
    const step = script.shift() ?? 200;
    if (step === 'network') throw new TypeError('fetch failed');
    if (step === 'hang') {
      return new Promise((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    }
    if (typeof step === 'object')
      return new Response(null, { status: step.status, headers: { 'retry-after': step.retryAfter } });
    return new Response(null, { status: step });
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const RETRY = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 };

interface Extra {
  clock?: VirtualClock;
  storage?: ReturnType<typeof sharedStorage>;
  plugins?: BotPlugin[];
  fetch?: typeof globalThis.fetch;
}

async function setup(script: Step[] = [], extra: Extra = {}) {
  const clock = extra.clock ?? new VirtualClock();
  const http = fakeFetch(clock, script);
  const acme = new PhoneChannel('wa-acme', 'acme', clock);
  const globex = new PhoneChannel('wa-globex', 'globex', clock);
  const api = await startApi({
    clock,
    storage: extra.storage,
    channels: [acme, globex],
    extra: extra.plugins,
    options: {
      webhook: { url: 'https://hooks.example.com/global' },
      webhooks: { acme: { url: 'https://erp.acme.test/wa', secret: 'acme-webhook-secret' } },
      webhookRetry: RETRY,
      webhookTimeoutMs: 2_000,
      fetch: extra.fetch ?? http.fetch,
    },
  });
  const deliveries = api.engine.container.resolve(WebhookDeliveriesToken);
  return { ...api, http, acme, globex, deliveries };
}

describe('outgoing webhook', () => {
  it('posts a customer reply, signed, with a delivery id, and leaves the message unchanged', async () => {
    const seen: string[] = [];
    const recorder: BotPlugin = {
      name: 'recorder',
      apply: ({ hooks }) => hooks.command.for('unknown').tap('record', (turn) => void seen.push(turn.message.text)),
    };
    const { engine, acme, http, deliveries, clock } = await setup([], { plugins: [recorder] });
    const inbound = acme.message('I paid already', {
      sender: { id: '12345@lid', aliases: { pn: '79001234567@s.whatsapp.net' } },
      chat: { id: '12345@lid', kind: 'private' },
    });
    await engine.handle(inbound);
    await deliveries.idle();

    expect(seen).toEqual(['I paid already']);
    expect(http.calls).toHaveLength(1);
    const [call] = http.calls;
    expect(call!.url).toBe('https://erp.acme.test/wa');
    expect(JSON.parse(call!.body)).toEqual({
      tenant: 'acme',
      channel: 'wa-acme',
      chatId: '12345@lid',
      from: '79001234567',
      text: 'I paid already',
      messageId: inbound.id,
      sentAt: new Date(clock.now()).toISOString(),
    });
    const expected = `sha256=${createHmac('sha256', 'acme-webhook-secret').update(call!.body).digest('hex')}`;
    expect(call!.headers['x-smmbot-signature']).toBe(expected);
    expect(call!.headers['x-smmbot-delivery']).toMatch(/^dlv_[0-9a-f]{32}$/);
    expect(await deliveries.failed('acme')).toEqual([]);
  });

  it('uses the global webhook, unsigned, for a company without its own', async () => {
    const { engine, globex, http, deliveries } = await setup();
    await engine.handle(globex.message('hello'));
    await deliveries.idle();
    expect(http.calls.map((c) => c.url)).toEqual(['https://hooks.example.com/global']);
    expect(http.calls[0]!.headers['x-smmbot-signature']).toBeUndefined();
  });

  it('does not forward group messages', async () => {
    const { engine, acme, http, deliveries } = await setup();
    await engine.handle(acme.message('hi all', { chat: { id: 'g1@g.us', kind: 'group' } }));
    await deliveries.idle();
    expect(http.calls).toEqual([]);
  });

  it('stores the delivery before the first attempt', async () => {
    const clock = new VirtualClock();
    const storage = sharedStorage(clock);
    const stored = () => storage.backend.records.collection({ name: 'send_api_webhook_deliveries' }).count('acme');
    let storedDuringCall = -1;
    const fetch = async () => {
      storedDuringCall = await stored();
      return new Response(null, { status: 204 });
    };
    const { engine, acme, deliveries } = await setup([], { clock, storage, fetch });
    await engine.handle(acme.message('x'));
    await deliveries.idle();
    expect(storedDuringCall).toBe(1);
    expect(await stored()).toBe(0);
  });

  it('retries 5xx with exponential back-off on the clock, same id and bytes each time', async () => {
    const { engine, acme, http, deliveries, clock } = await setup([500, 503, 502]);
    const t0 = clock.now();
    await engine.handle(acme.message('reply'));
    await deliveries.idle();
    expect(http.calls).toHaveLength(1);
    await clock.advance(999);
    expect(http.calls).toHaveLength(1);
    await clock.advance(1);
    expect(http.calls).toHaveLength(2);
    await clock.advance(10_000);
    expect(http.calls.map((c) => c.at - t0)).toEqual([0, 1_000, 3_000, 7_000]);
    expect(new Set(http.calls.map((c) => c.headers['x-smmbot-delivery'])).size).toBe(1);
    expect(new Set(http.calls.map((c) => c.body)).size).toBe(1);
    expect(await deliveries.failed('acme')).toEqual([]);
  });

  it.each([
    ['a timeout', 'hang' as const],
    ['a network error', 'network' as const],
    ['408', 408],
    ['429', 429],
  ])('retries after %s', async (_label, step) => {
    const { engine, acme, http, deliveries, clock } = await setup([step]);
    await engine.handle(acme.message('reply'));
    await clock.advance(2_000); // the timeout, for the hanging call
    await deliveries.idle();
    await clock.advance(1_000);
    expect(http.calls).toHaveLength(2);
  });

  it('waits as long as Retry-After asks on a 429', async () => {
    const { engine, acme, http, clock } = await setup([{ status: 429, retryAfter: '30' }]);
    await engine.handle(acme.message('reply'));
    await clock.advance(29_999);
    expect(http.calls).toHaveLength(1);
    await clock.advance(1);
    expect(http.calls).toHaveLength(2);
  });

  it.each([400, 401, 404, 410])('does not retry a %i and keeps the delivery as failed', async (status) => {
    const { engine, acme, http, deliveries, clock } = await setup([status]);
    await engine.handle(acme.message('reply'));
    await clock.advance(60 * 60_000);
    expect(http.calls).toHaveLength(1);
    expect(await deliveries.failed('acme')).toMatchObject([
      { state: 'failed', attempts: 1, lastError: `HTTP ${status}` },
    ]);
  });

  it('gives up after maxAttempts', async () => {
    const { engine, acme, http, deliveries, clock } = await setup([500, 500, 500, 500, 500, 500]);
    await engine.handle(acme.message('reply'));
    await clock.advance(60 * 60_000);
    expect(http.calls).toHaveLength(RETRY.maxAttempts);
    expect(await deliveries.failed('acme')).toMatchObject([{ attempts: 4, lastError: 'HTTP 500' }]);
  });

  it('replays pending deliveries at boot after a restart', async () => {
    const clock = new VirtualClock();
    const storage = sharedStorage(clock);
    const first = await setup([500], { clock, storage });
    await first.engine.handle(first.acme.message('paid!'));
    await first.deliveries.idle();
    await first.engine.stop();
    expect(first.http.calls).toHaveLength(1);

    const second = await setup([], { clock, storage });
    await clock.advance(1_000);
    await second.deliveries.idle();
    expect(second.http.calls).toHaveLength(1);
    expect(second.http.calls[0]!.headers['x-smmbot-delivery']).toBe(first.http.calls[0]!.headers['x-smmbot-delivery']);
    expect(JSON.parse(second.http.calls[0]!.body)).toMatchObject({ text: 'paid!' });
    await clock.advance(60 * 60_000);
    expect(second.http.calls).toHaveLength(1);
  });
});
