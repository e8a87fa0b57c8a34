import { fail, ok, orderObject, paginate, ticketObject, userObject } from './admin-objects.js';
import type { SimConfig } from './config.js';
import { cancelOrder, changeStatus, type Outcome, requestRefill, resendOrder, setPartial } from './data/ops.js';
import type { SimState } from './data/state.js';
import { adminErrorToken } from './errors.js';
import { idList, parseBody, type Routed, type SimRequest, type SimResponse } from './http.js';
import { SIM_ORDER_STATUSES, type SimOrder, type SimOrderStatus } from './types.js';

export const ADMIN_BASE = '/adminapi/v2';

interface Ctx {
  state: SimState;
  config: SimConfig;
  query: URLSearchParams;
  body: Record<string, unknown>;
  id: number;
}

type Handler = (ctx: Ctx) => SimResponse;

const ROUTES: ReadonlyArray<readonly [method: string, template: string, handler: Handler]> = [
  ['GET', '/orders', listOrders],
  ['GET', '/orders/:id', getOrder],
  ['POST', '/orders/change-status', changeStatusRoute],
  ['POST', '/orders/:id/set-partial', setPartialRoute],
  ['POST', '/orders/cancel', (c) => bulk(c, c.body.ids !== undefined ? 'ids' : 'order_ids', (o) => cancel(c, o))],
  ['POST', '/orders/resend', (c) => bulk(c, 'ids', (o) => withStatus(resendOrder(c.state, o)))],
  ['POST', '/orders/refill', (c) => bulk(c, 'ids', (o) => refill(c, o))],
  ['GET', '/users', listUsers],
  ['GET', '/tickets', listTickets],
  ['GET', '/tickets/:id', getTicket],
  ['POST', '/tickets/:id/reply', replyTicket],
  ['POST', '/tickets/add', addTicket],
];

const COMPILED = ROUTES.map(([method, template, handler]) => ({
  method,
  template: `${ADMIN_BASE}${template}`,
  regex: new RegExp(`^${ADMIN_BASE}${template.replace(':id', '(\\d+)')}/?$`),
  handler,
}));

/** Routes a request under `/adminapi/v2`; `undefined` for other paths. */
export function routeAdmin(req: SimRequest, state: SimState, config: SimConfig): Routed | undefined {
  if (req.path !== ADMIN_BASE && !req.path.startsWith(`${ADMIN_BASE}/`)) return undefined;
  let match: { template: string; handler: Handler; id: number } | undefined;
  for (const r of COMPILED) {
    const m = r.regex.exec(req.path);
    if (m && r.method === req.method) match = { template: r.template, handler: r.handler, id: Number(m[1] ?? 0) };
    if (match) break;
  }
  const route = `${req.method} ${match?.template ?? req.path}`;
  const keys = [route, `${req.method} ${req.path}`, match?.template ?? req.path, req.path];
  return {
    route,
    keys,
    run(wrongKey) {
      const key = req.headers['x-api-key'];
      if (wrongKey || key !== config.adminKey) return fail(401, 'Invalid API key');
      if (!match) return fail(404, 'endpoint_not_found', 404);
      const body = parseBody(req.rawBody, req.headers['content-type']);
      if (body === undefined) return fail(400, 'invalid_json');
      return match.handler({ state, config, query: req.query, body, id: match.id });
    },
  };
}

function listOrders({ state, config, query }: Ctx): SimResponse {
  const ids = query.has('ids') ? new Set(idList(query.get('ids'))) : undefined;
  const services = query.has('service_ids') ? new Set(idList(query.get('service_ids'))) : undefined;
  const statuses = query.get('order_status')?.split(',').map(normalizeStatus);
  const user = query.get('user')?.trim().toLowerCase();
  const from = query.has('created_from') ? Number(query.get('created_from')) * 1000 : undefined;
  const to = query.has('created_to') ? Number(query.get('created_to')) * 1000 : undefined;
  const provider = query.get('provider');
  const mode = query.get('mode');
  const link = query.get('link');
  const rows = state.orders.filter((o) => {
    if (ids && !ids.has(o.id)) return false;
    if (services && !services.has(o.serviceId)) return false;
    if (user && o.user.toLowerCase() !== user) return false;
    if (from !== undefined && o.created < from) return false;
    if (to !== undefined && o.created > to) return false;
    if (provider && o.provider !== provider) return false;
    if (mode && o.mode !== mode) return false;
    if (link && o.link !== link) return false;
    return !statuses || statuses.includes(state.view(o).status);
  });
  const page = paginate(
    rows,
    query,
    config,
    (o) => o.created,
    (o) => o.id,
  );
  return ok({ count: page.count, list: page.list.map((o) => orderObject(state, o, config)) });
}

function getOrder({ state, config, id }: Ctx): SimResponse {
  const order = state.getOrder(id);
  return order ? ok(orderObject(state, order, config)) : fail(404, 'order_not_found');
}

type PerId = { status: string } | { refill_id: number } | { error: string };

/** Writes on many orders answer one row per id: `data.list = [{ id, ... } | { id, error }]`. */
function bulk(ctx: Ctx, field: string, apply: (order: SimOrder) => PerId): SimResponse {
  const ids = idList(ctx.body[field]);
  if (ids.length === 0) return fail(400, 'invalid_ids');
  if (ids.length > 1000) return fail(400, 'too_many_ids');
  const list = ids.map((id) => {
    const order = Number.isNaN(id) ? undefined : ctx.state.getOrder(id);
    return { id: Number.isNaN(id) ? null : id, ...(order ? apply(order) : { error: 'order_not_found' }) };
  });
  return ok({ count: list.length, list });
}

function withStatus(outcome: Outcome<SimOrderStatus>): PerId {
  return outcome.ok ? { status: outcome.value } : { error: adminErrorToken(outcome.error) };
}

function changeStatusRoute(ctx: Ctx): SimResponse {
  const status = normalizeStatus(String(ctx.body.status ?? ''));
  if (!status) return fail(400, 'invalid_status');
  return bulk(ctx, 'ids', (o) => withStatus(changeStatus(ctx.state, o, status)));
}

function cancel(ctx: Ctx, order: SimOrder): PerId {
  return withStatus(cancelOrder(ctx.state, order, 'admin'));
}

function refill(ctx: Ctx, order: SimOrder): PerId {
  const outcome = requestRefill(ctx.state, order);
  return outcome.ok ? { refill_id: outcome.value.id } : { error: adminErrorToken(outcome.error) };
}

function setPartialRoute({ state, config, body, id }: Ctx): SimResponse {
  const order = state.getOrder(id);
  if (!order) return fail(404, 'order_not_found');
  const remains = Number(body.remains);
  const outcome = setPartial(state, order, remains);
  return outcome.ok ? ok(orderObject(state, order, config)) : fail(400, adminErrorToken(outcome.error));
}

function listUsers({ state, config, query }: Ctx): SimResponse {
  const username = query.get('username')?.trim().toLowerCase();
  const email = query.get('email')?.trim().toLowerCase();
  const rows = state.users.filter(
    (u) => (!username || u.username.toLowerCase() === username) && (!email || u.email.toLowerCase() === email),
  );
  const page = paginate(
    rows,
    query,
    config,
    (u) => u.created,
    (u) => u.id,
  );
  return ok({ count: page.count, list: page.list.map((u) => userObject(state, u, config)) });
}

function listTickets({ state, config, query }: Ctx): SimResponse {
  const subject = query.get('subject')?.trim().toLowerCase();
  const statuses = query.get('status')?.toLowerCase().split(',');
  const user = query.get('user')?.trim().toLowerCase();
  const rows = state.tickets.filter(
    (t) =>
      (!subject || t.subject.trim().toLowerCase() === subject) &&
      (!statuses || statuses.includes(t.status)) &&
      (!user || t.user.toLowerCase() === user),
  );
  const page = paginate(
    rows,
    query,
    config,
    (t) => t.created,
    (t) => t.id,
  );
  return ok({ count: page.count, list: page.list.map((t) => ticketObject(t, config, false)) });
}

function getTicket({ state, config, id }: Ctx): SimResponse {
  const ticket = state.getTicket(id);
  return ticket ? ok(ticketObject(ticket, config, true)) : fail(404, 'ticket_not_found');
}

function replyTicket({ state, config, body, id }: Ctx): SimResponse {
  if (!state.getTicket(id)) return fail(404, 'ticket_not_found');
  const message = typeof body.message === 'string' ? body.message.trim() : '';
  if (!message) return fail(400, 'invalid_message');
  const staff = typeof body.staff_name === 'string' && body.staff_name.trim() ? body.staff_name.trim() : undefined;
  return ok(ticketObject(state.replyTicket(id, message, staff), config, true));
}

function addTicket({ state, body }: Ctx): SimResponse {
  const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const [username, subject, message] = [field('username'), field('subject'), field('message')];
  if (!username || !subject || !message) return fail(400, 'invalid_params');
  if (!state.getUser(username)) return fail(404, 'user_not_found');
  return ok({ id: state.addTicket({ username, subject, message }).id });
}

/** `in_progress`, `In progress`, `inprogress`, `cancelled` → the sim's status, or `undefined`. */
function normalizeStatus(raw: string): SimOrderStatus | undefined {
  const s = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const fixed = s === 'cancelled' ? 'canceled' : s === 'inprogress' ? 'in_progress' : s;
  return SIM_ORDER_STATUSES.find((x) => x === fixed);
}
