import { ChannelError, createEngine, type HttpRoute } from '@smmbot/core';
import { channelConformance } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CloudApiChannel, whatsappCloud } from '../src/index.js';
import { ownMessage, imageMessage, noPhoneMessage, PHONE_NUMBER_ID, statusUpdate, textMessage } from './events.js';
import { startFakeGraph } from './fake-graph.js';
import { ACCESS_TOKEN, APP_SECRET, captureLogs, echoPlugin, signedPost, standalone, VERIFY_TOKEN } from './helpers.js';

let graph: Awaited<ReturnType<typeof startFakeGraph>>;
beforeEach(async () => {
  graph = await startFakeGraph();
});
afterEach(async () => {
  await graph.close();
});

const verifyRequest = (query: Record<string, string | undefined>) => ({
  method: 'GET',
  path: '/webhooks/whatsapp-cloud',
  params: {},
  query,
  headers: {},
  body: undefined,
});

describe('webhook verification (GET)', () => {
  it('answers the challenge as plain text for the right token', () => {
    const { channel } = standalone(graph.baseUrl);
    const res = channel.verifySubscription(
      verifyRequest({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe('1158201444');
    expect(res.headers?.['content-type']).toMatch(/^text\/plain/);
  });

  it.each([
    { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': 'x' },
    { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': 'x' },
    { 'hub.mode': 'subscribe', 'hub.challenge': 'x' },
  ])('refuses %o with 403', (query) => {
    const { channel } = standalone(graph.baseUrl);
    expect(channel.verifySubscription(verifyRequest(query)).status).toBe(403);
  });
});

describe('webhook signature (POST)', () => {
  it('accepts a correctly signed body and hands the text to receive after the ack', async () => {
    const { channel, received } = standalone(graph.baseUrl);
    const res = channel.handleWebhook(signedPost(textMessage()));
    expect(res.status).toBe(200);
    await channel.idle();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUZBNjE2RTU3QkYzRjc4QTI1NgA=',
      channel: 'whatsapp-cloud',
      tenantId: 'default',
      chat: { id: '16505551234', kind: 'private' },
      sender: { id: '16505551234', displayName: 'Kerry Fisher', aliases: { wa_id: '16505551234' } },
      text: 'hello bot',
      sentAt: 1749416383000,
    });
  });

  it.each([
    ['missing', null],
    ['wrong secret', undefined],
    ['garbage', 'sha256=nothex'],
    ['unprefixed', 'abc'],
  ] as const)('rejects a %s signature with 401 and processes nothing', async (_label, signature) => {
    const { channel, received } = standalone(graph.baseUrl);
    const req =
      _label === 'wrong secret'
        ? signedPost(textMessage(), 'other-secret')
        : signedPost(textMessage(), APP_SECRET, signature);
    expect(channel.handleWebhook(req).status).toBe(401);
    await channel.idle();
    expect(received).toEqual([]);
  });

  it('checks the signature over the raw bytes, not the re-serialized JSON', async () => {
    const { channel, received } = standalone(graph.baseUrl);
    const raw = JSON.stringify(textMessage(), null, 2); // whitespace differs from JSON.stringify(body)
    const req = signedPost(raw);
    expect(channel.handleWebhook(req).status).toBe(200);
    const tampered = { ...req, rawBody: raw.replace('hello bot', 'hello bat') };
    expect(channel.handleWebhook(tampered).status).toBe(401);
    await channel.idle();
    expect(received).toHaveLength(1);
  });

  it('rejects a request without a raw body with 401', () => {
    const { channel } = standalone(graph.baseUrl);
    const { rawBody: _omit, ...req } = signedPost(textMessage());
    expect(channel.handleWebhook(req).status).toBe(401);
  });
});

describe('webhook body', () => {
  it.each([['"just a string"'], ['{"object":"whatsapp_business_account"}'], ['{"entry":[]}'], ['not json {']])(
    'answers 400 to a signed malformed body %s and logs it',
    async (raw) => {
      const { channel, received, logs } = standalone(graph.baseUrl);
      const res = channel.handleWebhook(signedPost(raw));
      expect(res.status).toBe(400);
      await channel.idle();
      expect(received).toEqual([]);
      expect(logs.lines.some((l) => l.msg === 'cloud api webhook body rejected')).toBe(true);
    },
  );

  it('ignores statuses but counts them in a debug log', async () => {
    const { channel, received, logs } = standalone(graph.baseUrl);
    expect(channel.handleWebhook(signedPost(statusUpdate('read'))).status).toBe(200);
    await channel.idle();
    expect(received).toEqual([]);
    const line = logs.lines.find((l) => l.msg === 'cloud api webhook items not handed to the engine');
    expect(line).toMatchObject({ level: 20, statuses: 1 });
  });

  it('accepts users without a phone number, keyed by their business-scoped user id', async () => {
    const { channel, received } = standalone(graph.baseUrl);
    channel.handleWebhook(signedPost(noPhoneMessage('BR.1502576394655843')));
    await channel.idle();
    expect(received).toHaveLength(1);
    expect(received[0]!.sender).toMatchObject({ id: 'BR.1502576394655843', aliases: { bsuid: 'BR.1502576394655843' } });
    expect(received[0]!.chat).toEqual({ id: 'BR.1502576394655843', kind: 'private' });
  });

  it('keeps the phone as the id and the user id as an alias when both are present', async () => {
    const { channel, received } = standalone(graph.baseUrl);
    channel.handleWebhook(signedPost(textMessage({ userId: 'US.123' })));
    await channel.idle();
    expect(received[0]!.sender.aliases).toEqual({ wa_id: '16505551234', bsuid: 'US.123' });
  });

  it('ignores non-text messages, own messages, other numbers and group messages (groups off)', async () => {
    const { channel, received } = standalone(graph.baseUrl);
    const other = textMessage();
    other.entry[0]!.changes[0]!.value.metadata.phone_number_id = '999';
    for (const body of [imageMessage(), ownMessage(), other, textMessage({ groupId: 'GROUP1', id: 'wamid.G' })]) {
      expect(channel.handleWebhook(signedPost(body)).status).toBe(200);
    }
    await channel.idle();
    expect(received).toEqual([]);
  });

  it('answers 503 after stop so Meta redelivers, and stop waits for messages in flight', async () => {
    const { channel } = standalone(graph.baseUrl);
    let release!: () => void;
    let finished = false;
    channel.connect(async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      finished = true;
      return {} as never;
    });
    expect(channel.handleWebhook(signedPost(textMessage())).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    const stopping = channel.stop();
    expect(channel.handleWebhook(signedPost(textMessage({ id: 'wamid.2' }))).status).toBe(503);
    release();
    await stopping;
    expect(finished).toBe(true);
  });
});

describe('send', () => {
  it('posts a text message to the Graph API with a bearer token', async () => {
    const { channel, logs } = standalone(graph.baseUrl);
    const receipt = await channel.send({
      tenantId: 'default',
      channel: 'whatsapp-cloud',
      chatId: '16505551234',
      text: 'Order 1001 is completed.',
      inReplyTo: 'wamid.IN1',
      priority: 'support',
    });
    expect(receipt.platformId).toBe('wamid.out1');
    expect(graph.requests).toHaveLength(1);
    const req = graph.requests[0]!;
    expect(req.url).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(req.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(req.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      type: 'text',
      text: { body: 'Order 1001 is completed.', preview_url: false },
      context: { message_id: 'wamid.IN1' },
    });
    expect(JSON.stringify(logs.lines)).not.toContain(ACCESS_TOKEN);
  });

  const send = (channel: CloudApiChannel) =>
    channel.send({ tenantId: 'default', channel: 'whatsapp-cloud', chatId: '1', text: 'x', priority: 'support' }).then(
      () => undefined,
      (e: unknown) => e as ChannelError,
    );

  it.each([
    [429, { error: { code: 130429, message: 'Rate limit hit' } }, { 'retry-after': '7' }, true, 7000],
    [400, { error: { code: 80007, message: 'WABA rate limit' } }, {}, true, undefined],
    [400, { error: { code: 4, message: 'Application request limit reached' } }, {}, true, undefined],
    [401, { error: { code: 190, message: 'Invalid OAuth access token' } }, {}, false, undefined],
    [400, { error: { code: 190, message: 'Session expired' } }, {}, false, undefined],
    [503, { error: { code: 2, message: 'Service temporarily unavailable' } }, {}, true, undefined],
    [400, { error: { code: 131047, message: 'Re-engagement message' } }, {}, false, undefined],
  ])('maps HTTP %i %o to retryable=%s', async (status, body, headers, retryable, retryAfter) => {
    const { channel } = standalone(graph.baseUrl);
    graph.fail({ status, body, headers });
    const err = await send(channel);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err!.retryable).toBe(retryable);
    expect(err!.retryAfterMs).toBe(retryAfter);
    expect(err!.message).not.toContain(ACCESS_TOKEN);
  });

  it('maps a network failure to a retryable error', async () => {
    const { channel } = standalone('http://127.0.0.1:1/v21.0');
    const err = await send(channel);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err!.retryable).toBe(true);
  });
});

describe('with an engine', () => {
  async function boot() {
    const engine = createEngine({
      logger: captureLogs().logger,
      plugins: [
        memoryStorage(),
        whatsappCloud({
          phoneNumberId: PHONE_NUMBER_ID,
          accessToken: ACCESS_TOKEN,
          appSecret: APP_SECRET,
          verifyToken: VERIFY_TOKEN,
          graphBaseUrl: graph.baseUrl,
        }),
        echoPlugin,
      ],
    });
    await engine.start();
    const route = (method: string) =>
      engine.http.all().find((r) => r.method === method && r.path === '/webhooks/whatsapp-cloud') as HttpRoute;
    const channel = engine.channels.get('whatsapp-cloud') as CloudApiChannel;
    return { engine, route, channel };
  }

  it('mounts GET and POST routes and answers a message through the Graph API', async () => {
    const { engine, route, channel } = await boot();
    const res = await route('POST').handler(signedPost(textMessage()));
    expect(res.status).toBe(200);
    await channel.idle();
    await engine.stop();
    expect(graph.requests.map((r) => (r.body as { text: { body: string } }).text.body)).toEqual(['got: hello bot']);
  });

  it('replay storm: the same signed webhook 1,000 times is answered exactly once', async () => {
    const { engine, route, channel } = await boot();
    const req = signedPost(textMessage({ id: 'wamid.STORM' }));
    const statuses = await Promise.all(Array.from({ length: 1000 }, () => route('POST').handler(req)));
    expect(statuses.every((r) => r.status === 200)).toBe(true);
    await channel.idle();
    // And once more after the first answer went out.
    for (let i = 0; i < 50; i++) await route('POST').handler(req);
    await channel.idle();
    await engine.stop();
    expect(graph.requests).toHaveLength(1);
  });

  it('rejects invalid options with a config error', () => {
    expect(() => whatsappCloud({ phoneNumberId: 'abc' } as never)).toThrow(/phoneNumberId/);
  });
});

channelConformance('whatsapp-cloud (groups option on)', async () => {
  const fake = await startFakeGraph();
  const { channel, received } = standalone(fake.baseUrl, { groups: true });
  return {
    channel,
    async deliver(raw) {
      const before = received.length;
      const res = channel.handleWebhook(signedPost(raw));
      await channel.idle();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      return received.slice(before);
    },
    events: {
      privateText: textMessage({ id: 'wamid.P1', text: 'order 1001' }),
      groupText: textMessage({ id: 'wamid.G1', text: 'order 1001', groupId: 'GROUP_ID_1' }),
      ownMessage: ownMessage(),
      system: statusUpdate('delivered'),
    },
    expect: { privateChatId: '16505551234', groupChatId: 'GROUP_ID_1', senderId: '16505551234', text: 'order 1001' },
    sent: () =>
      fake.requests.map((r) => {
        const body = r.body as { to: string; text: { body: string } };
        return { chatId: body.to, text: body.text.body };
      }),
    failNextSend(kind) {
      if (kind === 'rate_limited')
        fake.fail({ status: 429, body: { error: { code: 130429, message: 'rate' } }, headers: { 'retry-after': '2' } });
      else if (kind === 'unauthorized') fake.fail({ status: 401, body: { error: { code: 190, message: 'token' } } });
      else fake.fail({ status: 503, body: { error: { code: 2, message: 'down' } } });
    },
    cleanup: () => fake.close(),
  };
});
