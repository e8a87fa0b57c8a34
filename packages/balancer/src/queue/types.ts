import type { TenantId } from '@smmbot/core';
import type { SendJob } from '../types.js';

/**
 * Where send jobs live. The balancer keeps its scheduling index in memory and writes every state
 * transition here before acting on it, so a restart rebuilds the index from `unfinished`. The
 * default driver stores jobs in the tenant's RecordStore (SQLite by default, PostgreSQL when
 * several workers share it); in leased mode only job ids travel between processes (OutboundTransport).
 */
export interface SendQueue {
  /** Stores a new job. If one with that id exists it is returned unchanged (`created: false`). */
  add(job: SendJob): Promise<{ job: SendJob; created: boolean }>;
  get(tenant: TenantId, id: string): Promise<SendJob | undefined>;
  update(tenant: TenantId, id: string, patch: Partial<Omit<SendJob, 'id' | 'tenantId'>>): Promise<void>;
  /** Jobs still to do (queued, pending, sending), in arrival order; with `afterSeq`, only those numbered above it. */
  unfinished(tenant: TenantId, afterSeq?: number): AsyncIterable<SendJob>;
  /** When each recipient was last sent to, since `since` (rebuilds recipient cooldowns). */
  sentSince(tenant: TenantId, since: number): Promise<{ recipient: string; sentAt: number }[]>;
  /** Deletes sent and failed jobs finished before `before`. */
  prune(tenant: TenantId, before: number): Promise<number>;
  /** The highest arrival number stored, so numbering continues after a restart. */
  lastSeq(tenant: TenantId): Promise<number>;
}

/** A job's recipient key: the chat it goes to (the same whichever phone sends it). */
export const recipientOf = (job: Pick<SendJob, 'message'>): string => job.message.chatId;
