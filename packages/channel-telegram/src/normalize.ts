import type { InboundMessage } from '@smmbot/core';

/** The parts of a Telegram update this channel reads. */
interface TgUser {
  id: number;
  is_bot?: boolean;
  first_name?: string;
  last_name?: string;
  username?: string;
}
interface TgMessage {
  message_id: number;
  date: number;
  text?: string;
  from?: TgUser;
  chat: { id: number; type: string; title?: string };
}
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
}

/**
 * Turns a Telegram update into an InboundMessage, or `undefined` when it is not for the engine:
 * anything but a text `message` (edits, channel posts, callbacks, service messages such as joins and
 * pins, media without text), messages from bots (our own included), and chats that are neither
 * private nor groups.
 */
export function normalizeUpdate(
  update: TgUpdate,
  target: { channel: string; tenantId: string; botId?: number },
): InboundMessage | undefined {
  const m = update.message;
  if (!m || typeof m.text !== 'string' || !m.from) return undefined;
  if (m.from.is_bot || m.from.id === target.botId) return undefined;
  const kind =
    m.chat.type === 'private'
      ? 'private'
      : m.chat.type === 'group' || m.chat.type === 'supergroup'
        ? 'group'
        : undefined;
  if (!kind) return undefined;
  const chatId = String(m.chat.id);
  const displayName = [m.from.first_name, m.from.last_name].filter(Boolean).join(' ') || m.from.username;
  return {
    // message_id is unique per chat and stays the same when Telegram redelivers the update.
    id: `tg:${chatId}:${m.message_id}`,
    tenantId: target.tenantId,
    channel: target.channel,
    chat: { id: chatId, kind, ...(kind === 'group' && m.chat.title ? { title: m.chat.title } : {}) },
    sender: {
      id: String(m.from.id),
      ...(m.from.username ? { aliases: { username: `@${m.from.username}` } } : {}),
      ...(displayName ? { displayName } : {}),
    },
    text: m.text,
    sentAt: m.date * 1000,
    raw: update,
  };
}
