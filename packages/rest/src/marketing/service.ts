import { type TenantId, Tokens } from '@smmbot/core';
import { type MarketingMessageRecord, MarketingScheduleToken, MarketingServiceToken } from '@smmbot/support';
import { iso, notFound } from '../http.js';
import type { Scope } from '../scope.js';

export function messageItem(m: MarketingMessageRecord) {
  return {
    id: m.id,
    text: m.text,
    enabled: m.enabled,
    position: m.position,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
  };
}

/**
 * Marketing messages (Dashboard → Marketing): the support workflow's MarketingService. The schedule
 * (interval, jitter, timezone, on/off) is bot_config, set through /api/v1/config.
 */
export class MarketingRestService {
  constructor(private readonly scope: Scope) {}

  private messages() {
    return this.scope.need(MarketingServiceToken, '@smmbot/support');
  }

  async list(tenant: TenantId) {
    const config = await this.scope.need(Tokens.TenantConfig, 'a bot_config source').get(tenant);
    const next = this.scope.optional(MarketingScheduleToken)?.nextRunAt(tenant);
    return {
      items: (await this.messages().list(tenant)).map(messageItem),
      marketing_enabled: config.marketing_enabled,
      interval_hours: config.marketing_interval_hours,
      jitter_minutes: config.marketing_jitter_minutes,
      next_broadcast_at: config.marketing_enabled ? iso(next) : null,
    };
  }

  async add(tenant: TenantId, text: string, enabled?: boolean) {
    return messageItem(await this.messages().add(tenant, text, enabled === undefined ? {} : { enabled }));
  }

  async update(tenant: TenantId, id: string, patch: { text?: string; enabled?: boolean }) {
    const service = this.messages();
    // `update` merges into whatever id it is given: check the tenant has it first.
    if (!(await service.get(tenant, id))) throw notFound(`marketing message "${id}"`);
    const updated = await service.update(tenant, id, patch);
    if (!updated) throw notFound(`marketing message "${id}"`);
    return messageItem(updated);
  }

  async remove(tenant: TenantId, id: string) {
    if (!(await this.messages().remove(tenant, id))) throw notFound(`marketing message "${id}"`);
    return { ok: true as const };
  }

  /** `ids` must name each of the workspace's messages once (a 400 says so otherwise). */
  async reorder(tenant: TenantId, ids: string[]) {
    return { items: (await this.messages().reorder(tenant, ids)).map(messageItem) };
  }
}
