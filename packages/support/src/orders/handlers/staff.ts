import { can, type Outcome, type PanelClient, type PanelOrder, type ParsedCommand, type Turn } from '@smmbot/core';
import type { ProviderInfo } from '@smmbot/providers';
import type { SupportContext } from '../../context.js';
import { DEFAULT_TEMPLATES, draft, renderTemplate } from '../../templates/defaults.js';
import { checkEligibility } from '../eligibility.js';
import { factsOf, formatDate, STATUS_LABEL } from '../format.js';
import { providerFinder } from '../provider-route.js';
import type { OrderOutcome, Vars } from '../types.js';
import { type OrdersEnv, panelOf, recordOutcomes, refusal } from './common.js';

/**
 * A provider's own API client, when the providers service can open one. ProviderService has no public
 * way to do it yet (its connector is private): this looks for `client(tenant, providerId)` and falls
 * back to the panel's view of the order when it is absent or fails.
 */
type ClientSource = { client?: (tenant: string, providerId: string) => Promise<PanelClient | undefined> };

/** Orders as the provider sees them (keyed by the panel order id), for the orders whose provider answers. */
async function providerView(ctx: SupportContext, turn: Turn, orders: PanelOrder[]): Promise<Map<string, PanelOrder>> {
  const out = new Map<string, PanelOrder>();
  const source = ctx.providers as ClientSource | undefined;
  if (typeof source?.client !== 'function') return out;
  const find = providerFinder(ctx, turn.tenantId);
  const byProvider = new Map<string, { provider: ProviderInfo; orders: PanelOrder[] }>();
  for (const order of orders) {
    const provider = order.externalId ? await find(order) : undefined;
    if (!provider) continue;
    const entry = byProvider.get(provider.id) ?? { provider, orders: [] };
    entry.orders.push(order);
    byProvider.set(provider.id, entry);
  }
  for (const { provider, orders: group } of byProvider.values()) {
    try {
      const client = await source.client(turn.tenantId, provider.id);
      if (!client) continue;
      const seen = new Map((await client.getOrders(group.map((o) => o.externalId!))).map((o) => [o.id, o]));
      for (const order of group) {
        const theirs = seen.get(order.externalId!);
        if (theirs) out.set(order.id, theirs);
      }
    } catch (err) {
      turn.log.warn({ err, provider: provider.name }, 'provider status look-up failed; showing the panel view');
    }
  }
  return out;
}

async function staffOrders(turn: Turn, command: ParsedCommand) {
  const found = new Map((await panelOf(turn).getOrders(command.ids)).map((o) => [o.id, o]));
  return command.ids.map((id) => ({ id, order: found.get(id) }));
}

const notFound = (id: string): OrderOutcome => ({
  orderId: id,
  kind: 'refused',
  key: 'order_not_found',
  vars: { order_id: id },
  reason: 'not_found',
});

function reply(turn: Turn, outcomes: OrderOutcome[], reason: string): Outcome {
  recordOutcomes(turn, outcomes, 'info');
  const results = outcomes.map((o) => renderTemplate(DEFAULT_TEMPLATES[o.key], o.vars)).join('\n');
  return { reason, replies: [{ ...draft('order_results', { results }), facts: factsOf(outcomes) }] };
}

/**
 * `refill verify <ids>` (staff; no ownership check): per order the panel's start count, quantity and
 * remains with what they imply (delivered, target count), the provider's live figures when its API can
 * be reached, and the refill verdict the customer command would reach — to justify or dispute a refill.
 */
export async function refillVerify(env: OrdersEnv, turn: Turn, command: ParsedCommand): Promise<Outcome> {
  if (!can(turn.role, 'bot.refill_verify')) return refusal(turn, 'permission_denied');
  if (command.ids.length === 0) return refusal(turn, 'order_missing_id', { command: 'refill verify' });
  const panel = panelOf(turn);
  const rows = await staffOrders(turn, command);
  const live = await providerView(
    env.ctx,
    turn,
    rows.flatMap((r) => (r.order ? [r.order] : [])),
  );
  const now = env.ctx.clock.now();
  const outcomes: OrderOutcome[] = [];
  for (const { id, order } of rows) {
    if (!order) {
      outcomes.push(notFound(id));
      continue;
    }
    const rules = await env.rules.forOrder(turn, panel, order);
    const vars: Vars = {
      order_id: id,
      status: STATUS_LABEL[order.status] + (order.updatedAt ? ` (${formatDate(order.updatedAt)})` : ''),
      start_count: order.startCount ?? '-',
      quantity: order.quantity ?? '-',
      remains: order.remains ?? '-',
      delivered: order.quantity !== undefined && order.remains !== undefined ? order.quantity - order.remains : '-',
      target: order.startCount !== undefined && order.quantity !== undefined ? order.startCount + order.quantity : '-',
      live: liveText(order, live.get(id)),
      refill: refillVerdict(order, rules, now),
    };
    const base = { orderId: id, provider: order.provider, providerOrderId: order.externalId };
    outcomes.push({ ...base, kind: 'done', key: 'refill_verify_line', vars, reason: 'refill_verify' });
  }
  return reply(turn, outcomes, 'refill_verify');
}

function liveText(order: PanelOrder, theirs: PanelOrder | undefined): string {
  if (!theirs) return ' | Live: n/a (panel data only)';
  const differs = theirs.remains !== undefined && order.remains !== undefined && theirs.remains !== order.remains;
  const parts = [STATUS_LABEL[theirs.status], `start ${theirs.startCount ?? '-'}`, `remains ${theirs.remains ?? '-'}`];
  return ` | Live (provider): ${parts.join(', ')}${differs ? ' — MISMATCH with panel' : ''}`;
}

function refillVerdict(order: PanelOrder, rules: Parameters<typeof checkEligibility>[2], now: number): string {
  const verdict = checkEligibility('refill', order, rules, now);
  const refill = rules.refill;
  if (verdict.ok) {
    if (refill.kind !== 'days' || !order.updatedAt) return 'eligible (lifetime)';
    return `eligible (${refill.days} days, until ${formatDate(order.updatedAt.getTime() + refill.days * 86_400_000)})`;
  }
  const v = verdict.refusal.vars;
  switch (verdict.refusal.key) {
    case 'refill_window_expired':
      return `expired (${v.days} days, ended ${v.ended})`;
    case 'refill_no_refill':
      return 'no refill on this service';
    case 'refill_unknown_rule':
      return 'unknown refill rule — check the service';
    default:
      return `not eligible (${STATUS_LABEL[order.status]})`;
  }
}

/** `<ids> provider status` (staff; no ownership check): provider order id and the provider's status per order. */
export async function providerStatus(env: OrdersEnv, turn: Turn, command: ParsedCommand): Promise<Outcome> {
  if (!can(turn.role, 'bot.provider_status')) return refusal(turn, 'permission_denied');
  if (command.ids.length === 0) return refusal(turn, 'order_missing_id', { command: 'provider status' });
  const rows = await staffOrders(turn, command);
  const live = await providerView(
    env.ctx,
    turn,
    rows.flatMap((r) => (r.order ? [r.order] : [])),
  );
  const outcomes = rows.map(({ id, order }): OrderOutcome => {
    if (!order) return notFound(id);
    const theirs = live.get(id);
    const vars = {
      order_id: id,
      provider_order_id: order.externalId ?? '-',
      provider_status: theirs ? STATUS_LABEL[theirs.status] : `${STATUS_LABEL[order.status]} (panel view)`,
    };
    const base = { orderId: id, provider: order.provider, providerOrderId: order.externalId };
    return { ...base, kind: 'done', key: 'provider_status_line', vars, reason: 'provider_status' };
  });
  return reply(turn, outcomes, 'provider_status');
}
