import {
  type ActionResult,
  type DispatchAction,
  type DispatchResult,
  type PanelCapability,
  type PanelClient,
  type PanelOrder,
  type PluginHooks,
  Stage,
  Tokens,
  type Turn,
  type WriteOptions,
} from '@smmbot/core';
import type { SupportContext } from '../context.js';
import { type ProviderRoute, providerRoute, unroutedResults } from './provider-route.js';
import { actionOrders, isOrderAction, type OrderAction, type OrderActionParams, type RouteResult } from './types.js';

/**
 * Dispatch: how an action that passed ownership, eligibility and cooldowns is carried out. Two routes
 * are tapped on core's `dispatch` hook, ordered by `options.dispatch`:
 *
 * | mode           | order of routes            | when neither can carry the action            |
 * | -------------- | -------------------------- | -------------------------------------------- |
 * | panel-first    | panel, then provider group | provider_missing / route_missing per order   |
 * | provider-first | provider group, then panel | provider_missing / route_missing per order   |
 * | panel-only     | panel                      | action_unavailable                           |
 * | provider-only  | provider group             | provider_missing / route_missing per order   |
 *
 * - `panel`: the panel method of the action when the panel declares its capability (refill, cancel,
 *   speedUp, refund, setPartial with the current remains, markCompleted), one call per order with the
 *   idempotency key `${message id}:${order id}:${action}`. A panel refusal is final (`rejected`): the
 *   bot does not go round the panel owner's rules through the provider.
 * - `provider-group`: the provider's clean command (`{ids} refill`, per provider overridable) with the
 *   provider order ids (`externalId`), one message per provider, to its escalation group via the outbox.
 * - Actions with no provider command (refund, partial) and no panel capability end `route_missing`
 *   (staff take them from the log); `fake_complete` without the panel capability is `unavailable`.
 *
 * The order commands call them through the core `dispatch` hook (`turn.dispatch`), so routes other
 * plugins tap take part in the same chain.
 */
export type Dispatcher = (action: DispatchAction, turn: Turn) => Promise<DispatchResult>;

interface Route {
  name: string;
  stage: number;
  run(action: DispatchAction, turn: Turn): Promise<DispatchResult | undefined>;
}

const CAPABILITY: Record<OrderAction, PanelCapability> = {
  refill: 'orders.refill',
  cancel: 'orders.cancel',
  speedup: 'orders.speedup',
  refund: 'orders.refund',
  partial: 'orders.setPartial',
  fake_complete: 'orders.complete',
};

export function createDispatcher(ctx: SupportContext, hooks: PluginHooks): Dispatcher {
  const providerFirst = ctx.options.dispatch === 'provider-first' || ctx.options.dispatch === 'provider-only';
  const provider: ProviderRoute = providerRoute(ctx);
  const panel: Route = {
    name: 'panel',
    stage: providerFirst ? Stage.DEFAULT + 10 : Stage.DEFAULT,
    run: (action, turn) => panelRoute(ctx, action, turn),
  };
  const group: Route = {
    name: 'provider-group',
    stage: providerFirst ? Stage.DEFAULT : Stage.DEFAULT + 10,
    run: provider,
  };
  const routes = [panel, group].sort((a, b) => a.stage - b.stage);
  const last = async (action: DispatchAction, turn: Turn): Promise<DispatchResult> => {
    const results = await unroutedResults(ctx, action, turn);
    return { route: 'none', ok: false, detail: { results } };
  };
  for (const route of routes) hooks.dispatch.tap(route.name, route.run, { stage: route.stage });
  hooks.dispatch.tap('unrouted', (a, t) => (isOrderAction(a.kind) ? last(a, t) : undefined), {
    stage: Stage.FALLBACK,
  });
  // Through the core hook, so routes other plugins tap (a helpdesk, a ticket route) take part too.
  return async (action, turn) => (await turn.dispatch(action)) ?? last(action, turn);
}

async function panelRoute(
  ctx: SupportContext,
  action: DispatchAction,
  turn: Turn,
): Promise<DispatchResult | undefined> {
  if (ctx.options.dispatch === 'provider-only' || !isOrderAction(action.kind)) return undefined;
  if (!turn.services.has(Tokens.Panel)) return undefined;
  const panel = turn.services.resolve(Tokens.Panel);
  const kind = action.kind;
  if (!panel.capabilities.has(CAPABILITY[kind])) return undefined;
  const orders = await actionOrders(action, turn);
  const prefix = (action.params as OrderActionParams | undefined)?.idempotencyPrefix ?? turn.message.id;
  const contextOf = (orderId: string) => {
    const order = orders.get(orderId);
    return { orderId, provider: order?.provider, providerOrderId: order?.externalId };
  };
  const toRoute = (orderId: string, r: ActionResult | undefined): RouteResult =>
    r?.ok
      ? { ...contextOf(orderId), status: 'submitted', reference: r.reference }
      : { ...contextOf(orderId), status: 'rejected', error: r?.error ?? 'the panel did not accept it' };
  let results: RouteResult[];
  const batch = batchCall(panel, kind);
  if (batch) {
    // One call for the whole command (the adapter batches by 100): a bulk refill of 100 orders is one
    // request, not 100. The idempotency key covers the batch, so a redelivered message acts once.
    try {
      const byId = new Map(
        (await batch(action.orderIds, { idempotencyKey: `${prefix}:${action.orderIds.join(',')}:${kind}` })).map(
          (r) => [r.orderId, r],
        ),
      );
      results = action.orderIds.map((orderId) => toRoute(orderId, byId.get(orderId)));
    } catch (err) {
      turn.log.warn({ err, orderIds: action.orderIds, action: kind }, 'panel dispatch failed');
      results = action.orderIds.map((orderId) => ({
        ...contextOf(orderId),
        status: 'failed',
        error: (err as Error).message,
      }));
    }
  } else {
    results = await Promise.all(
      action.orderIds.map(async (orderId): Promise<RouteResult> => {
        try {
          const r = await callPanel(panel, kind, orderId, orders.get(orderId), {
            idempotencyKey: `${prefix}:${orderId}:${kind}`,
          });
          return toRoute(orderId, r);
        } catch (err) {
          turn.log.warn({ err, orderId, action: kind }, 'panel dispatch failed');
          return { ...contextOf(orderId), status: 'failed', error: (err as Error).message };
        }
      }),
    );
  }
  return { route: 'panel', ok: results.every((r) => r.status === 'submitted'), detail: { results } };
}

/** The panel's bulk method for an action, when it takes a list of ids (all but set-partial). */
function batchCall(
  panel: PanelClient,
  kind: OrderAction,
): ((ids: string[], o: WriteOptions) => Promise<ActionResult[]>) | undefined {
  const method = {
    refill: panel.refill,
    cancel: panel.cancel,
    speedup: panel.speedUp,
    refund: panel.refund,
    fake_complete: panel.markCompleted,
    partial: undefined,
  }[kind];
  return method?.bind(panel);
}

async function callPanel(
  panel: PanelClient,
  kind: OrderAction,
  id: string,
  order: PanelOrder | undefined,
  options: WriteOptions,
): Promise<ActionResult | undefined> {
  const first = (p: Promise<ActionResult[]> | undefined) => p?.then((rs) => rs.find((r) => r.orderId === id) ?? rs[0]);
  switch (kind) {
    case 'refill':
      return first(panel.refill?.([id], options));
    case 'cancel':
      return first(panel.cancel?.([id], options));
    case 'speedup':
      return first(panel.speedUp?.([id], options));
    case 'refund':
      return first(panel.refund?.([id], options));
    case 'fake_complete':
      return first(panel.markCompleted?.([id], options));
    case 'partial':
      if (order?.remains === undefined) return { orderId: id, ok: false, error: 'remains unknown' };
      return panel.setPartial?.(id, order.remains, options);
  }
}
