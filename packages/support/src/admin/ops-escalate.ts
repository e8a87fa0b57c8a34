import { type PanelOrder, Tokens, type Turn } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import type { ProviderInfo } from '@smmbot/providers';
import { providerCommand } from '../orders/provider-route.js';
import type { LogRecord } from '../records.js';
import { renderTemplate } from '../templates/defaults.js';

/** What an escalation needs of a turn: the tenant, its services (the panel) and a logger; the dashboard passes its own. */
export type EscalationScope = Pick<Turn, 'tenantId' | 'services' | 'log'>;

export interface EscalationReport {
  /** One line per provider (sent, provider missing, no group mapped, ...) for the staff reply. */
  lines: string[];
  /** How many of those lines are problems staff must handle by hand. */
  problems: number;
  providerOrderIds: string[];
  /** Names of the providers messages were sent to. */
  providers: string[];
}

interface Item {
  provider?: string;
  /** Provider order ids (the upstream `external_id`s). */
  ids: string[];
  action: string;
  /** What staff called it: `Order #54321`, or `#12` for an entry without orders. */
  label: string;
}

/** Actions a provider group has a command for (the others are sent as `<ids> <action>`). */
const PROVIDER_KINDS = ['refill', 'cancel', 'speedup'] as const;
type ProviderKind = (typeof PROVIDER_KINDS)[number];
const isProviderKind = (action: string): action is ProviderKind =>
  (PROVIDER_KINDS as readonly string[]).includes(action);

/** `2323223,2323224 refill`: the provider's (or tenant's) command for the action, else `<ids> refund|partial|check`. */
export function escalationText(ctx: SupportContext, provider: ProviderInfo, action: string, ids: string[]): string {
  const template = isProviderKind(action)
    ? providerCommand(ctx, action, provider)
    : `{ids} ${['refund', 'partial'].includes(action) ? action : 'check'}`;
  return renderTemplate(template, { ids: ids.join(',') });
}

/**
 * Escalation of log entries (spec "Provider escalation group"): the provider order ids are grouped by
 * provider and action and sent as `<ids> <action>` to the provider's mapped group through the outbox.
 * Entries without provider details (a plain `order` lookup, say) get them from the panel. A provider
 * that is unknown, or has no group, is reported back instead.
 */
export async function escalate(
  turn: EscalationScope,
  records: LogRecord[],
  ctx: SupportContext,
): Promise<EscalationReport> {
  const report: EscalationReport = { lines: [], problems: 0, providerOrderIds: [], providers: [] };
  const problem = (line: string) => {
    report.problems++;
    report.lines.push(line);
  };
  // Entries name a provider as the panel did (name, alias or domain): group by the provider found.
  const found = new Map<string, ProviderInfo | undefined>();
  const byProvider = new Map<string, { info: ProviderInfo; items: Item[] }>();
  for (const item of await itemsOf(turn, records)) {
    const name = item.provider;
    if (!name) {
      problem(`${item.label}: provider missing`);
      continue;
    }
    const key = name.toLowerCase();
    if (!found.has(key)) {
      const info = await ctx.providers?.findByAlias(turn.tenantId, name);
      found.set(key, info);
      if (!info) problem(`${name}: provider missing`);
    }
    const info = found.get(key);
    if (!info) continue;
    const entry = byProvider.get(info.id) ?? { info, items: [] };
    entry.items.push(item);
    byProvider.set(info.id, entry);
  }
  for (const { info, items } of byProvider.values()) {
    const group = info.escalationGroup;
    if (!group) {
      problem(`${info.name}: no group mapped`);
      continue;
    }
    for (const item of items) if (!item.ids.length) problem(`${item.label}: no provider order id (${info.name})`);
    const byAction = new Map<string, Set<string>>();
    for (const item of items)
      for (const id of item.ids) byAction.set(item.action, (byAction.get(item.action) ?? new Set()).add(id));
    for (const [action, idSet] of byAction) {
      const ids = [...idSet];
      const text = escalationText(ctx, info, action, ids);
      try {
        await ctx.outbox.send({
          tenantId: turn.tenantId,
          channel: group.channel,
          chatId: group.chatId,
          text,
          priority: 'support',
          meta: { kind: 'escalation', providerId: info.id },
        });
        report.lines.push(`Sent to ${info.name}: ${text}`);
        report.providerOrderIds.push(...ids);
        if (!report.providers.includes(info.name)) report.providers.push(info.name);
      } catch (err) {
        turn.log.warn({ err, providerId: info.id }, 'could not send an escalation to the provider group');
        problem(`${info.name}: could not reach the provider group`);
      }
    }
  }
  return report;
}

/** Provider and provider order ids per entry (or per order, when they come from the panel). */
async function itemsOf(turn: EscalationScope, records: LogRecord[]): Promise<Item[]> {
  const gaps = records.filter((r) => !r.provider || r.providerOrderIds.length === 0);
  const orders = await panelOrders(turn, [...new Set(gaps.flatMap((r) => r.orderIds))]);
  const items: Item[] = [];
  for (const r of records) {
    const provider = r.provider ? { provider: r.provider } : {};
    if (r.provider && r.providerOrderIds.length) {
      items.push({ ...provider, ids: r.providerOrderIds, action: r.action, label: `#${r.serial}` });
    } else if (!r.orderIds.length) {
      items.push({ ...provider, ids: [], action: r.action, label: `#${r.serial}` });
    } else {
      for (const orderId of r.orderIds) {
        const order = orders.get(orderId);
        const name = order?.provider ?? r.provider;
        const ids = order?.externalId ? [order.externalId] : [];
        items.push({ ...(name ? { provider: name } : {}), ids, action: r.action, label: `Order #${orderId}` });
      }
    }
  }
  return items;
}

async function panelOrders(turn: EscalationScope, ids: string[]): Promise<Map<string, PanelOrder>> {
  const found = new Map<string, PanelOrder>();
  if (!ids.length || !turn.services.has(Tokens.Panel)) return found;
  try {
    for (const order of await turn.services.resolve(Tokens.Panel).getOrders(ids)) found.set(order.id, order);
  } catch (err) {
    turn.log.warn({ err }, 'could not look up orders for an escalation');
  }
  return found;
}
