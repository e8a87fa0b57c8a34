import {
  acquireLeasedLock,
  type Clock,
  type KeyValueStore,
  type Logger,
  type PanelBalance,
  type PanelClient,
  PanelError,
  type PanelService,
  type SecretBox,
  type TenantId,
} from '@smmbot/core';
import { chunks, diffCatalog } from './diff.js';
import { ProviderNotFoundError, ProviderSyncError, safeMessage } from './errors.js';
import type { ProviderHooks } from './hooks.js';
import {
  type ProviderCollections,
  type ProviderConnection,
  type ProviderRecord,
  type ServiceRecord,
  syncLockKey,
  toInfo,
} from './records.js';

/** Builds a client for one provider; the default speaks the classic SMM API (`@smmbot/panel-smmapi`). */
export type ProviderConnector = (provider: ProviderConnection) => PanelClient | Promise<PanelClient>;

export interface SyncSummary {
  providerId: string;
  /** True for the first sync of a provider: its catalog is the baseline, nothing is tagged new. */
  baseline: boolean;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  /** The balance fetched by this sync; absent when the balance call failed or is not supported. */
  balance?: number;
  currency?: string;
  durationMs: number;
  /** Provider service ids tagged new by this sync. */
  isNew: string[];
}

export type SyncResult = SyncSummary | { skipped: 'locked' };

export const SYNC_LOCK_TTL_MS = 600_000;
/** Records per upsertMany call: one transaction each, so a 20k catalog is 40 writes, not 20k. */
export const WRITE_CHUNK = 500;

export interface SyncDeps {
  collections: ProviderCollections;
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  secrets: SecretBox;
  connect: ProviderConnector;
  hooks: ProviderHooks;
}

/**
 * One catalog sync under the provider's lock (`provider_sync_lock:{id}`, 600 s): fetch services
 * (required) and balance (best effort), diff, write in chunks, update the provider, then notify.
 */
export async function syncProvider(deps: SyncDeps, tenant: TenantId, providerId: string): Promise<SyncResult> {
  const { collections, kv, clock, logger } = deps;
  // A lease renewed while the sync runs (at most 600 s): a worker killed mid-sync frees it in 30 s.
  const lock = await acquireLeasedLock(kv, tenant, syncLockKey(providerId), { maxMs: SYNC_LOCK_TTL_MS, clock });
  if (!lock) {
    logger.debug({ tenant, providerId }, 'provider sync skipped: another sync holds the lock');
    return { skipped: 'locked' };
  }
  let client: PanelClient | undefined;
  try {
    const provider = await collections.providers.get(tenant, providerId);
    if (!provider) throw new ProviderNotFoundError(tenant, providerId);
    const log = logger.child({ tenant, providerId, provider: provider.name });
    const started = clock.now();

    let key: string | undefined;
    try {
      key = deps.secrets.open(provider.keySealed);
      client = await deps.connect({ tenant, id: provider.id, name: provider.name, url: provider.url, key });
    } catch (err) {
      throw await failed(deps, tenant, provider, 'connect', err, key, log);
    }
    const fetchServices = client.services?.bind(client);
    let fetched: PanelService[];
    try {
      if (!fetchServices) throw new PanelError('unsupported', `client "${client.name}" cannot list services`);
      fetched = await fetchServices();
      if (!Array.isArray(fetched)) throw new PanelError('bad_response', 'the services call did not return a list');
    } catch (err) {
      throw await failed(deps, tenant, provider, 'services', err, key, log);
    }
    const balance = await fetchBalance(client, key, log);

    const tagNew = provider.baselineDone;
    const now = clock.now();
    const stored = await collections.services.find(tenant, { where: { providerId } });
    const diff = diffCatalog(providerId, stored.items, fetched, now, tagNew);
    for (const chunk of chunks(diff.writes, WRITE_CHUNK)) await collections.services.upsertMany(tenant, chunk);

    const updated = await collections.providers.update(tenant, providerId, {
      ...(balance ? { balance: balance.amount, currency: balance.currency ?? provider.currency } : {}),
      lastSyncAt: clock.now(),
      lastSyncError: undefined,
      serviceCount: diff.active,
      baselineDone: true,
    });
    const fresh = tagNew ? diff.added : [];
    if (fresh.length > 0 && updated) await announce(deps, tenant, updated, fresh as ServiceRecord[], log);

    const summary: SyncSummary = {
      providerId,
      baseline: !tagNew,
      added: diff.added.length,
      changed: diff.changed,
      removed: diff.removed,
      unchanged: diff.unchanged,
      ...(balance ? { balance: balance.amount, currency: balance.currency } : {}),
      durationMs: clock.now() - started,
      isNew: fresh.map((s) => s.serviceId),
    };
    const { isNew: _ids, ...counts } = summary;
    log.info({ ...counts, newServices: fresh.length }, 'provider synced');
    return summary;
  } finally {
    await client?.close?.().catch((err: unknown) => logger.warn({ err, providerId }, 'provider client close failed'));
    await lock.release().catch((err: unknown) => logger.warn({ err, providerId }, 'provider sync lock release failed'));
  }
}

/** Records the failure on the provider and returns the typed error to throw. */
async function failed(
  deps: SyncDeps,
  tenant: TenantId,
  provider: ProviderRecord,
  stage: 'connect' | 'services',
  err: unknown,
  key: string | undefined,
  log: Logger,
): Promise<ProviderSyncError> {
  const what = stage === 'connect' ? 'could not connect to' : 'could not fetch the services of';
  const error = new ProviderSyncError(
    provider.id,
    stage,
    `${what} provider "${provider.name}": ${safeMessage(err, key)}`,
    err,
  );
  await deps.collections.providers
    .update(tenant, provider.id, { lastSyncError: error.message })
    .catch((e: unknown) => log.error({ err: e }, 'could not record the sync error'));
  log.warn({ code: error.code, stage, reason: error.message }, 'provider sync failed');
  return error;
}

/** Best effort: a failing or missing balance call never fails the sync. */
async function fetchBalance(client: PanelClient, key: string, log: Logger): Promise<PanelBalance | undefined> {
  if (!client.balance) return undefined;
  try {
    const balance = await client.balance();
    return Number.isFinite(balance?.amount) ? balance : undefined;
  } catch (err) {
    log.warn({ reason: safeMessage(err, key) }, 'provider balance failed; keeping the last known balance');
    return undefined;
  }
}

/** Stores the admin notification, then calls `newServices`; a failing tap is logged, never rethrown. */
async function announce(
  deps: SyncDeps,
  tenant: TenantId,
  provider: ProviderRecord,
  services: ServiceRecord[],
  log: Logger,
): Promise<void> {
  const serviceIds = services.map((s) => s.serviceId);
  const notification = await deps.collections.notifications.insert(tenant, {
    kind: 'new_services',
    audience: 'admin',
    providerId: provider.id,
    providerName: provider.name,
    serviceIds,
    count: serviceIds.length,
    createdAt: deps.clock.now(),
    status: 'pending',
  });
  const withTenant = services.map((s) => ({ ...s, tenantId: tenant }));
  try {
    await deps.hooks.newServices.promise({
      tenant,
      provider: toInfo(provider),
      services: withTenant,
      notificationId: notification.id,
    });
  } catch (err) {
    log.error({ reason: safeMessage(err), notificationId: notification.id }, 'a newServices tap failed');
  }
}
