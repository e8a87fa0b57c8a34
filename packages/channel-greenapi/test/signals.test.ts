import { ChannelError, type DeliveryEvent, type LinkStatus, VirtualClock } from '@smmbot/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ID_INSTANCE, outgoingStatus, stateChanged } from './events.js';
import { startFakeGreenApi } from './fake-rest.js';
import { API_TOKEN, post, standalone } from './helpers.js';

let api: Awaited<ReturnType<typeof startFakeGreenApi>>;
beforeEach(async () => {
  api = await startFakeGreenApi();
});
afterEach(async () => {
  await api.close();
});

describe('capabilities', () => {
  it('is an anti-ban channel (a personal WhatsApp account)', () => {
    expect(standalone(api.apiUrl).channel.capabilities.antiBan).toBe(true);
  });
});

describe('link from the instance state', () => {
  it.each([
    ['authorized', { state: 'connected' }],
    ['notAuthorized', { state: 'logged_out', reason: expect.stringMatching(/^notAuthorized/) }],
    ['blocked', { state: 'banned', reason: expect.stringMatching(/^blocked/) }],
    ['starting', { state: 'connecting', reason: expect.stringMatching(/^starting/) }],
    ['sleepMode', { state: 'disconnected', reason: expect.stringMatching(/^sleepMode/) }],
    ['yellowCard', { state: 'connected', reason: expect.stringMatching(/^yellowCard/) }],
    ['somethingNew', { state: 'disconnected', reason: 'unknown instance state "somethingNew"' }],
  ])('stateInstanceChanged %s → %o', (state, expected) => {
    const { channel } = standalone(api.apiUrl);
    expect(channel.handleWebhook(post(stateChanged(state))).status).toBe(200);
    expect(channel.link()).toEqual(expected);
    expect(channel.link().code).toBeUndefined();
  });

  it('tells listeners about changes only, and stops after unsubscribe', () => {
    const { channel } = standalone(api.apiUrl);
    const seen: LinkStatus[] = [];
    const off = channel.onLink((s) => seen.push(s));
    channel.handleWebhook(post(stateChanged('authorized')));
    channel.handleWebhook(post(stateChanged('authorized')));
    channel.handleWebhook(post(stateChanged('blocked')));
    channel.handleWebhook(post(stateChanged('blocked')));
    off();
    channel.handleWebhook(post(stateChanged('authorized')));
    expect(seen.map((s) => s.state)).toEqual(['connected', 'banned']);
  });

  it('is assumed connected until Green API says otherwise (it queues sends whatever the state)', () => {
    const { channel } = standalone(api.apiUrl);
    expect(channel.link()).toEqual({ state: 'connected', reason: expect.stringMatching(/^assumed/) });
  });

  it('start asks getStateInstance (GET, token in the path only) and applies the answer', async () => {
    api.fake.state = 'notAuthorized';
    const { channel } = standalone(api.apiUrl);
    await channel.start();
    await channel.stop();
    expect(api.stateRequests).toHaveLength(1);
    expect(api.stateRequests[0]).toMatchObject({
      method: 'GET',
      url: `/waInstance${ID_INSTANCE}/getStateInstance/${API_TOKEN}`,
      body: undefined,
    });
    expect(channel.link().state).toBe('logged_out');
  });

  it('does not ask on start with checkStateOnStart: false', async () => {
    const { channel } = standalone(api.apiUrl, { checkStateOnStart: false });
    await channel.start();
    await channel.stop();
    expect(api.stateRequests).toHaveLength(0);
  });

  it('a webhook that arrives while getStateInstance is in flight wins over its (older) answer', async () => {
    api.fake.state = 'authorized';
    const { channel } = standalone(api.apiUrl);
    const asking = channel.refreshState();
    channel.handleWebhook(post(stateChanged('blocked')));
    await asking;
    expect(api.stateRequests).toHaveLength(1);
    expect(channel.link().state).toBe('banned');
  });

  it('a failed getStateInstance keeps the state and logs why', async () => {
    api.fail({ status: 500, body: '{}' }, 'getStateInstance');
    const { channel, logs } = standalone(api.apiUrl);
    channel.handleWebhook(post(stateChanged('starting')));
    expect(await channel.refreshState()).toMatchObject({ state: 'connecting' });
    expect(logs.lines.some((l) => l.msg === 'green api instance state not known' && l.level === 40)).toBe(true);
  });

  it('answers 400 to a stateInstanceChanged without stateInstance', () => {
    const { channel } = standalone(api.apiUrl);
    expect(channel.handleWebhook(post({ typeWebhook: 'stateInstanceChanged', timestamp: 1 })).status).toBe(400);
  });
});

describe('delivery from outgoingMessageStatus', () => {
  it('maps delivered, read and failed/noAccount/notInGroup; sent says nothing', () => {
    const { channel } = standalone(api.apiUrl);
    const events: DeliveryEvent[] = [];
    channel.onDelivery((e) => events.push(e));
    for (const [status, id] of [
      ['sent', 'S1'],
      ['delivered', 'D1'],
      ['read', 'R1'],
      ['failed', 'F1'],
      ['noAccount', 'F2'],
      ['notInGroup', 'F3'],
    ]) {
      expect(channel.handleWebhook(post(outgoingStatus(status, id))).status).toBe(200);
    }
    expect(events).toEqual([
      { platformId: 'D1', status: 'delivered' },
      { platformId: 'R1', status: 'read' },
      { platformId: 'F1', status: 'failed' },
      { platformId: 'F2', status: 'failed' },
      { platformId: 'F3', status: 'failed' },
    ]);
  });

  it('ignores statuses of messages typed on the phone (sendByApi: false)', () => {
    const { channel } = standalone(api.apiUrl);
    const events: DeliveryEvent[] = [];
    channel.onDelivery((e) => events.push(e));
    channel.handleWebhook(post(outgoingStatus('failed', 'P1', { sendByApi: false })));
    expect(events).toEqual([]);
  });

  it('a yellowCard status is an account warning on the link, not a delivery event', () => {
    const { channel } = standalone(api.apiUrl);
    const events: DeliveryEvent[] = [];
    const links: LinkStatus[] = [];
    channel.onDelivery((e) => events.push(e));
    channel.onLink((s) => links.push(s));
    channel.handleWebhook(post(outgoingStatus('yellowCard', 'Y1')));
    expect(events).toEqual([]);
    expect(links).toEqual([{ state: 'connected', reason: expect.stringMatching(/^yellowCard/) }]);
  });

  it('the delivery platformId is the receipt platformId of the send (idMessage)', async () => {
    const { channel } = standalone(api.apiUrl);
    const events: DeliveryEvent[] = [];
    channel.onDelivery((e) => events.push(e));
    const receipt = await channel.send({
      id: 'greenapi:79001234567@c.us/ABC:r1',
      tenantId: 'default',
      channel: 'greenapi',
      chatId: '79001234567@c.us',
      text: 'hi',
      priority: 'support',
    });
    channel.handleWebhook(post(outgoingStatus('delivered', receipt.platformId)));
    expect(events).toEqual([{ platformId: receipt.platformId, status: 'delivered' }]);
    // Green API takes no message id of ours: the idempotency key is not sent.
    expect(api.requests[0]!.body).toEqual({ chatId: '79001234567@c.us', message: 'hi' });
  });

  it('answers 400 to an outgoingMessageStatus without idMessage and emits nothing', () => {
    const { channel } = standalone(api.apiUrl);
    const events: DeliveryEvent[] = [];
    channel.onDelivery((e) => events.push(e));
    const { idMessage: _, ...body } = outgoingStatus('failed');
    expect(channel.handleWebhook(post(body)).status).toBe(400);
    expect(events).toEqual([]);
  });
});

describe('checkNumber (checkWhatsapp)', () => {
  it('posts { phoneNumber: <digits as a number> } and answers <digits>@c.us when it exists', async () => {
    api.whatsapp.add(79001234567);
    const { channel } = standalone(api.apiUrl);
    expect(await channel.checkNumber('+7 (900) 123-45-67')).toBe('79001234567@c.us');
    expect(api.checks).toHaveLength(1);
    expect(api.checks[0]).toMatchObject({
      method: 'POST',
      url: `/waInstance${ID_INSTANCE}/checkWhatsapp/${API_TOKEN}`,
      body: { phoneNumber: 79001234567 },
    });
  });

  it('answers undefined when the number has no WhatsApp', async () => {
    const { channel } = standalone(api.apiUrl);
    expect(await channel.checkNumber('79005550000')).toBeUndefined();
    expect(api.checks).toHaveLength(1);
  });

  it('caches both answers for checkNumberCacheMs, then asks again', async () => {
    api.whatsapp.add(79001234567);
    const clock = new VirtualClock();
    const { channel } = standalone(api.apiUrl, {}, clock);
    await channel.checkNumber('79001234567');
    await channel.checkNumber('79005550000');
    expect(await channel.checkNumber('79001234567@c.us')).toBe('79001234567@c.us');
    expect(await channel.checkNumber('+79005550000')).toBeUndefined();
    expect(api.checks).toHaveLength(2);
    await clock.advance(59_999);
    await channel.checkNumber('79001234567');
    expect(api.checks).toHaveLength(2);
    await clock.advance(1);
    api.whatsapp.delete(79001234567);
    expect(await channel.checkNumber('79001234567')).toBeUndefined();
    expect(api.checks).toHaveLength(3);
  });

  it('does not ask for something without digits', async () => {
    const { channel } = standalone(api.apiUrl);
    expect(await channel.checkNumber('not a number')).toBeUndefined();
    expect(api.checks).toHaveLength(0);
  });

  it.each([
    [{ status: 400, body: '{"message":"instance is starting or not authorized"}' }, 'unavailable', true],
    [{ status: 400, body: '{"message":"bad phone number, valid from 11 to 16 digits"}' }, 'rejected', false],
    [{ status: 401, body: '{}' }, 'unauthorized', false],
    [{ status: 429, body: '{}', headers: { 'retry-after': '2' } }, 'rate_limited', true],
  ] as const)(
    'maps HTTP failure %o to kind %s (retryable %s) and caches nothing',
    async (response, kind, retryable) => {
      const { channel } = standalone(api.apiUrl);
      api.fail(response, 'checkWhatsapp');
      const err = (await channel.checkNumber('79001234567').catch((e: unknown) => e)) as ChannelError;
      expect(err).toBeInstanceOf(ChannelError);
      expect(err).toMatchObject({ kind, retryable });
      expect(err.message).not.toContain(API_TOKEN);
      api.whatsapp.add(79001234567);
      expect(await channel.checkNumber('79001234567')).toBe('79001234567@c.us');
    },
  );

  it('rejects an answer without existsWhatsapp (validated)', async () => {
    api.fake.checkAnswer = { exists: true };
    const { channel } = standalone(api.apiUrl);
    const err = (await channel.checkNumber('79001234567').catch((e: unknown) => e)) as ChannelError;
    expect(err).toBeInstanceOf(ChannelError);
    expect(err.kind).toBe('unavailable');
  });
});
