import {
  BOT_CONFIG_KEYS,
  isBotConfigKey,
  type Role,
  type TenantId,
  type Turn,
  type TurnResult,
  type TurnStatus,
} from '@smmbot/core';

/** One settled turn as the inbox shows it: what the customer wrote and what the bot answered. */
export interface InboxMessage {
  /** The turn id. */
  id: string;
  at: number;
  channel: string;
  chatId: string;
  chatKind: 'private' | 'group';
  chatTitle?: string;
  senderId: string;
  senderName?: string;
  role: Role;
  text: string;
  command?: string;
  status: TurnStatus;
  replies: string[];
  priority: boolean;
  /**
   * Set on a message staff wrote from the dashboard (`POST /api/v1/inbox/reply`): who sent it and how
   * the outbox took it. Such a message has no replies; `text` is what the customer receives.
   */
  staff?: StaffAuthor;
}

/** Who answered from the dashboard, and whether the outbox sent the message or queued it. */
export interface StaffAuthor {
  userId: string;
  /** The user's phone (`+` and digits) when the workspaces plugin knows it. */
  phone?: string;
  delivery: 'sent' | 'queued';
}

/** The messages of one chat (channel + chat id), newest last, and when it last moved. */
export interface Conversation {
  key: string;
  channel: string;
  chatId: string;
  chatKind: 'private' | 'group';
  title: string;
  lastAt: number;
  messages: InboxMessage[];
}

export interface InboxListener {
  message(message: InboxMessage): void;
  /** The inbox is closing (engine shutdown): end the stream. */
  end(): void;
}

const MAX_TEXT = 4000;
const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

/**
 * `!config set <secret key> <value>` keeps only the key: staff who may read the inbox may not see
 * secrets (the same rule the message log follows). Secret keys come from core's config table.
 */
export function redactSecrets(text: string): string {
  const m = /^(\s*\S+\s+set\s+["'“‘]?([^\s=:："'”’]+))/i.exec(text);
  const key = m?.[2]?.trim().toLowerCase().replace(/-/g, '_');
  return m && key && isBotConfigKey(key) && BOT_CONFIG_KEYS[key].secret ? `${m[1]} [hidden]` : text;
}

/** A chat is named after its customer (or group): a staff answer keeps the name it had. */
export function titleOf(m: InboxMessage, current: string): string {
  if (m.staff) return m.chatTitle ?? (current || m.chatId);
  return m.chatTitle ?? (m.chatKind === 'private' ? (m.senderName ?? m.senderId) : m.chatId);
}

export function inboxMessageOf(turn: Turn, result: TurnResult): InboxMessage {
  const { message } = turn;
  return {
    id: turn.id,
    at: message.sentAt,
    channel: message.channel,
    chatId: message.chat.id,
    chatKind: message.chat.kind,
    ...(message.chat.title ? { chatTitle: message.chat.title } : {}),
    senderId: message.sender.id,
    ...(message.sender.displayName ? { senderName: message.sender.displayName } : {}),
    role: turn.role,
    text: clip(redactSecrets(message.text)),
    ...(turn.command?.id ? { command: turn.command.id } : {}),
    status: result.status,
    replies: result.replies.map((r) => clip(r.text)),
    priority: turn.priority,
  };
}

/**
 * The chat inbox's own small buffer: the last `limit` settled turns of each tenant, in memory, and the
 * live listeners (server-sent event streams) per tenant. A listener only ever hears its own tenant.
 * The buffer starts empty after a restart; the message log (support) is the durable record.
 */
export class InboxBuffer {
  private readonly byTenant = new Map<TenantId, InboxMessage[]>();
  private readonly listeners = new Map<TenantId, Set<InboxListener>>();

  constructor(private readonly limit: number) {}

  push(tenant: TenantId, message: InboxMessage): void {
    let list = this.byTenant.get(tenant);
    if (!list) {
      list = [];
      this.byTenant.set(tenant, list);
    }
    list.push(message);
    if (list.length > this.limit) list.splice(0, list.length - this.limit);
    for (const listener of this.listeners.get(tenant) ?? []) listener.message(message);
  }

  /** The newest buffered message of one chat (a staff answer takes its kind and title from it). */
  latest(tenant: TenantId, channel: string, chatId: string): InboxMessage | undefined {
    const list = this.byTenant.get(tenant) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i]!;
      if (m.channel === channel && m.chatId === chatId) return m;
    }
    return undefined;
  }

  /** Conversations of the tenant, the most recently active first. */
  conversations(tenant: TenantId, max = 50): Conversation[] {
    const byKey = new Map<string, Conversation>();
    for (const m of this.byTenant.get(tenant) ?? []) {
      const key = `${m.channel}:${m.chatId}`;
      let c = byKey.get(key);
      if (!c) {
        c = { key, channel: m.channel, chatId: m.chatId, chatKind: m.chatKind, title: '', lastAt: 0, messages: [] };
        byKey.set(key, c);
      }
      c.messages.push(m);
      c.lastAt = Math.max(c.lastAt, m.at);
      c.title = titleOf(m, c.title);
    }
    return [...byKey.values()].sort((a, b) => b.lastAt - a.lastAt).slice(0, max);
  }

  subscribe(tenant: TenantId, listener: InboxListener): () => void {
    let set = this.listeners.get(tenant);
    if (!set) {
      set = new Set();
      this.listeners.set(tenant, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(tenant) === set) this.listeners.delete(tenant);
    };
  }

  listenerCount(tenant: TenantId): number {
    return this.listeners.get(tenant)?.size ?? 0;
  }

  /** Ends every live stream (the engine is shutting down). */
  close(): void {
    for (const set of this.listeners.values()) for (const l of [...set]) l.end();
    this.listeners.clear();
  }
}
