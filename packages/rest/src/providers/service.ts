import type { TenantId } from '@smmbot/core';
import {
  type NewProviderInput,
  ProviderNameTakenError,
  type ProviderInfo,
  type ProviderPatch,
  ProviderServiceToken,
  type ServiceRecord,
} from '@smmbot/providers';
import { iso, notFound, RestError } from '../http.js';
import type { Scope } from '../scope.js';

/** What the dashboard sends (snake_case); `api_key` is sealed by the provider service and never returned. */
export interface ProviderBody {
  name?: string;
  url?: string;
  api_key?: string;
  aliases?: string[];
  escalation_group?: { channel: string; chat_id: string } | null;
  sync_interval_sec?: number;
  is_active?: boolean;
}

export interface ServiceQuery {
  q?: string;
  provider_id?: string;
  sort: string;
  limit: number;
  offset: number;
  only_new?: boolean;
  include_removed?: boolean;
}

/** A provider as the dashboard sees it: never its key, sealed or not (ProviderInfo has none). */
export function providerItem(p: ProviderInfo) {
  return {
    id: p.id,
    name: p.name,
    url: p.url,
    aliases: p.aliases,
    escalation_group: p.escalationGroup
      ? { channel: p.escalationGroup.channel, chat_id: p.escalationGroup.chatId }
      : null,
    sync_interval_sec: p.syncIntervalSec,
    is_active: p.isActive,
    balance: p.balance ?? null,
    currency: p.currency ?? null,
    last_sync_at: iso(p.lastSyncAt),
    last_sync_error: p.lastSyncError ?? null,
    baseline_done: p.baselineDone,
    service_count: p.serviceCount,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

function serviceItem(s: ServiceRecord, providerName: string | undefined) {
  return {
    id: s.id,
    provider_id: s.providerId,
    provider_name: providerName ?? null,
    service_id: s.serviceId,
    name: s.name,
    category: s.category ?? null,
    type: s.type ?? null,
    rate: s.rate ?? null,
    min: s.min ?? null,
    max: s.max ?? null,
    refill: s.refill ?? null,
    cancel: s.cancel ?? null,
    dripfeed: s.dripfeed ?? null,
    is_new: s.isNew,
    first_seen_at: iso(s.firstSeenAt),
    updated_at: iso(s.updatedAt),
    removed_at: iso(s.removedAt),
  };
}

function toPatch(body: ProviderBody): ProviderPatch {
  const patch: ProviderPatch = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.url !== undefined) patch.url = body.url;
  if (body.api_key !== undefined) patch.key = body.api_key;
  if (body.aliases !== undefined) patch.aliases = body.aliases;
  if (body.escalation_group !== undefined) {
    const g = body.escalation_group;
    patch.escalationGroup = g ? { channel: g.channel, chatId: g.chat_id } : null;
  }
  if (body.sync_interval_sec !== undefined) patch.syncIntervalSec = body.sync_interval_sec;
  if (body.is_active !== undefined) patch.isActive = body.is_active;
  return patch;
}

const SORT = { name: 'name', rate: 'rate', updated_at: 'updatedAt' } as const;

/** Providers and Service Search over `ProviderServiceToken`; every call takes the session's tenant. */
export class ProvidersService {
  constructor(private readonly scope: Scope) {}

  private providers() {
    return this.scope.need(ProviderServiceToken, '@smmbot/providers');
  }

  async list(tenant: TenantId) {
    return (await this.providers().list(tenant)).map(providerItem);
  }

  async add(tenant: TenantId, body: Required<Pick<ProviderBody, 'name' | 'url' | 'api_key'>> & ProviderBody) {
    const { escalationGroup, ...rest } = toPatch(body);
    const input = { ...rest, ...(escalationGroup ? { escalationGroup } : {}) } as NewProviderInput;
    return providerItem(await this.conflicts(() => this.providers().add(tenant, input)));
  }

  async update(tenant: TenantId, id: string, body: ProviderBody) {
    return providerItem(await this.conflicts(() => this.providers().update(tenant, id, toPatch(body))));
  }

  async remove(tenant: TenantId, id: string) {
    if (!(await this.providers().remove(tenant, id))) throw notFound(`provider "${id}"`);
    return { ok: true as const };
  }

  async sync(tenant: TenantId, id: string) {
    const result = await this.providers().sync(tenant, id);
    if ('skipped' in result) {
      return { synced: false, skipped: result.skipped, summary: null };
    }
    return {
      synced: true,
      skipped: null,
      summary: {
        baseline: result.baseline,
        added: result.added,
        changed: result.changed,
        removed: result.removed,
        unchanged: result.unchanged,
        balance: result.balance ?? null,
        currency: result.currency ?? null,
        duration_ms: result.durationMs,
        new_service_ids: result.isNew,
      },
    };
  }

  /** Service Search: by name fragment or provider service id, across the tenant's providers or one of them. */
  async search(tenant: TenantId, q: ServiceQuery) {
    const service = this.providers();
    const known = new Map((await service.list(tenant)).map((p) => [p.id, p.name]));
    if (q.provider_id && !known.has(q.provider_id)) throw notFound(`provider "${q.provider_id}"`);
    const desc = q.sort.startsWith('-');
    const field = SORT[q.sort.replace(/^-/, '') as keyof typeof SORT];
    const page = await service.searchServices(tenant, {
      ...(q.q ? { q: q.q } : {}),
      ...(q.provider_id ? { providerId: q.provider_id } : {}),
      sort: field,
      direction: desc ? 'desc' : 'asc',
      limit: q.limit,
      offset: q.offset,
      includeRemoved: q.include_removed ?? false,
      ...(q.only_new !== undefined ? { onlyNew: q.only_new } : {}),
    });
    return {
      items: page.items.map((s) => serviceItem(s, known.get(s.providerId))),
      total: page.total,
      limit: q.limit,
      offset: q.offset,
    };
  }

  private async conflicts<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ProviderNameTakenError) throw new RestError(409, 'E_CONFLICT', err.message);
      throw err;
    }
  }
}
