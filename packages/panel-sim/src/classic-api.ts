import type { SimConfig } from './config.js';
import { cancelOrder, placeOrder, requestRefill, type SimErrorCode } from './data/ops.js';
import { classicStatus, refillStatus } from './data/progress.js';
import type { SimState } from './data/state.js';
import { classicErrorText } from './errors.js';
import { json, mergeParams, money, parseBody, type Routed, type SimRequest } from './http.js';
import type { ClassicAction, SimOrder, SimUser } from './types.js';

/** Most panels cap multi-id calls at 100 ids. */
const MAX_IDS = 100;

interface Ctx {
  state: SimState;
  config: SimConfig;
  user: SimUser;
  params: Record<string, string>;
  error: (code: SimErrorCode) => { error: string };
}

type Handler = (ctx: Ctx) => unknown;

const ACTIONS: Record<ClassicAction, Handler> = {
  services: servicesAction,
  add: addAction,
  status: statusAction,
  refill: refillAction,
  refill_status: refillStatusAction,
  cancel: cancelAction,
  balance: ({ state, user }) => ({ balance: money(state.balanceOf(user.username)), currency: 'USD' }),
};

/** Routes `/api/v2` (and `/api/v1` when enabled): key + action from query, form or JSON body. */
export function routeClassic(req: SimRequest, state: SimState, config: SimConfig): Routed | undefined {
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
  if (path !== '/api/v2' && !(config.apiV1 && path === '/api/v1')) return undefined;
  const params = mergeParams(req.query, parseBody(req.rawBody, req.headers['content-type']) ?? {});
  const action = params.action?.trim() ?? '';
  const route = action ? `action:${action}` : `${req.method} ${path}`;
  return {
    route,
    keys: [route, `${req.method} ${path}`, path],
    ...(action ? { action } : {}),
    run(wrongKey) {
      const error = (code: SimErrorCode) => ({ error: classicErrorText(code, config.errorStyle) });
      const user = wrongKey ? undefined : state.userByKey(params.key?.trim() ?? '');
      if (!user) return json(error('invalid_key'));
      if (!isAction(action) || !config.actions.has(action)) return json(error('incorrect_request'));
      return json(ACTIONS[action]({ state, config, user, params, error }));
    },
  };
}

function isAction(action: string): action is ClassicAction {
  return Object.hasOwn(ACTIONS, action);
}

function servicesAction({ state }: Ctx): unknown {
  return state.services.map((s) => ({
    service: s.id,
    name: s.name,
    type: s.type,
    category: s.category,
    rate: money(s.rate),
    min: String(s.min),
    max: String(s.max),
    refill: s.refill,
    cancel: s.cancel,
    dripfeed: s.dripfeed,
  }));
}

function addAction({ state, user, params, error }: Ctx): unknown {
  const outcome = placeOrder(state, user, { service: params.service, link: params.link, quantity: params.quantity });
  return outcome.ok ? { order: outcome.value.id } : error(outcome.error);
}

/** Comma list → trimmed non-empty ids, or `undefined` when over the cap. */
function splitIds(raw: string): string[] | undefined {
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return ids.length > MAX_IDS ? undefined : ids;
}

/** The caller's own order with this id, or `undefined` (unknown and foreign ids look the same). */
function ownOrder(state: SimState, user: SimUser, raw: string | undefined): SimOrder | undefined {
  if (!raw || !/^\d+$/.test(raw.trim())) return undefined;
  const order = state.getOrder(Number(raw));
  return order && order.user === user.username ? order : undefined;
}

const asId = (raw: string): number | string => (/^\d+$/.test(raw) ? Number(raw) : raw);

function statusAction(ctx: Ctx): unknown {
  const { state, config, user, params, error } = ctx;
  const one = (order: SimOrder) => {
    const v = state.view(order);
    return {
      charge: money(v.charge),
      start_count: String(v.startCount),
      status: classicStatus(v.status, config.statusCase),
      remains: String(v.remains),
      currency: 'USD',
    };
  };
  if (params.orders === undefined) {
    const order = ownOrder(state, user, params.order);
    return order ? one(order) : error('incorrect_order_id');
  }
  const ids = splitIds(params.orders);
  if (!ids || ids.length === 0) return error('incorrect_request');
  const out: Record<string, unknown> = {};
  for (const id of ids) {
    const order = ownOrder(state, user, id);
    const bad = config.bareStringErrors
      ? classicErrorText('incorrect_order_id', config.errorStyle)
      : error('incorrect_order_id');
    out[id] = order ? one(order) : bad;
  }
  return out;
}

function refillAction({ state, user, params, error }: Ctx): unknown {
  const one = (raw: string | undefined) => {
    const order = ownOrder(state, user, raw);
    if (!order) return error('incorrect_order_id');
    const outcome = requestRefill(state, order);
    return outcome.ok ? outcome.value.id : error(outcome.error);
  };
  if (params.orders === undefined) {
    const result = one(params.order);
    return typeof result === 'number' ? { refill: String(result) } : result;
  }
  const ids = splitIds(params.orders);
  if (!ids || ids.length === 0) return error('incorrect_request');
  return ids.map((id) => ({ order: asId(id), refill: one(id) }));
}

function refillStatusAction({ state, config, user, params, error }: Ctx): unknown {
  const one = (raw: string | undefined) => {
    const refill = raw && /^\d+$/.test(raw.trim()) ? state.getRefill(Number(raw)) : undefined;
    const order = refill ? state.getOrder(refill.orderId) : undefined;
    if (!refill || order?.user !== user.username) return error('refill_not_found');
    return classicStatus(refillStatus(refill, state.now()), config.statusCase);
  };
  if (params.refills === undefined) {
    const status = one(params.refill);
    return typeof status === 'string' ? { status } : status;
  }
  const ids = splitIds(params.refills);
  if (!ids || ids.length === 0) return error('incorrect_request');
  return ids.map((id) => ({ refill: asId(id), status: one(id) }));
}

function cancelAction({ state, user, params, error }: Ctx): unknown {
  const ids = splitIds(params.orders ?? params.order ?? '');
  if (!ids || ids.length === 0) return error('incorrect_request');
  return ids.map((id) => {
    const order = ownOrder(state, user, id);
    if (!order) return { order: asId(id), cancel: error('incorrect_order_id') };
    const outcome = cancelOrder(state, order, 'customer');
    return { order: asId(id), cancel: outcome.ok ? 1 : error(outcome.error) };
  });
}
