import type { DispatchAction, DispatchResult, PanelOrder, Turn } from '@smmbot/core';
import type { ProviderInfo } from '@smmbot/providers';
import type { SupportContext } from '../context.js';
import { renderTemplate } from '../templates/defaults.js';
import { actionOrders, isOrderAction, type RouteResult } from './types.js';

/** Actions a provider group understands; the others (refund, partial, fake_complete) have no command. */
const PROVIDER_KINDS = ['refill', 'cancel', 'speedup'] as const;
type ProviderKind = (typeof PROVIDER_KINDS)[number];
const isProviderKind = (kind: string): kind is ProviderKind => (PROVIDER_KINDS as readonly string[]).includes(kind);

export type ProviderRoute = (action: DispatchAction, turn: Turn) => Promise<DispatchResult | undefined>;

/** Where an order's provider command would go, or why it cannot. */
export interface ProviderPlan {
  provider?: ProviderInfo;
  problem?: 'provider_missing' | 'route_missing';
}

/** Finds the providers of orders (by `order.provider`: name, alias or URL host), one look-up per name. */
export function providerFinder(ctx: SupportContext, tenant: string) {
  const seen = new Map<string, Promise<ProviderInfo | undefined>>();
  return (order: PanelOrder | undefined): Promise<ProviderInfo | undefined> => {
    const name = order?.provider?.trim();
    if (!name || !ctx.providers) return Promise.resolve(undefined);
    const key = name.toLowerCase();
    let found = seen.get(key);
    if (!found) {
      found = ctx.providers.findByAlias(tenant, name);
      seen.set(key, found);
    }
    return found;
  };
}

async function planFor(find: ReturnType<typeof providerFinder>, ctx: SupportContext, order: PanelOrder | undefined) {
  if (!order?.provider?.trim()) return { problem: 'provider_missing' } satisfies ProviderPlan;
  // Without the providers plugin there is no provider table to route through.
  if (!ctx.providers) return { problem: 'route_missing' } satisfies ProviderPlan;
  const provider = await find(order);
  if (!provider) return { problem: 'provider_missing' } satisfies ProviderPlan;
  if (!provider.escalationGroup || !order.externalId)
    return { provider, problem: 'route_missing' } satisfies ProviderPlan;
  return { provider } satisfies ProviderPlan;
}

/** The command template of an action for a provider: per provider name or alias, else the default. */
export function providerCommand(
  ctx: SupportContext,
  kind: ProviderKind,
  provider: ProviderInfo,
  orderProvider?: string,
) {
  const names = [provider.name, ...provider.aliases, orderProvider ?? ''].map((n) => n.trim().toLowerCase());
  const own = Object.entries(ctx.options.providerCommandsByProvider).find(([name]) =>
    names.includes(name.toLowerCase()),
  );
  return own?.[1][kind] ?? ctx.options.providerCommands[kind];
}

/** The provider-group route: one clean command per provider, to the provider's escalation group. */
export function providerRoute(ctx: SupportContext): ProviderRoute {
  return async (action, turn) => {
    if (ctx.options.dispatch === 'panel-only' || !isProviderKind(action.kind) || !ctx.providers) return undefined;
    const kind = action.kind;
    const orders = await actionOrders(action, turn);
    const find = providerFinder(ctx, turn.tenantId);
    const plans = await Promise.all(
      action.orderIds.map(async (id) => ({ id, ...(await planFor(find, ctx, orders.get(id))) })),
    );
    if (!plans.some((p) => !p.problem)) return undefined;

    const results: RouteResult[] = [];
    const byProvider = new Map<string, { provider: ProviderInfo; ids: string[] }>();
    for (const plan of plans) {
      const order = orders.get(plan.id);
      if (plan.problem || !plan.provider) {
        results.push({
          orderId: plan.id,
          status: plan.problem ?? 'route_missing',
          provider: plan.provider?.name ?? order?.provider,
        });
        continue;
      }
      const entry = byProvider.get(plan.provider.id) ?? { provider: plan.provider, ids: [] };
      entry.ids.push(plan.id);
      byProvider.set(plan.provider.id, entry);
    }
    for (const { provider, ids } of byProvider.values()) {
      const externalIds = ids.map((id) => orders.get(id)!.externalId!);
      const template = providerCommand(ctx, kind, provider, orders.get(ids[0]!)?.provider);
      const command = renderTemplate(template, { ids: externalIds.join(',') });
      const group = provider.escalationGroup!;
      let error: string | undefined;
      try {
        await ctx.outbox.send({
          tenantId: turn.tenantId,
          channel: group.channel,
          chatId: group.chatId,
          text: command,
          priority: 'support',
          template: 'provider_command',
          vars: { command },
          meta: { kind, provider: provider.name, orderIds: ids, providerOrderIds: externalIds },
        });
      } catch (err) {
        turn.log.warn({ err, provider: provider.name, action: kind }, 'provider group dispatch failed');
        error = (err as Error).message;
      }
      ids.forEach((orderId, i) => {
        const base = { orderId, provider: provider.name, providerOrderId: externalIds[i] };
        results.push(error ? { ...base, status: 'failed', error } : { ...base, status: 'submitted' });
      });
    }
    const ordered = action.orderIds.map((id) => results.find((r) => r.orderId === id)!);
    return {
      route: 'provider-group',
      ok: ordered.every((r) => r.status === 'submitted'),
      detail: { results: ordered },
    };
  };
}

/** Why no route carried the action, per order (the last tap). */
export async function unroutedResults(ctx: SupportContext, action: DispatchAction, turn: Turn): Promise<RouteResult[]> {
  const mode = ctx.options.dispatch;
  if (mode === 'panel-only' || action.kind === 'fake_complete' || !isOrderAction(action.kind)) {
    return action.orderIds.map((orderId) => ({ orderId, status: 'unavailable' }));
  }
  const orders = await actionOrders(action, turn);
  if (!isProviderKind(action.kind)) {
    // Refund and partial have no provider command: staff take them from the log.
    return action.orderIds.map((orderId) => ({
      orderId,
      status: 'route_missing',
      provider: orders.get(orderId)?.provider,
    }));
  }
  const find = providerFinder(ctx, turn.tenantId);
  return Promise.all(
    action.orderIds.map(async (orderId): Promise<RouteResult> => {
      const order = orders.get(orderId);
      const plan = await planFor(find, ctx, order);
      return {
        orderId,
        status: plan.problem ?? 'route_missing',
        provider: plan.provider?.name ?? order?.provider,
        providerOrderId: order?.externalId,
      };
    }),
  );
}
