import { ChannelError, type DeliveryEvent, type LinkStatus, type OutboundMessage } from '@smmbot/core';
import { assertNodeErrorFree, generateMessageIDV2, WAMessageStatus } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { sendError, toDeliveryEvent, toLinkStatus, WA_STATUS, waMessageId } from '../src/index.js';
import { boom, nack, OWN_PN, receipt } from './fake-socket.js';
import { makeChannel } from './helpers.js';

const PRIVATE = '79001234567@s.whatsapp.net';
const out = (extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  tenantId: 'default',
  channel: 'whatsapp',
  chatId: PRIVATE,
  text: 'Order 1001 is completed.',
  priority: 'support',
  ...extra,
});

/** The error Baileys throws for an error node in a query answer (`new Boom(text, { data: code })`). */
function nodeError(code: number, text: string): unknown {
  try {
    assertNodeErrorFree({ tag: 'iq', attrs: {}, content: [{ tag: 'error', attrs: { code: String(code), text } }] });
  } catch (err) {
    return err;
  }
  throw new Error('assertNodeErrorFree did not throw');
}

async function connected() {
  const ctx = await makeChannel();
  await ctx.channel.start();
  ctx.factory.last().open();
  return ctx;
}

describe('capabilities', () => {
  it('is an anti-ban channel (a personal WhatsApp account)', async () => {
    const { channel } = await makeChannel();
    expect(channel.capabilities.antiBan).toBe(true);
  });
});

describe('deterministic WhatsApp message id', () => {
  it('has the shape of Baileys generateMessageIDV2: 3EB0 + 18 upper-case hex digits', () => {
    const theirs = generateMessageIDV2(OWN_PN);
    const ours = waMessageId('wa:main:ABCD:r1');
    expect(theirs).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(ours).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(ours).toHaveLength(theirs.length);
  });

  it('gives the same id for the same key and different ids for different keys', () => {
    const uuid = '0b7e0a52-8f0e-4c59-9a43-3a1c2b8f1d10';
    expect(waMessageId('wa:main:ABCD:r1')).toBe(waMessageId('wa:main:ABCD:r1'));
    expect(waMessageId(uuid)).toBe(waMessageId(uuid));
    const ids = new Set(['wa:main:ABCD:r1', 'wa:main:ABCD:r2', 'wa:main:ABCE:r1', uuid].map(waMessageId));
    expect(ids.size).toBe(4);
  });

  it('is passed to sendMessage as options.messageId and comes back as the receipt platformId', async () => {
    const { channel, factory } = await connected();
    const receiptOut = await channel.send(out({ id: 'wa:main:ABCD:r1' }));
    expect(factory.last().sendOptions).toEqual([{ messageId: waMessageId('wa:main:ABCD:r1') }]);
    expect(receiptOut.platformId).toBe(waMessageId('wa:main:ABCD:r1'));
    await channel.stop();
  });

  it('a resend after a crash (a new channel, a new socket) carries the same WhatsApp id', async () => {
    const first = await connected();
    const a = await first.channel.send(out({ id: 'wa:main:CRASH:r1' }));
    await first.channel.stop();
    const second = await connected();
    const b = await second.channel.send(out({ id: 'wa:main:CRASH:r1' }));
    expect(b.platformId).toBe(a.platformId);
    expect(second.factory.last().sendOptions[0]).toEqual(first.factory.last().sendOptions[0]);
    await second.channel.stop();
  });

  it('without message.id Baileys picks the id (no messageId option)', async () => {
    const { channel, factory } = await connected();
    const r = await channel.send(out());
    expect(factory.last().sendOptions).toEqual([{}]);
    expect(r.platformId).toBe('OUT1');
    await channel.stop();
  });
});

describe('delivery events from messages.update', () => {
  it('WA_STATUS matches Baileys WAMessageStatus', () => {
    expect(WA_STATUS).toEqual({
      ERROR: WAMessageStatus.ERROR,
      PENDING: WAMessageStatus.PENDING,
      SERVER_ACK: WAMessageStatus.SERVER_ACK,
      DELIVERY_ACK: WAMessageStatus.DELIVERY_ACK,
      READ: WAMessageStatus.READ,
      PLAYED: WAMessageStatus.PLAYED,
    });
  });

  it('maps DELIVERY_ACK to delivered, READ and PLAYED to read, and ignores PENDING/SERVER_ACK', async () => {
    const { channel, factory } = await connected();
    const events: DeliveryEvent[] = [];
    channel.onDelivery((e) => events.push(e));
    const ev = factory.last().ev;
    ev.emit('messages.update', receipt(['M1'], WAMessageStatus.SERVER_ACK));
    ev.emit('messages.update', receipt(['M0'], WAMessageStatus.PENDING));
    ev.emit('messages.update', receipt(['M1', 'M2'], WAMessageStatus.DELIVERY_ACK));
    ev.emit('messages.update', receipt(['M1'], WAMessageStatus.READ));
    ev.emit('messages.update', receipt(['M3'], WAMessageStatus.PLAYED));
    expect(events).toEqual([
      { platformId: 'M1', status: 'delivered' },
      { platformId: 'M2', status: 'delivered' },
      { platformId: 'M1', status: 'read' },
      { platformId: 'M3', status: 'read' },
    ]);
    await channel.stop();
  });

  it('ignores updates of messages others sent (our other device reading an inbound message)', async () => {
    const { channel, factory } = await connected();
    const events: DeliveryEvent[] = [];
    channel.onDelivery((e) => events.push(e));
    factory.last().ev.emit('messages.update', receipt(['IN1'], WAMessageStatus.READ, false));
    factory.last().ev.emit('messages.update', [{ key: { remoteJid: PRIVATE, fromMe: false, id: 'IN2' }, update: {} }]);
    expect(events).toEqual([]);
    await channel.stop();
  });

  it('maps a NACK (status ERROR) to failed with the code from messageStubParameters', async () => {
    const { channel, factory, logs } = await connected();
    const events: DeliveryEvent[] = [];
    channel.onDelivery((e) => events.push(e));
    factory.last().ev.emit('messages.update', nack('N1', '479'));
    factory.last().ev.emit('messages.update', nack('N2', '463'));
    factory
      .last()
      .ev.emit('messages.update', [
        { key: { remoteJid: PRIVATE, fromMe: true, id: 'N3' }, update: { status: WAMessageStatus.ERROR } },
      ]);
    expect(events).toEqual([
      { platformId: 'N1', status: 'failed', code: 479 },
      { platformId: 'N2', status: 'failed', code: 463 },
      { platformId: 'N3', status: 'failed' },
    ]);
    expect(logs.lines.filter((l) => l.msg === 'whatsapp NACK').map((l) => l.code)).toEqual([479, 463, undefined]);
    await channel.stop();
  });

  it('a 463 NACK carries the timelock end when one is known, and asks for the timelock at most once a minute', async () => {
    const { channel, factory, clock } = await connected();
    const events: DeliveryEvent[] = [];
    channel.onDelivery((e) => events.push(e));
    const sock = factory.last();
    sock.ev.emit('messages.update', nack('A', '463'));
    sock.ev.emit('messages.update', nack('B', '463'));
    expect(sock.timelockQueries).toBe(1);
    const until = clock.now() + 3_600_000;
    sock.ev.emit('connection.update', { reachoutTimeLock: { isActive: true, timeEnforcementEnds: new Date(until) } });
    sock.ev.emit('messages.update', nack('C', '463'));
    sock.ev.emit('messages.update', nack('D', '479'));
    expect(events.map((e) => e.until)).toEqual([undefined, undefined, until, undefined]);
    await clock.advance(60_000);
    sock.ev.emit('messages.update', nack('E', '463'));
    expect(sock.timelockQueries).toBe(2);
    await channel.stop();
  });

  it('unsubscribes, and a throwing listener does not stop the others', async () => {
    const { channel, factory } = await connected();
    const events: DeliveryEvent[] = [];
    channel.onDelivery(() => {
      throw new Error('listener bug');
    });
    const off = channel.onDelivery((e) => events.push(e));
    factory.last().ev.emit('messages.update', receipt(['X1'], WAMessageStatus.DELIVERY_ACK));
    off();
    factory.last().ev.emit('messages.update', receipt(['X2'], WAMessageStatus.DELIVERY_ACK));
    expect(events.map((e) => e.platformId)).toEqual(['X1']);
    await channel.stop();
  });

  it('toDeliveryEvent ignores entries without an id and non-numeric stub parameters', () => {
    expect(toDeliveryEvent({ key: { fromMe: true }, update: { status: 3 } })).toBeUndefined();
    expect(
      toDeliveryEvent({ key: { fromMe: true, id: 'Z' }, update: { status: 0, messageStubParameters: ['Bad MAC'] } }),
    ).toEqual({ platformId: 'Z', status: 'failed' });
  });
});

describe('link status', () => {
  it('follows the login: idle → connecting → QR → connected → reconnecting (428) → connected', async () => {
    const { channel, factory, clock } = await makeChannel();
    expect(channel.link()).toEqual({ state: 'disconnected', reason: 'not started' });
    const seen: LinkStatus[] = [];
    channel.onLink((s) => seen.push(s));
    await channel.start();
    factory.last().ev.emit('connection.update', { qr: 'q1' });
    factory.last().ev.emit('connection.update', { qr: 'q2' });
    factory.last().open();
    factory.last().close(428, 'Connection Terminated');
    await clock.advance(1000);
    expect(factory.sockets).toHaveLength(2);
    factory.last().open();
    await channel.stop();
    expect(seen).toEqual([
      { state: 'connecting' },
      { state: 'connecting', reason: 'waiting for the QR scan' },
      { state: 'connected' },
      { state: 'connecting', reason: 'closed with 428', code: 428 },
      { state: 'connected' },
      { state: 'disconnected', reason: 'stopped' },
    ]);
  });

  it.each([
    [403, 'banned'],
    [402, 'banned'],
    [406, 'banned'],
    [401, 'logged_out'],
    [411, 'logged_out'],
    [405, 'disconnected'],
  ] as const)('close %i → %s with the code and reason', async (code, state) => {
    const { channel, factory } = await connected();
    const seen: LinkStatus[] = [];
    channel.onLink((s) => seen.push(s));
    factory.last().close(code);
    expect(channel.link()).toMatchObject({ state, code, reason: expect.any(String) });
    expect(seen).toEqual([channel.link()]);
  });

  it('a reach-out timelock keeps the link connected, with the timelock as reason and code 463, until it ends', async () => {
    const { channel, factory, clock } = await connected();
    const seen: LinkStatus[] = [];
    channel.onLink((s) => seen.push(s));
    const until = clock.now() + 2 * 3_600_000;
    factory.last().ev.emit('connection.update', {
      reachoutTimeLock: { isActive: true, timeEnforcementEnds: new Date(until), enforcementType: 'BIZ_QUALITY' },
    });
    expect(channel.link()).toEqual({
      state: 'connected',
      code: 463,
      reason: `reach-out timelock (BIZ_QUALITY): new chats are blocked until ${new Date(until).toISOString()}`,
    });
    await clock.advance(2 * 3_600_000 - 1);
    expect(channel.link().code).toBe(463);
    await clock.advance(1);
    expect(channel.link()).toEqual({ state: 'connected' });
    expect(seen.map((s) => s.code)).toEqual([463, undefined]);
    await channel.stop();
  });

  it('a timelock lifted (isActive false) clears the reason at once; one without an end stays', async () => {
    const { channel, factory, clock } = await connected();
    factory.last().ev.emit('connection.update', { reachoutTimeLock: { isActive: true } });
    await clock.advance(24 * 3_600_000);
    expect(channel.link()).toMatchObject({
      state: 'connected',
      code: 463,
      reason: expect.stringMatching(/until further notice/),
    });
    factory.last().ev.emit('connection.update', { reachoutTimeLock: { isActive: false, enforcementType: 'DEFAULT' } });
    expect(channel.link()).toEqual({ state: 'connected' });
    await channel.stop();
  });

  it('the pairing-code login says so', () => {
    expect(toLinkStatus({ status: 'qr', qr: 'x', pairingCode: 'ABCD1234' }, undefined, 0)).toEqual({
      state: 'connecting',
      reason: 'waiting for the pairing code to be entered on the phone',
    });
  });
});

describe('send errors and kinds', () => {
  const kindOf = (err: unknown, ctx = {}) => sendError(err, 'whatsapp', ctx).kind;

  it.each([
    ['463 Boom', boom('account restricted', 463), 'timelock'],
    ['463 error node', nodeError(463, 'reachout-timelocked'), 'timelock'],
    ['restricted text', new Error('Your account has been restricted'), 'timelock'],
    ['close 403', boom('forbidden', 403), 'banned'],
    ['close 402', boom('temporarily banned', 402), 'banned'],
    ['close 406', boom('banned', 406), 'banned'],
    ['close 401', boom('Intentional Logout', 401), 'unauthorized'],
    ['close 428', boom('Connection Closed', 428), 'unavailable'],
    ['close 515', boom('restart required', 515), 'unavailable'],
    ['rate-overlimit node', nodeError(429, 'rate-overlimit'), 'rate_limited'],
    ['403 node (a group we are not in)', nodeError(403, 'forbidden'), 'rejected'],
    ['401 node', nodeError(401, 'not-authorized'), 'rejected'],
    ['anything else', new Error('invalid jid'), 'rejected'],
    [
      'close 428 with numeric data (not an error node)',
      Object.assign(boom('Stream Errored', 428), { data: 403 }),
      'unavailable',
    ],
  ] as const)('%s → %s', (_label, err, kind) => {
    expect(kindOf(err)).toBe(kind);
  });

  it('timelock errors are retryable after the timelock ends when it is known', () => {
    const err = sendError(boom('x', 463), 'whatsapp', { timelockUntil: 1_000_000 + 90_000, now: 1_000_000 });
    expect(err).toMatchObject({ kind: 'timelock', retryable: true, retryAfterMs: 90_000 });
    expect(sendError(boom('x', 463), 'whatsapp').retryAfterMs).toBeUndefined();
    expect(sendError(boom('x', 403), 'whatsapp').retryable).toBe(false);
  });

  it('a send refused with 463 throws kind timelock with the end of the active timelock', async () => {
    const { channel, factory, clock } = await connected();
    const until = clock.now() + 600_000;
    factory.last().ev.emit('connection.update', { reachoutTimeLock: { isActive: true, timeEnforcementEnds: until } });
    factory.last().nextFailure = boom('account restricted', 463);
    const err = (await channel.send(out()).catch((e: unknown) => e)) as ChannelError;
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ kind: 'timelock', retryable: true, retryAfterMs: 600_000 });
    await channel.stop();
  });

  it.each([
    [403, 'banned', false],
    [401, 'unauthorized', false],
    [405, 'unavailable', false],
    [428, 'unavailable', true],
  ] as const)('sending after close %i is kind %s (retryable %s)', async (code, kind, retryable) => {
    const { channel, factory } = await connected();
    factory.last().close(code);
    const err = (await channel.send(out()).catch((e: unknown) => e)) as ChannelError;
    expect(err).toBeInstanceOf(ChannelError);
    expect(err.kind).toBe(kind);
    expect(err.retryable).toBe(retryable);
    expect(err.details).toMatchObject({ code });
    await channel.stop();
  });
});

describe('checkNumber', () => {
  it('answers the chat id for a number on WhatsApp and undefined for one that is not', async () => {
    const { channel, factory } = await connected();
    expect(await channel.checkNumber('+7 900 123-45-67')).toBe(PRIVATE);
    expect(await channel.checkNumber('0001234')).toBeUndefined();
    expect(factory.last().onWhatsAppCalls).toEqual([[PRIVATE], ['0001234@s.whatsapp.net']]);
    await channel.stop();
  });

  it('caches both answers (shared with onWhatsApp) until onWhatsAppCacheMs, also while disconnected', async () => {
    const { channel, factory, clock } = await connected();
    await channel.checkNumber('79001234567');
    await channel.checkNumber('0001234');
    factory.last().close(428);
    expect(await channel.checkNumber('79001234567')).toBe(PRIVATE);
    expect(await channel.checkNumber('0001234')).toBeUndefined();
    expect(factory.sockets[0]!.onWhatsAppCalls).toHaveLength(2);
    await clock.advance(60_000);
    factory.last().open();
    await channel.checkNumber('79001234567');
    expect(factory.last().onWhatsAppCalls).toEqual([[PRIVATE]]);
    await channel.stop();
  });

  it('throws a retryable unavailable error when it must ask and the socket is not open', async () => {
    const { channel } = await makeChannel();
    await channel.start();
    const err = (await channel.checkNumber('79001234567').catch((e: unknown) => e)) as ChannelError;
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(await channel.checkNumber('no digits')).toBeUndefined();
    await channel.stop();
  });
});
