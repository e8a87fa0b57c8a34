import type { Clock } from '@smmbot/core';

/** Order statuses as the Admin API writes them (lower case, snake_case). */
export type SimOrderStatus =
  | 'pending'
  | 'in_progress'
  | 'processing'
  | 'completed'
  | 'partial'
  | 'canceled'
  | 'refunded';

export const SIM_ORDER_STATUSES: readonly SimOrderStatus[] = [
  'pending',
  'in_progress',
  'processing',
  'completed',
  'partial',
  'canceled',
  'refunded',
];

export type ClassicAction = 'services' | 'add' | 'status' | 'refill' | 'refill_status' | 'cancel' | 'balance';

export const CLASSIC_ACTIONS: readonly ClassicAction[] = [
  'services',
  'add',
  'status',
  'refill',
  'refill_status',
  'cancel',
  'balance',
];

/** Quirks of the classic SMM API v2 that differ between panel scripts. */
export interface ClassicFlavor {
  /** `'title'` (default): "In progress"; `'lower'`: "in progress". */
  statusCase?: 'title' | 'lower';
  /** `'text'` (default): `{"error":"Incorrect order ID"}`; `'translation-key'`: `{"error":"error.incorrect_order_id"}`. */
  errorStyle?: 'text' | 'translation-key';
  /** SmartPanel: errors inside a multi-status answer are bare strings instead of `{ error }` objects. */
  bareStringErrors?: boolean;
  /** The actions this panel supports (default: all seven). Others answer `{"error":"Incorrect request"}`. */
  actions?: readonly ClassicAction[];
  /** Also serve the classic API at `/api/v1` (SmartPanel lineage). */
  apiV1?: boolean;
}

export interface PanelSimOptions {
  /** Listen host, default `127.0.0.1`. */
  host?: string;
  /** Listen port, default `0` (a random free port). */
  port?: number;
  /** All time comes from this clock (default: a SystemClock). */
  clock?: Clock;
  /** PRNG seed; the same seed and the same clock start give the same data. Default `1`. */
  seed?: number | string;
  /** Number of services (default 300, never fewer than the embedded real names). */
  serviceCount?: number;
  /** Number of users including `demo` (default 12). */
  userCount?: number;
  /** Number of orders including demo's 1001–1010 (default 200). */
  orderCount?: number;
  /** Admin API key (`X-Api-Key`). */
  adminKey?: string;
  /** Classic API key of the `demo` user. */
  apiKey?: string;
  /** Classic API quirks. */
  flavor?: ClassicFlavor;
  /** Admin API: `created`/`last_update` as `YYYY-MM-DD HH:mm:ss` in UTC (`'panel'`, default) or ISO-8601 (`'iso'`). */
  dateFormat?: 'panel' | 'iso';
  /** Admin API: whether `data.count` is the number of rows in the page (`'page'`, default) or all matches (`'total'`). */
  countMeaning?: 'page' | 'total';
}

/** Refill promise of a service name: a number of days, `'lifetime'`, or `'none'` (explicitly no refill). */
export type RefillWindow = number | 'lifetime' | 'none';

export interface SimService {
  id: number;
  name: string;
  category: string;
  type: string;
  /** Price per 1000, USD. */
  rate: number;
  min: number;
  max: number;
  /** The panel's own refill flag: whether it accepts refill requests for this service. */
  refill: boolean;
  cancel: boolean;
  dripfeed: boolean;
  /** What the name promises (ground truth for parser tests); `'unknown'` when it says nothing or is a trap. */
  promisedRefill: RefillWindow | 'unknown';
  /** Refill window the panel enforces, in days (`Infinity` for lifetime, 0 when refill is off). */
  refillDays: number;
  provider: string;
  /** Real name copied from a public panel (`true`) or a generated variant. */
  real: boolean;
}

export interface SimProvider {
  id: number;
  name: string;
  domain: string;
  /** A short alias a panel owner would show customers instead of the domain. */
  alias: string;
}

export interface SimUser {
  id: number;
  username: string;
  email: string;
  apiKey: string;
  /** Money ever deposited; the balance is this minus the current charge of every order. */
  deposited: number;
  status: 'active' | 'suspended';
  created: number;
  lastAuth: number;
  discount: number;
}

/** How an order moves on its own: pending until `startAt`, in progress until `endAt`, then its outcome. */
export interface OrderPlan {
  startDelayMs: number;
  durationMs: number;
  outcome: 'completed' | 'partial';
  /** Remains when the outcome is partial. */
  partialRemains: number;
  startCount: number;
}

/** A status set by hand (admin action, seed); it freezes the order until a resend. */
export interface OrderOverride {
  status: SimOrderStatus;
  at: number;
  remains?: number;
}

export interface SimOrder {
  id: number;
  user: string;
  serviceId: number;
  link: string;
  quantity: number;
  /** Charge at creation, USD. */
  price: number;
  created: number;
  mode: 'auto' | 'manual';
  provider: string;
  externalId: string;
  plan: OrderPlan;
  override?: OrderOverride;
  resends: number;
}

/** An order's state at some instant, computed from its plan/override and the clock. */
export interface OrderView {
  status: SimOrderStatus;
  startCount: number;
  remains: number;
  lastUpdate: number;
  /** Current charge, USD (reduced for partial, 0 for canceled/refunded). */
  charge: number;
  /** When the order reached `completed` (for the refill window), if it has. */
  completedAt?: number;
}

export type SimRefillStatus = 'pending' | 'in_progress' | 'completed' | 'rejected';

export interface SimRefill {
  id: number;
  orderId: number;
  created: number;
  /** Final outcome, reached after `durationMs`. */
  outcome: 'completed' | 'rejected';
  durationMs: number;
}

export interface SimTicketMessage {
  id: number;
  sender: 'user' | 'staff';
  /** Username for customers, staff name for staff. */
  author: string;
  message: string;
  created: number;
}

export type SimTicketStatus = 'pending' | 'answered' | 'closed';

export interface SimTicket {
  id: number;
  user: string;
  subject: string;
  status: SimTicketStatus;
  created: number;
  lastUpdate: number;
  messages: SimTicketMessage[];
}
