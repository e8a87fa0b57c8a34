import type { TenantId } from './storage.js';

/** How a chat identity is known on its channel; one person may have several (WhatsApp JID and LID, Telegram id). */
export interface SenderRef {
  /** The id replies and identities are keyed by on this channel. */
  id: string;
  /** Other addresses of the same sender on this channel, e.g. `{ lid: '...@lid', pn: '...@s.whatsapp.net' }`. */
  aliases?: Record<string, string>;
  displayName?: string;
}

export interface ChatRef {
  id: string;
  kind: 'private' | 'group';
  title?: string;
}

/** A channel's event, normalized. The core knows no platform types beyond this. */
export interface InboundMessage {
  /** Unique per channel: the dedupe key (message key, update id, webhook id). */
  id: string;
  tenantId: TenantId;
  /** The channel instance name, e.g. `webchat`, `telegram:main`. */
  channel: string;
  chat: ChatRef;
  sender: SenderRef;
  text: string;
  /** Epoch ms when the platform says the message was sent. */
  sentAt: number;
  /** The original payload, kept for logs. */
  raw?: unknown;
}

export type ReplyPriority = 'support' | 'marketing' | 'system';

/** A reply being built in the `reply` hook and then handed to the outbox. */
export interface OutboundMessage {
  /**
   * Idempotency key: the outbox stores and sends a message once per id, and hands the id to the
   * channel (Baileys sends it as the WhatsApp message id), so a retry after a crash is recognisable.
   * The engine sets `<channel>:<inbound id>:r<n>` on replies; the outbox generates one when absent.
   */
  id?: string;
  tenantId: TenantId;
  channel: string;
  chatId: string;
  text: string;
  /** The inbound message this answers, if any. */
  inReplyTo?: string;
  /** Support answers to a waiting customer go before marketing traffic. */
  priority: ReplyPriority;
  /** Template key the text came from (e.g. `help`, `error`), for custom templates and AI rewrites. */
  template?: string;
  /** Facts the text must keep (order ids, numbers, links) for rewriting taps to respect. */
  facts?: string[];
  /** Template variables (see ReplyDraft.vars). */
  vars?: Record<string, string | number>;
  /**
   * `sticky` (the default for replies): send from `channel` itself, since the customer wrote to that
   * number. `pool`: any anti-ban phone of the tenant may send it (broadcasts, the send API).
   */
  route?: 'sticky' | 'pool';
  meta?: Record<string, unknown>;
}

/** What the engine hands to a channel for delivery. */
export interface SendReceipt {
  message: OutboundMessage;
  /** The platform's id of the sent message, if it gives one. */
  platformId?: string;
  /** When it was sent; for a queued message, when it was accepted into the queue. */
  sentAt: number;
  /** `queued`: a durable outbox stored it and will send it (see `queue`); default `sent`. */
  status?: 'sent' | 'queued';
  /** For queued messages: the id to ask the outbox about, the position and the estimated send time. */
  queue?: { id: string; position: number; estimatedAt: number };
}
