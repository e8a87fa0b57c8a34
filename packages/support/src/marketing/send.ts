import type { TenantId } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import type { GroupRecord, MarketingMessageRecord } from '../records.js';

/** How long a group's delivery of one slot is remembered: a re-run of the slot within it skips the group. */
const SENT_TTL_MS = 7 * 24 * 3_600_000;

export interface MarketingDelivery {
  /** Groups the outbox accepted the message for. */
  sent: number;
  /** Groups whose channel could not take it (the others still got it). */
  failed: number;
  /** Marketing-enabled groups in silent mode: they asked the bot to say nothing. */
  silent: number;
  /** Groups that already had this slot's message (a re-run of the same slot). */
  duplicate: number;
}

/** The outbox id of one slot's message to one group: a re-run of the same slot reuses it. */
export const marketingSendId = (tenant: TenantId, slot: number, group: GroupRecord) =>
  `mkt:${tenant}:${slot}:${group.id}`;

/** The tenant's marketing-enabled groups, in a stable order. */
export async function marketingGroups(ctx: SupportContext, tenant: TenantId): Promise<GroupRecord[]> {
  const { items } = await ctx.groups.find(tenant, { where: { marketingEnabled: true }, sort: [{ field: 'id' }] });
  return items;
}

/**
 * Sends `message` to every marketing-enabled, non-silent group of the tenant through the outbox, at
 * `marketing` priority (support replies go first) from the group's own channel (`sticky`). Each
 * group's send has the id `mkt:<tenant>:<slot>:<group>` and is claimed in the tenant's key-value store
 * first, so running the same slot again never sends a group the message twice, whatever the outbox.
 */
export async function sendToMarketingGroups(
  ctx: SupportContext,
  tenant: TenantId,
  message: MarketingMessageRecord,
  slot: number,
  meta: Record<string, unknown> = {},
): Promise<MarketingDelivery> {
  const result: MarketingDelivery = { sent: 0, failed: 0, silent: 0, duplicate: 0 };
  for (const group of await marketingGroups(ctx, tenant)) {
    if (group.silent) {
      result.silent++;
      continue;
    }
    const id = marketingSendId(tenant, slot, group);
    const claim = `marketing:sent:${id}`;
    if (!(await ctx.kv.setIfAbsent(tenant, claim, ctx.clock.now(), SENT_TTL_MS))) {
      result.duplicate++;
      continue;
    }
    try {
      await ctx.outbox.send({
        id,
        tenantId: tenant,
        channel: group.channel,
        chatId: group.chatId,
        text: message.text,
        priority: 'marketing',
        route: 'sticky',
        meta: { kind: 'marketing', messageId: message.id, slot, ...meta },
      });
      result.sent++;
    } catch (err) {
      // Not delivered: free the claim so a re-run of the slot may try this group again.
      await ctx.kv.delete(tenant, claim).catch(() => undefined);
      result.failed++;
      ctx.logger.warn({ err, tenant, group: group.id, slot }, 'marketing message to a group failed');
    }
  }
  return result;
}
