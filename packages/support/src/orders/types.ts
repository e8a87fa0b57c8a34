import { type DispatchAction, type DispatchResult, type PanelOrder, Tokens, type Turn } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import type { TemplateKey } from '../templates/defaults.js';

/** The order actions a command can ask for; also the `kind` of the DispatchAction handed to routes. */
export const ORDER_ACTIONS = ['refill', 'cancel', 'speedup', 'refund', 'partial', 'fake_complete'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export type Vars = Record<string, string | number>;

/**
 * How one order of a command ended: `done` (looked up or handed to a route), `refused` (not found, not
 * owned, not eligible, cooldown, switched off), `escalated` (no automatic way: staff pick it up from the
 * log), `error` (the route failed; the customer may try again).
 */
export type OutcomeKind = 'done' | 'refused' | 'escalated' | 'error';

export interface OrderOutcome {
  orderId: string;
  kind: OutcomeKind;
  /** The reply template of this order's line; orders with the same key and vars share one line. */
  key: TemplateKey;
  vars: Vars;
  /** Machine-readable reason for the log (`submitted`, `not_owned`, `refill_window_expired`, ...). */
  reason: string;
  provider?: string;
  providerOrderId?: string;
}

/** What a route did with one order. */
export type RouteStatus = 'submitted' | 'rejected' | 'failed' | 'route_missing' | 'provider_missing' | 'unavailable';

export interface RouteResult {
  orderId: string;
  status: RouteStatus;
  /** The provider as the route knows it (its name), or as the order names it. */
  provider?: string;
  providerOrderId?: string;
  /** What the panel handed back (a refill id). */
  reference?: string;
  /** Why it failed, for logs and staff only. */
  error?: string;
}

/** `DispatchResult.detail` of the orders routes. */
export interface RouteDetail {
  results: RouteResult[];
}

/** Params of a DispatchAction built by the order commands; routes also accept bare `orderIds`. */
export interface OrderActionParams {
  /** The orders as just read from the panel (routes read them again when absent). */
  orders?: PanelOrder[];
  /** Prefix of the idempotency keys: `${message id}` → `${message id}:${orderId}:${action}`. */
  idempotencyPrefix?: string;
}

/** What the order handlers share. */
export interface OrdersDeps {
  ctx: SupportContext;
  /** Runs the dispatch routes (panel, provider group) for an action that passed every check. */
  dispatch(action: DispatchAction, turn: Turn): Promise<DispatchResult>;
}

export function routeResults(result: DispatchResult): RouteResult[] {
  const detail = result.detail as Partial<RouteDetail> | undefined;
  return Array.isArray(detail?.results) ? detail.results : [];
}

export const isOrderAction = (kind: string): kind is OrderAction => (ORDER_ACTIONS as readonly string[]).includes(kind);

/** The action's orders: as handed over in params, else read from the panel. */
export async function actionOrders(action: DispatchAction, turn: Turn): Promise<Map<string, PanelOrder>> {
  const given = (action.params as OrderActionParams | undefined)?.orders;
  const panel = turn.services.has(Tokens.Panel) ? turn.services.resolve(Tokens.Panel) : undefined;
  const orders = given ?? (panel ? await panel.getOrders(action.orderIds) : []);
  return new Map(orders.map((o) => [o.id, o]));
}
