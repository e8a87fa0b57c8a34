import { randomUUID } from 'node:crypto';
import {
  acquireLeasedLock,
  type Clock,
  type KeyValueStore,
  type Logger,
  type Page,
  type RecordFields,
  type RecordStore,
  type SecretBox,
  SmmbotError,
  type TenantId,
} from '@smmbot/core';
import { chunks } from './diff.js';
import { ProviderNameTakenError, ProviderNotFoundError } from './errors.js';
import { createProviderHooks, type ProviderHooks } from './hooks.js';
import {
  type ProviderCollections,
  type ProviderInfo,
  type ProviderRecord,
  providerCollections,
  type ServiceRecord,
  syncLockKey,
  toInfo,
} from './records.js';
import {
  type NewProviderInput,
  newProviderSchema,
  parseInput,
  type ProviderPatch,
  providerPatchSchema,
  type ServiceSearchQuery,
} from './schemas.js';
import { searchServices } from './search.js';
import { type ProviderConnector, SYNC_LOCK_TTL_MS, type SyncResult, syncProvider, WRITE_CHUNK } from './sync.js';

export interface ProviderServiceDeps {
  store: RecordStore;
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  /** Seals API keys at rest (the engine's `Tokens.Secrets`). */
  secrets: SecretBox;
  /** Builds a PanelClient for a provider; inject a fake in tests. */
  connect: ProviderConnector;
  /** Defaults to fresh hooks; the plugin passes `providerHooks(container)`. */
  hooks?: ProviderHooks;
}

const sameName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/**
 * Providers of each tenant, their synced catalogs and the sync itself. Every method takes the
 * tenant first; a provider id of another tenant is simply not found. API keys are sealed before
 * they are stored and never leave the service (records are returned without `keySealed`).
 */
export class ProviderService {
  readonly hooks: ProviderHooks;
  readonly collections: ProviderCollections;

  constructor(private readonly deps: ProviderServiceDeps) {
    this.hooks = deps.hooks ?? createProviderHooks();
    this.collections = providerCollections(deps.store);
  }

  async add(tenant: TenantId, input: NewProviderInput): Promise<ProviderInfo> {
    const data = parseInput(newProviderSchema, input, 'provider');
    await this.assertNameFree(tenant, data.name);
    const now = this.deps.clock.now();
    const { key, ...fields } = data;
    const record = await this.collections.providers.insert(tenant, {
      ...fields,
      id: randomUUID(),
      keySealed: this.deps.secrets.seal(key),
      baselineDone: false,
      serviceCount: 0,
      createdAt: now,
      updatedAt: now,
    });
    const info = toInfo(record);
    this.deps.logger.info({ tenant, providerId: info.id, provider: info.name }, 'provider added');
    this.hooks.changed.call({ tenant, action: 'added', providerId: info.id, provider: info });
    return info;
  }

  async update(tenant: TenantId, providerId: string, patch: ProviderPatch): Promise<ProviderInfo> {
    const data = parseInput(providerPatchSchema, patch, 'provider patch');
    const current = await this.collections.providers.get(tenant, providerId);
    if (!current) throw new ProviderNotFoundError(tenant, providerId);
    if (data.name !== undefined && !sameName(data.name, current.name)) {
      await this.assertNameFree(tenant, data.name, providerId);
    }
    const { key, escalationGroup, ...fields } = data;
    const changes: Partial<RecordFields<ProviderRecord>> = { ...fields, updatedAt: this.deps.clock.now() };
    if (key !== undefined) changes.keySealed = this.deps.secrets.seal(key);
    if (escalationGroup !== undefined) changes.escalationGroup = escalationGroup ?? undefined;
    const record = await this.collections.providers.update(tenant, providerId, changes);
    if (!record) throw new ProviderNotFoundError(tenant, providerId);
    const info = toInfo(record);
    this.deps.logger.info({ tenant, providerId, changed: Object.keys(data) }, 'provider updated');
    this.hooks.changed.call({ tenant, action: 'updated', providerId, provider: info });
    return info;
  }

  /**
   * Adds the provider, or updates the one with the same name (case-insensitive): how providers
   * declared in the config file are applied at every boot. The key is sealed again either way.
   */
  async upsertByName(tenant: TenantId, input: NewProviderInput): Promise<{ provider: ProviderInfo; created: boolean }> {
    const data = parseInput(newProviderSchema, input, 'provider');
    const existing = (await this.list(tenant)).find((p) => sameName(p.name, data.name));
    if (!existing) return { provider: await this.add(tenant, data), created: true };
    const { escalationGroup, ...rest } = data;
    const patch: ProviderPatch = escalationGroup ? { ...rest, escalationGroup } : rest;
    return { provider: await this.update(tenant, existing.id, patch), created: false };
  }

  /** Deletes the provider and its services (kept: its notifications). Refused while it is syncing. */
  async remove(tenant: TenantId, providerId: string): Promise<boolean> {
    const lock = await acquireLeasedLock(this.deps.kv, tenant, syncLockKey(providerId), {
      maxMs: SYNC_LOCK_TTL_MS,
      clock: this.deps.clock,
    });
    if (!lock) {
      throw new SmmbotError('E_IN_PROGRESS', `provider "${providerId}" is syncing; try again when it is done`, {
        details: { tenant, providerId },
        retryable: true,
      });
    }
    try {
      if (!(await this.collections.providers.get(tenant, providerId))) return false;
      const { items } = await this.collections.services.find(tenant, { where: { providerId } });
      // The store has no delete-by-query: one delete per service.
      for (const s of items) await this.collections.services.delete(tenant, s.id);
      await this.collections.providers.delete(tenant, providerId);
    } finally {
      await lock.release();
    }
    this.deps.logger.info({ tenant, providerId }, 'provider removed');
    this.hooks.changed.call({ tenant, action: 'removed', providerId });
    return true;
  }

  async get(tenant: TenantId, providerId: string): Promise<ProviderInfo | undefined> {
    const record = await this.collections.providers.get(tenant, providerId);
    return record ? toInfo(record) : undefined;
  }

  /** The tenant's providers by name; `activeOnly` for the ones that auto-sync. */
  async list(tenant: TenantId, options: { activeOnly?: boolean } = {}): Promise<ProviderInfo[]> {
    const { items } = await this.collections.providers.find(tenant, {
      where: options.activeOnly ? { isActive: true } : {},
      sort: [{ field: 'name' }],
    });
    return items.map(toInfo);
  }

  /** The provider a panel order names (`PanelOrder.provider`): by name, alias or URL host, case-insensitive. */
  async findByAlias(tenant: TenantId, text: string): Promise<ProviderInfo | undefined> {
    const want = text.trim();
    if (!want) return undefined;
    const host = (url: string) => URL.canParse(url) && new URL(url).hostname.replace(/^www\./, '');
    return (await this.list(tenant)).find(
      (p) => sameName(p.name, want) || p.aliases.some((a) => sameName(a, want)) || host(p.url) === want.toLowerCase(),
    );
  }

  /** Fetches the provider's catalog and balance and stores the difference; see `SyncSummary`. */
  sync(tenant: TenantId, providerId: string): Promise<SyncResult> {
    const { kv, clock, logger, secrets, connect } = this.deps;
    return syncProvider(
      { collections: this.collections, kv, clock, logger, secrets, connect, hooks: this.hooks },
      tenant,
      providerId,
    );
  }

  searchServices(tenant: TenantId, query: ServiceSearchQuery = {}): Promise<Page<ServiceRecord>> {
    return searchServices(this.collections.services, tenant, query);
  }

  /** Acknowledges new services (of one provider, or all): returns how many lost the tag. */
  async clearNew(tenant: TenantId, providerId?: string): Promise<number> {
    const { items } = await this.collections.services.find(tenant, {
      where: providerId ? { isNew: true, providerId } : { isNew: true },
    });
    const writes = items.map(({ tenantId: _t, ...s }) => ({ ...s, isNew: false }));
    for (const chunk of chunks(writes, WRITE_CHUNK)) await this.collections.services.upsertMany(tenant, chunk);
    return writes.length;
  }

  private async assertNameFree(tenant: TenantId, name: string, except?: string): Promise<void> {
    const taken = (await this.list(tenant)).some((p) => p.id !== except && sameName(p.name, name));
    if (taken) throw new ProviderNameTakenError(tenant, name);
  }
}
