import type { InboundMessage } from '@smmbot/core';
import { isBroadcastJid, isGroupJid, isLidJid, isPnJid, normalizeJid } from './jid.js';

/** The parts of a Baileys `WAMessageKey` we read (7.x adds the `*Alt` fields). */
export interface WAMessageKeyLike {
  remoteJid?: string | null;
  id?: string | null;
  fromMe?: boolean | null;
  participant?: string | null;
  remoteJidAlt?: string | null;
  participantAlt?: string | null;
  addressingMode?: string | null;
}

/** The parts of a Baileys `WAMessage` we read. */
export interface WAMessageLike {
  key: WAMessageKeyLike;
  message?: {
    conversation?: string | null;
    extendedTextMessage?: { text?: string | null } | null;
    protocolMessage?: unknown;
    [other: string]: unknown;
  } | null;
  messageTimestamp?: number | string | { toNumber(): number } | null;
  pushName?: string | null;
  messageStubType?: number | null;
}

export interface MessagesUpsert {
  messages: WAMessageLike[];
  type: 'notify' | 'append' | string;
}

export interface NormalizeContext {
  tenantId: string;
  channel: string;
  /** Our own JIDs (PN and LID, normalized): a message from them is ours even without `fromMe`. */
  ownJids: ReadonlySet<string>;
  pnForLid(lid: string): string | undefined;
  lidForPn(pn: string): string | undefined;
  groupTitle(jid: string): string | undefined;
  now(): number;
}

/** The dedupe key: stable across redelivery of the same message. */
export function waMessageId(remoteJid: string, id: string): string {
  return `wa:${remoteJid}:${id}`;
}

/** Text of a plain or extended text message; undefined for everything else (media, protocol, reactions, edits). */
export function extractText(message: WAMessageLike['message']): string | undefined {
  if (!message) return undefined;
  if (typeof message.conversation === 'string' && message.conversation.length > 0) return message.conversation;
  const ext = message.extendedTextMessage?.text;
  return typeof ext === 'string' && ext.length > 0 ? ext : undefined;
}

function timestampMs(ts: WAMessageLike['messageTimestamp'], now: number): number {
  if (ts === null || ts === undefined) return now;
  const n = typeof ts === 'object' ? ts.toNumber() : Number(ts);
  return Number.isFinite(n) && n > 0 ? n * 1000 : now;
}

/** Both addresses of one WhatsApp user, from the key's alternate field and the LID map. */
export function addressesOf(
  jid: string,
  alt: string | null | undefined,
  ctx: Pick<NormalizeContext, 'pnForLid' | 'lidForPn'>,
): { lid?: string; pn?: string } {
  const main = normalizeJid(jid);
  const other = alt ? normalizeJid(alt) : undefined;
  let lid = isLidJid(main) ? main : other && isLidJid(other) ? other : undefined;
  let pn = isPnJid(main) ? main : other && isPnJid(other) ? other : undefined;
  if (lid && !pn) pn = ctx.pnForLid(lid);
  if (pn && !lid) lid = ctx.lidForPn(pn);
  const out: { lid?: string; pn?: string } = {};
  if (lid) out.lid = lid;
  if (pn) out.pn = pn;
  return out;
}

/**
 * One `WAMessage` → an InboundMessage, or the reason it is not one. Pure: lookups come from `ctx`.
 * Only text in private chats (`@s.whatsapp.net`, `@lid`) and groups (`@g.us`, sender = `participant`).
 */
export function toInbound(msg: WAMessageLike, ctx: NormalizeContext): InboundMessage | string {
  const { key } = msg;
  const remoteJid = key.remoteJid;
  if (!remoteJid || !key.id) return 'no_key';
  if (key.fromMe) return 'own';
  if (isBroadcastJid(remoteJid)) return 'broadcast';
  if (msg.messageStubType) return 'stub';
  const group = isGroupJid(remoteJid);
  if (!group && !isPnJid(remoteJid) && !isLidJid(remoteJid)) return 'chat:unsupported';
  const author = group ? key.participant : remoteJid;
  if (!author) return 'no_sender';
  const senderId = normalizeJid(author);
  if (ctx.ownJids.has(senderId)) return 'own';
  const text = extractText(msg.message);
  if (text === undefined) return msg.message?.protocolMessage ? 'protocol' : 'not_text';
  const aliases = addressesOf(author, group ? key.participantAlt : key.remoteJidAlt, ctx);
  const chatId = group ? remoteJid : normalizeJid(remoteJid);
  const title = group ? ctx.groupTitle(remoteJid) : undefined;
  return {
    id: waMessageId(remoteJid, key.id),
    tenantId: ctx.tenantId,
    channel: ctx.channel,
    chat: group ? { id: chatId, kind: 'group', ...(title ? { title } : {}) } : { id: chatId, kind: 'private' },
    sender: {
      id: senderId,
      ...(Object.keys(aliases).length > 0 ? { aliases } : {}),
      ...(msg.pushName ? { displayName: msg.pushName } : {}),
    },
    text,
    sentAt: timestampMs(msg.messageTimestamp, ctx.now()),
    raw: msg,
  };
}
