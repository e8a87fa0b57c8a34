import {
  type ChannelRegistry,
  type Clock,
  type Collection,
  type KeyValueStore,
  type Logger,
  type Outbox,
  type TenantConfigSource,
  Tokens,
} from '@smmbot/core';
import { type ProviderService, ProviderServiceToken } from '@smmbot/providers';
import type { DependencyContainer } from 'tsyringe';
import type { SupportOptions } from './options.js';
import {
  ADMINS,
  type AdminRecord,
  GROUPS,
  type GroupRecord,
  IDENTITIES,
  type IdentityRecord,
  LOGS,
  type LogRecord,
} from './records.js';

/** Everything the support workflow's taps share; built once when the plugin is applied. */
export interface SupportContext {
  options: SupportOptions;
  clock: Clock;
  logger: Logger;
  kv: KeyValueStore;
  identities: Collection<IdentityRecord>;
  admins: Collection<AdminRecord>;
  groups: Collection<GroupRecord>;
  logs: Collection<LogRecord>;
  /** Each tenant's bot_config (live: read it per turn through `turn.config`). */
  config: TenantConfigSource;
  /** Delivery for messages that are not replies (provider groups, broadcasts). */
  outbox: Outbox;
  channels: ChannelRegistry;
  /** Upstream providers, when @smmbot/providers is installed. */
  providers?: ProviderService;
}

export function createSupportContext(
  container: DependencyContainer,
  options: SupportOptions,
  logger: Logger,
): SupportContext {
  const store = container.resolve(Tokens.Store);
  return {
    options,
    clock: container.resolve(Tokens.Clock),
    logger,
    kv: container.resolve(Tokens.Kv),
    identities: store.collection<IdentityRecord>(IDENTITIES),
    admins: store.collection<AdminRecord>(ADMINS),
    groups: store.collection<GroupRecord>(GROUPS),
    logs: store.collection<LogRecord>(LOGS),
    config: container.resolve(Tokens.TenantConfig),
    outbox: container.resolve(Tokens.Outbox),
    channels: container.resolve(Tokens.Channels),
    providers: container.isRegistered(ProviderServiceToken, true) ? container.resolve(ProviderServiceToken) : undefined,
  };
}
