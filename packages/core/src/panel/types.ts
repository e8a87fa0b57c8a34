/**
 * What a support bot needs from an SMM panel, in our own domain types: statuses normalized to one
 * enum, numbers as numbers, times as Dates, the raw payload kept for logs. A panel client belongs to
 * one tenant (it holds that tenant's URL and key), so its methods take no tenant argument.
 */
export type OrderStatus =
  | 'pending'
  | 'processing'
  | 'in_progress'
  | 'completed'
  | 'partial'
  | 'canceled'
  | 'refunded'
  | 'failed'
  | 'unknown';

export interface PanelOrder {
  id: string;
  status: OrderStatus;
  /** The status text as the panel wrote it. */
  rawStatus?: string;
  /** The customer's panel username (the ownership check compares it). */
  user?: string;
  serviceId?: string;
  serviceName?: string;
  link?: string;
  quantity?: number;
  startCount?: number;
  remains?: number;
  charge?: number;
  currency?: string;
  createdAt?: Date;
  /** Last change; for a completed order the best proxy of its completion time. */
  updatedAt?: Date;
  /** The order id at the upstream provider. */
  externalId?: string;
  /** The upstream provider's name or domain. */
  provider?: string;
  mode?: 'auto' | 'manual';
  raw?: unknown;
}

export interface PanelUser {
  id?: string;
  username: string;
  email?: string;
  balance?: number;
  currency?: string;
  status?: 'active' | 'suspended' | 'unknown';
  raw?: unknown;
}

export interface PanelService {
  id: string;
  name: string;
  category?: string;
  type?: string;
  /** Price per 1000. */
  rate?: number;
  min?: number;
  max?: number;
  /** The panel's own flags: hints only, names are often more accurate. */
  refill?: boolean;
  cancel?: boolean;
  dripfeed?: boolean;
  description?: string;
  raw?: unknown;
}

export type TicketStatus = 'open' | 'pending' | 'answered' | 'closed' | 'unknown';

export interface TicketMessage {
  author: 'customer' | 'staff' | 'unknown';
  name?: string;
  text: string;
  at?: Date;
}

export interface PanelTicket {
  id: string;
  user?: string;
  subject: string;
  status: TicketStatus;
  createdAt?: Date;
  updatedAt?: Date;
  /** Present when the ticket was fetched with its messages (`getTicket`). */
  messages?: TicketMessage[];
  raw?: unknown;
}

export type RefillStatus = 'pending' | 'in_progress' | 'completed' | 'rejected' | 'error' | 'unknown';

/** The outcome of an action on one order: panels accept some ids of a batch and reject others. */
export interface ActionResult {
  orderId: string;
  ok: boolean;
  /** What the panel returned as a handle (a refill id, a cancel request id). */
  reference?: string;
  /** Why the panel refused this order, as the panel said it (for logs and staff). */
  error?: string;
  raw?: unknown;
}

export interface PanelBalance {
  amount: number;
  currency?: string;
}

/** Capabilities a panel may have. `orders.get` is the only one every panel must have. */
export const PANEL_CAPABILITIES = [
  'orders.get',
  'orders.byUser',
  'users.get',
  'orders.refill',
  'orders.cancel',
  'orders.speedup',
  'orders.refund',
  'orders.setPartial',
  'orders.complete',
  'refills.status',
  'balance',
  'services',
  'tickets.list',
  'tickets.get',
  'tickets.reply',
  'tickets.create',
] as const;

export type PanelCapability = (typeof PANEL_CAPABILITIES)[number];

export interface TicketFilter {
  subject?: string;
  status?: TicketStatus;
  limit?: number;
  offset?: number;
}

/** Options of a write. The idempotency key makes a retried command act once (see ResilientPanel). */
export interface WriteOptions {
  idempotencyKey?: string;
  reason?: string;
}

/**
 * A panel adapter. Optional methods exist exactly when their capability is declared; callers ask
 * `capabilities` (or use `requireCapability`) instead of probing.
 */
export interface PanelClient {
  readonly name: string;
  readonly capabilities: ReadonlySet<PanelCapability>;
  /** Orders by id, batched by the adapter; ids the panel does not know are simply absent. */
  getOrders(ids: string[]): Promise<PanelOrder[]>;
  ordersOfUser?(username: string, options?: { limit?: number; offset?: number }): Promise<PanelOrder[]>;
  findUser?(username: string): Promise<PanelUser | undefined>;
  refill?(ids: string[], options?: WriteOptions): Promise<ActionResult[]>;
  cancel?(ids: string[], options?: WriteOptions): Promise<ActionResult[]>;
  speedUp?(ids: string[], options?: WriteOptions): Promise<ActionResult[]>;
  refund?(ids: string[], options?: WriteOptions): Promise<ActionResult[]>;
  setPartial?(id: string, remains: number, options?: WriteOptions): Promise<ActionResult>;
  markCompleted?(ids: string[], options?: WriteOptions): Promise<ActionResult[]>;
  refillStatus?(refillIds: string[]): Promise<{ refillId: string; status: RefillStatus; error?: string }[]>;
  balance?(): Promise<PanelBalance>;
  services?(): Promise<PanelService[]>;
  listTickets?(filter?: TicketFilter): Promise<PanelTicket[]>;
  getTicket?(id: string): Promise<PanelTicket | undefined>;
  replyTicket?(id: string, message: string, options?: { staffName?: string }): Promise<void>;
  /** Opens a ticket for a user; the verification flow delivers its OTP this way. */
  createTicket?(username: string, subject: string, message: string): Promise<{ id: string }>;
  /** A cheap authenticated call: resolves when the URL answers and the key is accepted. */
  ping?(): Promise<void>;
  close?(): Promise<void>;
}
