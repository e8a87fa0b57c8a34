import type { TenantId } from '@smmbot/core';
import { AsyncParallelHook, SyncHook } from 'tapable';
import type { DependencyContainer } from 'tsyringe';
import type { ProviderInfo, ServiceRecord } from './records.js';

/** What `newServices` receives: services tagged new by one sync (never on the baseline sync). */
export interface NewServicesEvent {
  tenant: TenantId;
  provider: ProviderInfo;
  services: ServiceRecord[];
  /** The `provider_notifications` record stored for this batch. */
  notificationId: string;
}

/** A provider was added, changed or removed through the ProviderService. */
export interface ProviderChangedEvent {
  tenant: TenantId;
  action: 'added' | 'updated' | 'removed';
  providerId: string;
  /** Absent for `removed`. */
  provider?: ProviderInfo;
}

export function createProviderHooks() {
  return {
    /** Tap to deliver the admin notification (WhatsApp/Telegram); a failing tap is logged, the sync stands. */
    newServices: new AsyncParallelHook<[NewServicesEvent]>(['event'], 'providers:newServices'),
    /** The plugin taps this to (re)schedule auto-sync; others may mirror provider changes. */
    changed: new SyncHook<[ProviderChangedEvent]>(['event'], 'providers:changed'),
  };
}

export type ProviderHooks = ReturnType<typeof createProviderHooks>;

const byContainer = new WeakMap<DependencyContainer, ProviderHooks>();

/**
 * The provider hooks of an engine, keyed by its root container (`ctx.container` in a plugin's
 * `apply`): webpack's `getCompilationHooks(compilation)` pattern. Created on first access, so a
 * plugin can tap them whatever the plugin order. Tap in `apply`; only the ProviderService calls them.
 */
export function providerHooks(container: DependencyContainer): ProviderHooks {
  let hooks = byContainer.get(container);
  if (!hooks) {
    hooks = createProviderHooks();
    byContainer.set(container, hooks);
  }
  return hooks;
}
