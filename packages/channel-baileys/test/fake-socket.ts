import { EventEmitter } from 'node:events';
import type { BaileysSocketConfig, BaileysSocketLike } from '../src/index.js';

export const OWN_PN = '79990000000@s.whatsapp.net';
export const OWN_LID = '99990000000001@lid';

/** A Baileys error as the socket throws it: a Boom with `output.statusCode`. */
export function boom(message: string, statusCode: number): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode } });
}

/** Implements the socket members the channel uses; tests drive it by emitting Baileys events. */
export class FakeSocket implements BaileysSocketLike {
  readonly ev = new EventEmitter();
  readonly sent: { chatId: string; text: string }[] = [];
  /** The options of each successful `sendMessage`, in order (`messageId` when the channel set one). */
  readonly sendOptions: ({ messageId?: string } | undefined)[] = [];
  timelockQueries = 0;
  readonly presence: { type: string; jid?: string }[] = [];
  readonly pairingRequests: string[] = [];
  readonly onWhatsAppCalls: string[][] = [];
  nextFailure?: Error;
  ended = false;
  user = { id: `79990000000:12@s.whatsapp.net`, lid: `99990000000001:12@lid` };
  groups: Record<string, string> = {};
  groupMetadataCalls = 0;
  private seq = 0;

  constructor(readonly config: BaileysSocketConfig) {}

  /** Like Baileys: the sent message's key carries `options.messageId` when given, else a new id. */
  async sendMessage(chatId: string, content: { text: string }, options?: { messageId?: string }) {
    const failure = this.nextFailure;
    this.nextFailure = undefined;
    if (failure) throw failure;
    this.sent.push({ chatId, text: content.text });
    this.sendOptions.push(options);
    return { key: { remoteJid: chatId, fromMe: true, id: options?.messageId || `OUT${++this.seq}` } };
  }
  async fetchAccountReachoutTimelock() {
    this.timelockQueries++;
    return { isActive: false };
  }
  async sendPresenceUpdate(type: 'available' | 'unavailable' | 'composing' | 'recording' | 'paused', jid?: string) {
    this.presence.push({ type, ...(jid ? { jid } : {}) });
  }
  async onWhatsApp(...jids: string[]) {
    this.onWhatsAppCalls.push(jids);
    return jids.filter((j) => !j.startsWith('000')).map((jid) => ({ jid, exists: true }));
  }
  async requestPairingCode(phone: string) {
    this.pairingRequests.push(phone);
    return 'ABCD1234';
  }
  async groupMetadata(jid: string) {
    this.groupMetadataCalls++;
    const subject = this.groups[jid];
    if (!subject) throw boom('item-not-found', 404);
    return { id: jid, subject };
  }
  end(): void {
    this.ended = true;
  }
  open(): void {
    this.ev.emit('connection.update', { connection: 'open' });
  }
  close(statusCode: number | undefined, message = 'closed'): void {
    this.ev.emit('connection.update', {
      connection: 'close',
      lastDisconnect: {
        error: statusCode === undefined ? new Error(message) : boom(message, statusCode),
        date: new Date(),
      },
    });
  }
}

/** `messages.update` as Baileys' `handleBadAck` emits it for a NACK of a message we sent. */
export function nack(id: string, error: string, remoteJid = '79001234567@s.whatsapp.net') {
  return [
    {
      key: { remoteJid, fromMe: true, id },
      update: {
        status: 0,
        messageStubParameters: error === '463' ? [error, 'Your account has been restricted'] : [error],
      },
    },
  ];
}

/** `messages.update` as Baileys' `handleReceipt` emits it: `{ status, messageTimestamp }` per id. */
export function receipt(ids: string[], status: number, fromMe = true, remoteJid = '79001234567@s.whatsapp.net') {
  return ids.map((id) => ({ key: { remoteJid, fromMe, id }, update: { status, messageTimestamp: 1_767_225_700 } }));
}

/** A factory that records every socket it made. */
export function fakeFactory() {
  const sockets: FakeSocket[] = [];
  const createSocket = (config: BaileysSocketConfig) => {
    const s = new FakeSocket(config);
    sockets.push(s);
    return s;
  };
  return { sockets, createSocket, last: () => sockets[sockets.length - 1]! };
}

let counter = 0;
/** A `messages.upsert` event. */
export function upsert(
  opts: {
    remoteJid?: string;
    id?: string;
    text?: string;
    fromMe?: boolean;
    participant?: string;
    remoteJidAlt?: string;
    participantAlt?: string;
    type?: 'notify' | 'append';
    message?: Record<string, unknown>;
    extended?: boolean;
  } = {},
) {
  const text = opts.text ?? 'hello bot';
  const key: Record<string, unknown> = {
    remoteJid: opts.remoteJid ?? '79001234567@s.whatsapp.net',
    id: opts.id ?? `3EB0${(++counter).toString(16).toUpperCase().padStart(8, '0')}`,
    fromMe: opts.fromMe ?? false,
  };
  if (opts.participant) key.participant = opts.participant;
  if (opts.remoteJidAlt) key.remoteJidAlt = opts.remoteJidAlt;
  if (opts.participantAlt) key.participantAlt = opts.participantAlt;
  return {
    type: opts.type ?? 'notify',
    messages: [
      {
        key,
        messageTimestamp: 1_767_225_600,
        pushName: 'Ivan',
        message: opts.message ?? (opts.extended ? { extendedTextMessage: { text } } : { conversation: text }),
      },
    ],
  };
}
