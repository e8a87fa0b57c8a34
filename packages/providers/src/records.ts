import type { Collection, CollectionSpec, RecordStore, StoredRecord, TenantId } from '@smmbot/core';

/** Where escalated orders of a provider are forwarded (`<external id> refill` to its group). */
export interface EscalationGroup {
  channel: string;
  chatId: string;
}

/** An upstream SMM provider of one tenant. Times are epoch ms from the engine's Clock. */
export interface ProviderRecord extends StoredRecord {
  name: string;
  /** The classic SMM API endpoint, e.g. `https://provider.example/api/v2`. */
  url: string;
  /** The API key sealed with the engine's SecretBox (`v1.<nonce>.<tag>.<ciphertext>`), never plain text. */
  keySealed: string;
  /** Other names or domains the provider appears under in panel orders (`PanelOrder.provider`). */
  aliases: string[];
  escalationGroup?: EscalationGroup;
  syncIntervalSec: number;
  /** Inactive providers are not synced automatically (a manual `sync` still works). */
  isActive: boolean;
  balance?: number;
  currency?: string;
  /** When the last successful sync finished. */
  lastSyncAt?: number;
  /** Why the last sync failed; cleared by the next successful one. */
  lastSyncError?: string;
  /** True once the first (baseline) sync has stored the catalog: later additions are tagged new. */
  baselineDone: boolean;
  /** Services currently offered (not removed). */
  serviceCount: number;
  createdAt: number;
  updatedAt: number;
}

/** A provider as the service hands it out: everything but the sealed key. */
export type ProviderInfo = Omit<ProviderRecord, 'keySealed'>;

/** One service of a provider's catalog; id is `${providerId}:${serviceId}`. */
export interface ServiceRecord extends StoredRecord {
  providerId: string;
  /** The provider's own service id (what a customer or admin types). */
  serviceId: string;
  /** The raw name as the provider wrote it: refill windows and speeds are parsed from it later. */
  name: string;
  category?: string;
  type?: string;
  /** Price per 1000. */
  rate?: number;
  min?: number;
  max?: number;
  refill?: boolean;
  cancel?: boolean;
  dripfeed?: boolean;
  /** Appeared after the baseline sync and not yet acknowledged (`clearNew`). */
  isNew: boolean;
  firstSeenAt: number;
  updatedAt: number;
  /** Set when the service vanished from the provider's catalog; cleared if it comes back. */
  removedAt?: number;
  /** Parsed service rules: a later issue fills this; the sync stores null. */
  rules: null;
}

/** A pending admin notification about new services (delivered by whoever taps `newServices` or polls this). */
export interface ProviderNotificationRecord extends StoredRecord {
  kind: 'new_services';
  audience: 'admin';
  providerId: string;
  providerName: string;
  serviceIds: string[];
  count: number;
  createdAt: number;
  status: 'pending' | 'sent' | 'failed';
}

export const PROVIDERS: CollectionSpec = { name: 'providers', indexes: ['name', 'isActive'] };

export const SERVICES: CollectionSpec = {
  name: 'services',
  // providerId+name serves "catalog of one provider by name" and, as a prefix, "all of one provider".
  indexes: ['providerId', ['providerId', 'name'], ['providerId', 'serviceId'], 'serviceId', 'isNew'],
  search: ['name'],
};

export const PROVIDER_NOTIFICATIONS: CollectionSpec = {
  name: 'provider_notifications',
  indexes: ['status', 'providerId', 'createdAt'],
};

export interface ProviderCollections {
  providers: Collection<ProviderRecord>;
  services: Collection<ServiceRecord>;
  notifications: Collection<ProviderNotificationRecord>;
}

export function providerCollections(store: RecordStore): ProviderCollections {
  return {
    providers: store.collection<ProviderRecord>(PROVIDERS),
    services: store.collection<ServiceRecord>(SERVICES),
    notifications: store.collection<ProviderNotificationRecord>(PROVIDER_NOTIFICATIONS),
  };
}

export const serviceRecordId = (providerId: string, serviceId: string) => `${providerId}:${serviceId}`;

export const syncLockKey = (providerId: string) => `provider_sync_lock:${providerId}`;

export const syncJobId = (providerId: string) => `provider-sync:${providerId}`;

/** Strips the sealed key: what `get`, `list` and the hooks hand out. */
export function toInfo(record: ProviderRecord): ProviderInfo {
  const { keySealed: _sealed, ...info } = record;
  return info;
}

/** What a connector gets to build a client: the provider with its key opened. */
export interface ProviderConnection {
  tenant: TenantId;
  id: string;
  name: string;
  url: string;
  key: string;
}
