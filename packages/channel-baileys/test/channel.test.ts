import { type BotPlugin, ChannelError, createEngine, SecretBox, Tokens, VirtualClock } from '@smmbot/core';
import { MemoryKeyValueStore, memoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { type BaileysChannel, baileys, backoffDelay, decideReconnect, defaultReconnectPolicy } from '../src/index.js';
import { fakeFactory, upsert } from './fake-socket.js';
import { captureLogs, makeChannel, SECRET } from './helpers.js';

const state = (over: Partial<Parameters<typeof decideReconnect>[1]> = {}) => ({
  attempt: 0,
  replacedAt: [],
  now: 1_000_000,
  random: 0.5,
  ...over,
});

describe('reconnect policy (pure)', () => {
  it.each([
    [515, 'reconnect'],
    [408, 'reconnect'],
    [428, 'reconnect'],
    [500, 'reconnect'],
    [503, 'reconnect'],
    [undefined, 'reconnect'],
    [401, 'logged_out'],
    [411, 'logged_out'],
    [403, 'banned'],
    [402, 'banned'],
    [406, 'banned'],
    [405, 'failed'],
  ] as const)('code %s → %s', (code, expected) => {
    const d = decideReconnect(code, state());
    expect(d.action === 'reconnect' ? 'reconnect' : d.status).toBe(expected);
  });

  it('515 restarts at once; others back off exponentially with a cap and jitter', () => {
    expect(decideReconnect(515, state({ attempt: 7 }))).toMatchObject({ action: 'reconnect', delayMs: 0 });
    const p = { ...defaultReconnectPolicy, baseDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.2 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, p, 0.5))).toEqual([1000, 2000, 4000, 8000, 30_000]);
    expect(backoffDelay(2, p, 0)).toBe(3200);
    expect(backoffDelay(2, p, 0.999)).toBeGreaterThan(4790);
    expect(backoffDelay(20, p, 0.999)).toBe(30_000);
  });

  it('405 and 401 tell the operator; 401 wipes the creds', () => {
    expect(decideReconnect(405, state())).toMatchObject({ notifyOperator: true, wipeCreds: false });
    expect(decideReconnect(401, state())).toMatchObject({ notifyOperator: true, wipeCreds: true });
  });

  it('440 loop guard: stops at the Nth replaced session within the window only', () => {
    const p = { ...defaultReconnectPolicy, maxReplaced: 3, replacedWindowMs: 60_000 };
    expect(decideReconnect(440, state({ replacedAt: [990_000] }), p).action).toBe('reconnect');
    expect(decideReconnect(440, state({ replacedAt: [980_000, 990_000] }), p)).toMatchObject({ status: 'failed' });
    expect(decideReconnect(440, state({ replacedAt: [1, 2] }), p).action).toBe('reconnect');
  });

  it('gives up after maxAttempts', () => {
    expect(decideReconnect(428, state({ attempt: 50 }))).toMatchObject({ action: 'stop', status: 'failed' });
  });
});

describe('reconnect through the fake socket on virtual time', () => {
  it('515 makes a new socket at once; 428 backs off 1s, 2s, 4s; open resets the back-off', async () => {
    const { channel, factory, clock } = await makeChannel();
    await channel.start();
    expect(channel.status).toBe('connecting');
    factory.last().open();
    expect(channel.status).toBe('open');
    factory.last().close(515, 'restart required');
    expect(channel.status).toBe('reconnecting');
    await clock.advance(0);
    expect(factory.sockets).toHaveLength(2);
    expect(factory.sockets[0]!.ended).toBe(true);
    for (const [n, wait] of [
      [3, 1000],
      [4, 2000],
      [5, 4000],
    ] as const) {
      factory.last().close(428, 'Connection Terminated');
      await clock.advance(wait - 1);
      expect(factory.sockets).toHaveLength(n - 1);
      await clock.advance(1);
      expect(factory.sockets).toHaveLength(n);
    }
    factory.last().open();
    factory.last().close(408);
    await clock.advance(1000);
    expect(factory.sockets).toHaveLength(6);
    await channel.stop();
  });

  it('events of an old socket are ignored after it was replaced', async () => {
    const { channel, factory, clock, received } = await makeChannel();
    await channel.start();
    const old = factory.last();
    old.close(515);
    await clock.advance(0);
    factory.last().open();
    old.close(401);
    old.ev.emit('messages.upsert', upsert());
    await channel.idle();
    expect(channel.status).toBe('open');
    expect(received).toHaveLength(0);
    await channel.stop();
  });

  it('401 stops with logged_out and wipes creds; 403 stops with banned; no reconnect', async () => {
    for (const [code, status] of [
      [401, 'logged_out'],
      [403, 'banned'],
    ] as const) {
      const { channel, factory, clock, logs } = await makeChannel();
      await channel.start();
      factory.last().open();
      factory.last().close(code);
      await clock.advance(10 * 60_000);
      expect(channel.status).toBe(status);
      expect(factory.sockets).toHaveLength(1);
      expect(logs.lines.some((l) => l.level === 50 && String(l.msg).startsWith('whatsapp channel stopped'))).toBe(true);
      const err = await channel
        .send({ tenantId: 'default', channel: 'whatsapp', chatId: '1@s.whatsapp.net', text: 'x', priority: 'support' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      expect((err as ChannelError).retryable).toBe(false);
    }
  });

  it('405 stops and tells the operator in the log', async () => {
    const { channel, factory, clock, logs } = await makeChannel();
    await channel.start();
    factory.last().close(405, 'Connection Failure');
    await clock.advance(60_000);
    expect(channel.status).toBe('failed');
    expect(channel.login.reason).toMatch(/version/);
    const line = logs.lines.find((l) => l.level === 50 && l.code === 405);
    expect(line).toMatchObject({ operator: true });
    expect(factory.sockets).toHaveLength(1);
  });

  it('440 loop guard stops after 3 replaced sessions in the window', async () => {
    const { channel, factory, clock } = await makeChannel({
      reconnect: { baseDelayMs: 1000, jitter: 0, maxReplaced: 3 },
    });
    await channel.start();
    factory.last().open();
    factory.last().close(440, 'conflict');
    await clock.advance(1000);
    factory.last().open();
    factory.last().close(440, 'conflict');
    await clock.advance(1000);
    expect(factory.sockets).toHaveLength(3);
    factory.last().open();
    factory.last().close(440, 'conflict');
    await clock.advance(60_000);
    expect(channel.status).toBe('failed');
    expect(factory.sockets).toHaveLength(3);
  });

  it('a deliberate stop is not resurrected by the close it causes or a pending timer', async () => {
    const { channel, factory, clock } = await makeChannel();
    await channel.start();
    factory.last().close(428);
    await channel.stop();
    await clock.advance(60_000);
    expect(factory.sockets).toHaveLength(1);
    expect(channel.status).toBe('stopped');
  });

  it('sending while reconnecting is a retryable error', async () => {
    const { channel, factory } = await makeChannel();
    await channel.start();
    factory.last().close(428);
    const err = await channel
      .send({ tenantId: 'default', channel: 'whatsapp', chatId: '1@s.whatsapp.net', text: 'x', priority: 'support' })
      .catch((e: unknown) => e);
    expect((err as ChannelError).retryable).toBe(true);
    await channel.stop();
  });
});

describe('inbound', () => {
  it('ignores append (offline/history) upserts and handles every message of a notify batch', async () => {
    const { channel, factory, received } = await makeChannel();
    await channel.start();
    factory.last().ev.emit('messages.upsert', upsert({ type: 'append' }));
    const batch = upsert({ id: 'A' });
    batch.messages.push(upsert({ id: 'B', text: 'second' }).messages[0]!);
    factory.last().ev.emit('messages.upsert', batch);
    await channel.idle();
    expect(received.map((m) => m.text)).toEqual(['hello bot', 'second']);
    expect(received[0]!.id).toBe('wa:79001234567@s.whatsapp.net:A');
    expect(received[0]!.sentAt).toBe(1_767_225_600_000);
    await channel.stop();
  });

  it('ignores messages from our own number even without fromMe, and media without text', async () => {
    const { channel, factory, received } = await makeChannel();
    await channel.start();
    factory.last().ev.emit('messages.upsert', upsert({ remoteJid: '120363@g.us', participant: '99990000000001@lid' }));
    factory.last().ev.emit('messages.upsert', upsert({ message: { imageMessage: { url: 'x' } } }));
    await channel.idle();
    expect(received).toEqual([]);
    await channel.stop();
  });

  it('group titles come from groups.upsert or groupMetadata (fetched once) and survive a restart', async () => {
    const clock = new VirtualClock();
    const kv = new MemoryKeyValueStore(clock);
    const { channel, factory, received } = await makeChannel({}, { kv, clock });
    await channel.start();
    factory.last().groups['111@g.us'] = 'Resellers';
    factory.last().ev.emit('groups.upsert', [{ id: '222@g.us', subject: 'VIP' }]);
    for (let i = 0; i < 3; i++) {
      factory.last().ev.emit('messages.upsert', upsert({ remoteJid: '111@g.us', participant: '7900@s.whatsapp.net' }));
    }
    factory.last().ev.emit('messages.upsert', upsert({ remoteJid: '222@g.us', participant: '7900@s.whatsapp.net' }));
    await channel.idle();
    expect(received.map((m) => m.chat.title)).toEqual(['Resellers', 'Resellers', 'Resellers', 'VIP']);
    expect(factory.last().groupMetadataCalls).toBe(1);
    await channel.stop();
    const again = await makeChannel({}, { kv, clock });
    await again.channel.start();
    again.factory
      .last()
      .ev.emit('messages.upsert', upsert({ remoteJid: '111@g.us', participant: '7900@s.whatsapp.net' }));
    await again.channel.idle();
    expect(again.received[0]!.chat.title).toBe('Resellers');
    expect(again.factory.last().groupMetadataCalls).toBe(0);
  });
});

describe('LID ↔ PN aliasing', () => {
  const LID = '123456789012345@lid';
  const PN = '79001234567@s.whatsapp.net';

  it('uses remoteJidAlt / participantAlt for both aliases and learns the pair', async () => {
    const { channel, factory, received } = await makeChannel();
    await channel.start();
    factory.last().ev.emit('messages.upsert', upsert({ remoteJid: LID, remoteJidAlt: PN }));
    factory
      .last()
      .ev.emit(
        'messages.upsert',
        upsert({ remoteJid: '120363@g.us', participant: '555@lid', participantAlt: '79005555555@s.whatsapp.net' }),
      );
    await channel.idle();
    expect(received[0]!.chat).toEqual({ id: LID, kind: 'private' });
    expect(received[0]!.sender).toMatchObject({ id: LID, aliases: { lid: LID, pn: PN } });
    expect(received[1]!.sender).toMatchObject({
      id: '555@lid',
      aliases: { lid: '555@lid', pn: '79005555555@s.whatsapp.net' },
    });
    expect(channel.lidMap?.pnFor(LID)).toBe(PN);
    await channel.stop();
  });

  it('fills the missing form from lid-mapping.update, in both directions, and persists the map', async () => {
    const clock = new VirtualClock();
    const kv = new MemoryKeyValueStore(clock);
    const { channel, factory, received } = await makeChannel({}, { kv, clock });
    await channel.start();
    factory.last().ev.emit('lid-mapping.update', { lid: LID, pn: '79001234567:3@s.whatsapp.net' });
    factory.last().ev.emit('messages.upsert', upsert({ remoteJid: LID }));
    factory.last().ev.emit('messages.upsert', upsert({ remoteJid: PN }));
    await channel.idle();
    expect(received[0]!.sender.aliases).toEqual({ lid: LID, pn: PN });
    expect(received[1]!.sender).toMatchObject({ id: PN, aliases: { lid: LID, pn: PN } });
    await channel.stop();
    const stored = await kv.get<string>('default', 'baileys:whatsapp:lidmap');
    expect(SecretBox.isSealed(stored!)).toBe(true);
    expect(stored).not.toContain('79001234567');
    const again = await makeChannel({}, { kv, clock });
    await again.channel.start();
    again.factory.last().ev.emit('messages.upsert', upsert({ remoteJid: LID }));
    await again.channel.idle();
    expect(again.received[0]!.sender.aliases).toEqual({ lid: LID, pn: PN });
  });

  it('an unknown LID keeps only the LID (a missing phone number is normal)', async () => {
    const { channel, factory, received } = await makeChannel();
    await channel.start();
    factory.last().ev.emit('messages.upsert', upsert({ remoteJid: '42@lid' }));
    await channel.idle();
    expect(received[0]!.sender).toMatchObject({ id: '42@lid', aliases: { lid: '42@lid' } });
    await channel.stop();
  });
});

describe('login, typing and onWhatsApp', () => {
  it('keeps and prints the QR; open clears it', async () => {
    const { channel, factory, printed } = await makeChannel();
    const seen: string[] = [];
    channel.onStatus((i) => seen.push(i.status));
    await channel.start();
    factory.last().ev.emit('connection.update', { qr: '2@abc,def,ghi' });
    expect(channel.login).toEqual({ status: 'qr', qr: '2@abc,def,ghi' });
    expect(printed.join('')).toContain('2@abc,def,ghi');
    factory.last().ev.emit('connection.update', { qr: '2@second' });
    expect(channel.login.qr).toBe('2@second');
    factory.last().open();
    expect(channel.login).toEqual({ status: 'open' });
    expect(seen).toEqual(['connecting', 'qr', 'qr', 'open']);
    await channel.stop();
  });

  it('requests a pairing code once per socket after the first QR, only when not registered', async () => {
    const { channel, factory, printed } = await makeChannel({ pairingPhone: '79990000000' });
    await channel.start();
    factory.last().ev.emit('connection.update', { qr: 'q1' });
    factory.last().ev.emit('connection.update', { qr: 'q2' });
    await new Promise((r) => setImmediate(r));
    expect(factory.last().pairingRequests).toEqual(['79990000000']);
    expect(channel.login.pairingCode).toBe('ABCD1234');
    expect(printed.join('')).toContain('ABCD1234');
    expect(printed.join('')).not.toContain('q1');
    await channel.stop();
  });

  it('typing sends composing, waits on the clock, then paused', async () => {
    const { channel, factory, clock } = await makeChannel();
    await channel.start();
    factory.last().open();
    const typing = channel.typing('7900@s.whatsapp.net', 2000);
    await clock.advance(1999);
    expect(factory.last().presence).toEqual([{ type: 'composing', jid: '7900@s.whatsapp.net' }]);
    await clock.advance(1);
    await typing;
    expect(factory.last().presence.map((p) => p.type)).toEqual(['composing', 'paused']);
    await channel.stop();
  });

  it('onWhatsApp answers per number and caches answers (including "not on WhatsApp")', async () => {
    const { channel, factory, clock } = await makeChannel();
    await channel.start();
    factory.last().open();
    const r1 = await channel.onWhatsApp('+7 900 123-45-67', '0001');
    expect(r1.get('+7 900 123-45-67')).toBe('79001234567@s.whatsapp.net');
    expect(r1.get('0001')).toBeUndefined();
    await channel.onWhatsApp('79001234567', '0001');
    expect(factory.last().onWhatsAppCalls).toHaveLength(1);
    await clock.advance(60_000);
    await channel.onWhatsApp('79001234567');
    expect(factory.last().onWhatsAppCalls).toHaveLength(2);
    await channel.stop();
  });
});

describe('with an engine', () => {
  const echo: BotPlugin = {
    name: 'echo',
    apply: ({ hooks }) =>
      hooks.command.for('unknown').tap('echo', (turn) => ({ replies: [{ text: `got: ${turn.message.text}` }] })),
  };
  const secrets: BotPlugin = {
    name: 'secrets',
    register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox(SECRET) }),
  };

  it('replay storm: the same upsert 1,000 times is answered exactly once', async () => {
    const factory = fakeFactory();
    const engine = createEngine({
      logger: captureLogs().logger,
      plugins: [memoryStorage(), secrets, baileys({ createSocket: factory.createSocket, printQr: false }), echo],
    });
    await engine.start();
    const channel = engine.channels.get('whatsapp') as BaileysChannel;
    factory.last().open();
    const event = upsert({ id: 'STORM', text: 'status 1001' });
    for (let i = 0; i < 1000; i++) factory.last().ev.emit('messages.upsert', event);
    await channel.idle();
    await engine.stop();
    expect(factory.last().sent).toEqual([{ chatId: '79001234567@s.whatsapp.net', text: 'got: status 1001' }]);
  });

  it('refuses to start without a SecretBox', async () => {
    const engine = createEngine({
      logger: captureLogs().logger,
      plugins: [memoryStorage(), baileys({ createSocket: fakeFactory().createSocket, printQr: false })],
    });
    await expect(engine.start()).rejects.toThrow(/SecretBox/);
  });
});
