import type { CollectionSpec, Role, StoredRecord } from '@smmbot/core';

/**
 * The support workflow's records. All are tenant-scoped (every store call takes the tenant); times are
 * epoch ms from the engine's clock.
 */

/** A chat identity (one sender on one channel) and, once verified, the panel user it is linked to. */
export interface IdentityRecord extends StoredRecord {
  /** `${channel}:${address}`. */
  channel: string;
  address: string;
  /** Other addresses of the same person on this channel (WhatsApp LID and phone JID). */
  aliases: string[];
  displayName?: string;
  /** Linked panel username, lower-cased; absent until verified. */
  panelUser?: string;
  status: 'active' | 'blocked';
  verifiedAt?: number;
  verifiedBy?: 'otp' | 'admin' | 'bulk';
  lastActiveAt: number;
  createdAt: number;
}

/** A staff identity of the tenant (spec: owner, staff admin, staff). */
export interface AdminRecord extends StoredRecord {
  channel: string;
  address: string;
  role: Exclude<Role, 'customer'>;
  name?: string;
  createdAt: number;
}

/** A group chat the bot has seen, with its flags. */
export interface GroupRecord extends StoredRecord {
  /** `${channel}:${chatId}`. */
  channel: string;
  chatId: string;
  title?: string;
  supportEnabled: boolean;
  marketingEnabled: boolean;
  /** Process and log, but never reply. */
  silent: boolean;
  firstSeenAt: number;
  lastMessageAt: number;
}

/** A promotional message of the tenant's rotation (spec "Marketing Broadcasts"). */
export interface MarketingMessageRecord extends StoredRecord {
  /** As written: WhatsApp formatting (*bold*, _italic_, ~strike~, `mono`) and line breaks kept. */
  text: string;
  /** Disabled messages stay in the list but are skipped by the rotation. */
  enabled: boolean;
  /** Rotation order, ascending (1, 2, ...). */
  position: number;
  createdAt: number;
  updatedAt: number;
}

export const SUPPORT_STATUSES = ['open', 'escalated', 'ticket created', 'resolved', 'ignored'] as const;
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];

/** One line of the message log: every command, with what was done and what was answered. */
export interface LogRecord extends StoredRecord {
  /** Per-tenant running number staff refer to (`#1247`). */
  serial: number;
  identityId?: string;
  channel: string;
  chatId: string;
  senderId: string;
  panelUser?: string;
  role: Role;
  /** The command id (`refill`, `admin.resolve`, `verification`, ...). */
  action: string;
  orderIds: string[];
  provider?: string;
  providerOrderIds: string[];
  /** How the command ended overall. */
  result: 'ok' | 'refused' | 'error' | 'partial' | 'info';
  reason?: string;
  supportStatus: SupportStatus;
  priority: boolean;
  rawText: string;
  reply: string;
  createdAt: number;
  updatedAt: number;
}

export const IDENTITIES: CollectionSpec = {
  name: 'support_identities',
  indexes: ['panelUser', ['channel', 'address'], 'status'],
};
export const ADMINS: CollectionSpec = { name: 'support_admins', indexes: [['channel', 'address'], 'role'] };
export const GROUPS: CollectionSpec = {
  name: 'support_groups',
  indexes: [['channel', 'chatId'], 'supportEnabled', 'marketingEnabled'],
};
export const MARKETING_MESSAGES: CollectionSpec = { name: 'marketing_messages', indexes: ['position', 'enabled'] };
export const LOGS: CollectionSpec = {
  name: 'support_logs',
  indexes: [
    'createdAt',
    'serial',
    ['action', 'createdAt'],
    ['supportStatus', 'createdAt'],
    ['priority', 'createdAt'],
    'panelUser',
  ],
};

export const identityId = (channel: string, address: string) => `${channel}:${address}`;
export const groupId = (channel: string, chatId: string) => `${channel}:${chatId}`;
