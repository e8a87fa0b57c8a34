import type { InjectionToken } from 'tsyringe';
import type { Channel, LinkState, OutboundMessage, Outbox, ReplyPriority, StoredRecord, TenantId } from '@smmbot/core';

/**
 * A job's life: `queued` (waiting for its turn) → `sending` (handed to a channel) → `sent` or
 * `failed`. `pending`: deferred to a later day (a daily cap was hit) and released by the clock.
 * Every transition is written to the store before the next step, so a restart knows where each
 * message was.
 */
export type JobState = 'queued' | 'pending' | 'sending' | 'sent' | 'failed';

/** Support replies go first, then system traffic (the send API, admin notices), then marketing. */
export type Lane = ReplyPriority;

export interface SendJob extends StoredRecord {
  /** The message, with `id` set: the idempotency key, also the job's id. */
  message: OutboundMessage & { id: string };
  state: JobState;
  lane: Lane;
  /** Arrival order within the tenant: FIFO inside a lane. */
  seq: number;
  /** Not to be sent before this time (deferred, cooling recipient, closed hours). */
  notBefore: number;
  /** The channel that sent it (or is sending it); for pool jobs chosen by the balancer. */
  phone?: string;
  /** Times handed to a channel (a send after a crash in `sending` counts again). */
  attempts: number;
  createdAt: number;
  updatedAt: number;
  sentAt?: number;
  platformId?: string;
  /** Technical reason of the last failure (logs and the status API; never shown to a customer). */
  error?: string;
}

export interface EnqueueResult {
  id: string;
  /** False when a message with this id was already queued: nothing new was stored. */
  created: boolean;
  state: JobState;
  /** 1-based place among the tenant's waiting jobs. */
  position: number;
  /** When the balancer expects to send it (clock ms); an estimate. */
  estimatedAt: number;
}

export interface PhoneSnapshot {
  channel: string;
  state: LinkState;
  ageDays: number;
  seniority: number;
  score: number;
  todaySent: number;
  dailyCap: number | null;
  totalSent: number;
  totalFailed: number;
  failRate: number;
  consecutiveFails: number;
  /** Clock ms until which the phone cools down; 0 when not cooling. */
  cooldownUntil: number;
  lastSentAt: number | null;
  /** A send is in progress (delay, typing or the platform call). */
  busy: boolean;
  /** The platform blocks new contacts until then (WhatsApp 463); 0 when not. */
  timelockUntil: number;
}

export type AlertSeverity = 'critical' | 'warning' | 'info';
export type AlertType =
  | 'banned'
  | 'logged_out'
  | 'consecutive_failures'
  | 'failure_rate'
  | 'switched_to'
  | 'no_phone'
  | 'timelock';

export interface Alert extends StoredRecord {
  type: AlertType;
  severity: AlertSeverity;
  status: 'active' | 'resolved';
  phone: string;
  details: string;
  createdAt: number;
  resolvedAt?: number;
}

export interface BalancerSnapshot {
  tenantId: TenantId;
  at: number;
  phones: PhoneSnapshot[];
  /** The phone the balancer would pick for the next pool message, if any. */
  nextPhone: string | null;
  queue: { queued: number; pending: number; sending: number };
  alerts: Alert[];
  /**
   * Leased mode only: `live` from this process (the leader); `stored`, the leader's last published
   * snapshot (`at` says when); `unavailable`, no leader has published one (phones empty).
   */
  view?: 'live' | 'stored' | 'unavailable';
}

/** The balancer's public face: an Outbox, plus what the send API and the dashboard need. */
export interface Balancer extends Outbox {
  /** Stores the message durably (idempotent on `message.id`) and schedules it. */
  enqueue(message: OutboundMessage): Promise<EnqueueResult>;
  /** The stored job of a message, for the status API. */
  status(tenant: TenantId, id: string): Promise<SendJob | undefined>;
  snapshot(tenant: TenantId): Promise<BalancerSnapshot>;
  alerts(tenant: TenantId, query?: { status?: 'active' | 'resolved' }): Promise<Alert[]>;
  resolveAlert(tenant: TenantId, id: string): Promise<boolean>;
  /** Attaches an anti-ban channel added at runtime (no-op for other channels or one already attached). */
  attachChannel?(channel: Channel): Promise<void>;
  /** Detaches the phone of a channel removed at runtime. */
  detachChannel?(channel: Channel): Promise<boolean>;
}

/** Where the balancer plugin registers itself (besides `Tokens.Outbox`). */
export const BalancerToken = Symbol('smmbot.Balancer') as InjectionToken<Balancer>;
