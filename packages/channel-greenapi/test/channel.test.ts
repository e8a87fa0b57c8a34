import { type BotPlugin, ChannelError, createEngine, type HttpRoute, type TurnResult } from '@smmbot/core';
import { channelConformance } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GreenApiChannel, greenApi } from '../src/index.js';
import {
  ID_INSTANCE,
  incomingCall,
  incomingImage,
  incomingText,
  outgoingFromApi,
  outgoingFromPhone,
  outgoingStatus,
} from './events.js';
import { startFakeGreenApi } from './fake-rest.js';
import { API_TOKEN, captureLogs, post, standalone, WEBHOOK_TOKEN } from './helpers.js';

let api: Awaited<ReturnType<typeof startFakeGreenApi>>;
beforeEach(async () => {
  api = await startFakeGreenApi();
});
afterEach(async () => {
  await api.close();
});

describe('webhook auth', () => {
  it.each([
    ['missing', null],
    ['wrong token', 'Bearer nope'],
    ['wrong scheme', `Basic ${WEBHOOK_TOKEN}`],
    ['empty bearer', 'Bearer '],
  ] as const)('rejects %s with 401 and processes nothing', async (_label, auth) => {
    const { channel, received } = standalone(api.apiUrl);
    expect(channel.handleWebhook(post(incomingText(), auth)).status).toBe(401);
    await channel.idle();
    expect(received).toEqual([]);
  });

  it('accepts Bearer <webhookUrlToken>', async () => {
    const { channel, received } = standalone(api.apiUrl);
    expect(channel.handleWebhook(post(incomingText())).status).toBe(200);
    await channel.idle();
    expect(received).toHaveLength(1);
  });
});

describe('webhook payloads', () => {
  it('normalizes a private textMessage', async () => {
    const { channel, received } = standalone(api.apiUrl);
    channel.handleWebhook(post(incomingText()));
    await channel.idle();
    expect(received[0]).toMatchObject({
      id: '79001234567@c.us/F7AEC1B7086ECDC7E6E45923F5EDB825',
      channel: 'greenapi',
      tenantId: 'default',
      chat: { id: '79001234567@c.us', kind: 'private' },
      sender: { id: '79001234567@c.us', displayName: 'Ivan' },
      text: 'hello bot',
      sentAt: 1588091580000,
    });
  });

  it('normalizes an extendedTextMessage in a group with the participant as sender', async () => {
    const { channel, received } = standalone(api.apiUrl);
    channel.handleWebhook(
      post(
        incomingText({
          chatId: '120363043968066561@g.us',
          sender: '79001234567@c.us',
          extended: true,
          text: 'see https://x.test',
        }),
      ),
    );
    await channel.idle();
    expect(received[0]).toMatchObject({
      chat: { id: '120363043968066561@g.us', kind: 'group', title: 'Support group' },
      sender: { id: '79001234567@c.us' },
      text: 'see https://x.test',
    });
  });

  it('keys dedupe on chat id + idMessage (idMessage is unique only within a chat)', async () => {
    const { channel, received } = standalone(api.apiUrl);
    channel.handleWebhook(post(incomingText({ chatId: '1@c.us', idMessage: 'SAME' })));
    channel.handleWebhook(post(incomingText({ chatId: '2@c.us', idMessage: 'SAME' })));
    await channel.idle();
    expect(new Set(received.map((m) => m.id)).size).toBe(2);
  });

  it.each([
    ['outgoingMessageReceived', outgoingFromPhone()],
    ['outgoingAPIMessageReceived', outgoingFromApi()],
    ['incomingCall', incomingCall()],
    ['imageMessage', incomingImage()],
  ])('acknowledges and ignores %s', async (_type, body) => {
    const { channel, received, logs } = standalone(api.apiUrl);
    expect(channel.handleWebhook(post(body)).status).toBe(200);
    await channel.idle();
    expect(received).toEqual([]);
    expect(logs.lines.some((l) => l.msg === 'green api webhook not handed to the engine' && l.level === 20)).toBe(true);
  });

  it.each([
    ['not json', 'nope {'],
    ['no type', '{"idMessage":"x"}'],
    ['array', '[]'],
    [
      'incoming without senderData',
      JSON.stringify({
        typeWebhook: 'incomingMessageReceived',
        timestamp: 1,
        idMessage: 'x',
        messageData: { typeMessage: 'textMessage' },
      }),
    ],
  ])('answers 400 to %s and logs it', async (_label, raw) => {
    const { channel, received, logs } = standalone(api.apiUrl);
    expect(channel.handleWebhook(post(raw)).status).toBe(400);
    await channel.idle();
    expect(received).toEqual([]);
    expect(logs.lines.some((l) => l.msg === 'green api webhook body rejected')).toBe(true);
  });

  it('answers 503 after stop (Green API redelivers) and stop awaits messages in flight', async () => {
    const { channel } = standalone(api.apiUrl);
    let release!: () => void;
    let finished = false;
    channel.connect(async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      finished = true;
      return {} as TurnResult;
    });
    expect(channel.handleWebhook(post(incomingText())).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    const stopping = channel.stop();
    expect(channel.handleWebhook(post(incomingText({ idMessage: 'B' }))).status).toBe(503);
    release();
    await stopping;
    expect(finished).toBe(true);
  });
});

describe('send', () => {
  it('posts chatId/message to waInstance{id}/sendMessage/{token}, quoting the inbound message', async () => {
    const { channel, logs } = standalone(api.apiUrl);
    const receipt = await channel.send({
      tenantId: 'default',
      channel: 'greenapi',
      chatId: '79001234567@c.us',
      text: 'Order 1001 is completed.',
      inReplyTo: '79001234567@c.us/F7AEC1B7',
      priority: 'support',
    });
    expect(receipt.platformId).toBe('BAE5F4886AFFA1');
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.url).toBe(`/waInstance${ID_INSTANCE}/sendMessage/${API_TOKEN}`);
    expect(api.requests[0]!.body).toEqual({
      chatId: '79001234567@c.us',
      message: 'Order 1001 is completed.',
      quotedMessageId: 'F7AEC1B7',
    });
    expect(JSON.stringify(logs.lines)).not.toContain(API_TOKEN);
  });

  it.each([
    [429, { 'retry-after': '3' }, true, 3000],
    [401, {}, false, undefined],
    [403, {}, false, undefined],
    [500, {}, true, undefined],
    [502, {}, true, undefined],
    [400, {}, false, undefined],
  ])('maps HTTP %i to retryable=%s', async (status, headers, retryable, retryAfter) => {
    const { channel } = standalone(api.apiUrl);
    api.fail({ status, body: '{"message":"x"}', headers });
    const err = await channel
      .send({ tenantId: 'default', channel: 'greenapi', chatId: '1@c.us', text: 'x', priority: 'support' })
      .catch((e: unknown) => e as ChannelError);
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).retryable).toBe(retryable);
    expect((err as ChannelError).retryAfterMs).toBe(retryAfter);
    expect((err as ChannelError).message).not.toContain(API_TOKEN);
  });

  it('maps a network failure to a retryable error without the token in the message', async () => {
    const { channel } = standalone('http://127.0.0.1:1');
    const err = await channel
      .send({ tenantId: 'default', channel: 'greenapi', chatId: '1@c.us', text: 'x', priority: 'support' })
      .catch((e: unknown) => e as ChannelError);
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).retryable).toBe(true);
    expect((err as ChannelError).message).not.toContain(API_TOKEN);
  });
});

describe('with an engine', () => {
  const echo: BotPlugin = {
    name: 'echo',
    apply: ({ hooks }) =>
      hooks.command.for('unknown').tap('echo', (turn) => ({ replies: [{ text: `got: ${turn.message.text}` }] })),
  };

  async function boot() {
    const engine = createEngine({
      logger: captureLogs().logger,
      plugins: [
        memoryStorage(),
        greenApi({
          idInstance: ID_INSTANCE,
          apiTokenInstance: API_TOKEN,
          apiUrl: api.apiUrl,
          webhookToken: WEBHOOK_TOKEN,
        }),
        echo,
      ],
    });
    await engine.start();
    const route = engine.http.all().find((r) => r.path === '/webhooks/greenapi' && r.method === 'POST') as HttpRoute;
    const channel = engine.channels.get('greenapi') as GreenApiChannel;
    return { engine, route, channel };
  }

  it('answers a webhook message through sendMessage', async () => {
    const { engine, route, channel } = await boot();
    expect((await route.handler(post(incomingText()))).status).toBe(200);
    await channel.idle();
    await engine.stop();
    expect(api.requests.map((r) => r.body)).toEqual([
      { chatId: '79001234567@c.us', message: 'got: hello bot', quotedMessageId: 'F7AEC1B7086ECDC7E6E45923F5EDB825' },
    ]);
  });

  it('replay storm: the same webhook 1,000 times is answered exactly once', async () => {
    const { engine, route, channel } = await boot();
    const req = post(incomingText({ idMessage: 'STORM' }));
    const results = await Promise.all(Array.from({ length: 1000 }, () => route.handler(req)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await channel.idle();
    for (let i = 0; i < 50; i++) await route.handler(req);
    await channel.idle();
    await engine.stop();
    expect(api.requests).toHaveLength(1);
  });

  it('rejects invalid options with a config error', () => {
    expect(() => greenApi({ idInstance: 'abc' } as never)).toThrow(/idInstance/);
  });
});

channelConformance('greenapi', async () => {
  const fake = await startFakeGreenApi();
  const { channel, received } = standalone(fake.apiUrl);
  return {
    channel,
    async deliver(raw) {
      const before = received.length;
      const res = channel.handleWebhook(post(raw));
      await channel.idle();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      return received.slice(before);
    },
    events: {
      privateText: incomingText({ idMessage: 'P1', text: 'order 1001' }),
      groupText: incomingText({ chatId: '120363043968066561@g.us', sender: '79001234567@c.us', idMessage: 'G1' }),
      ownMessage: outgoingFromPhone(),
      system: outgoingStatus('read'),
    },
    expect: {
      privateChatId: '79001234567@c.us',
      groupChatId: '120363043968066561@g.us',
      senderId: '79001234567@c.us',
      text: 'order 1001',
    },
    sent: () =>
      fake.requests.map((r) => ({
        chatId: (r.body as { chatId: string }).chatId,
        text: (r.body as { message: string }).message,
      })),
    failNextSend(kind) {
      if (kind === 'rate_limited') fake.fail({ status: 429, body: '{}', headers: { 'retry-after': '2' } });
      else if (kind === 'unauthorized') fake.fail({ status: 401, body: '{}' });
      else fake.fail({ status: 502, body: 'Bad Gateway' });
    },
    cleanup: () => fake.close(),
  };
});
