import { providers } from './plugin.js';

export { defaultConnector, type SmmApiDefaults, smmApiConnector } from './connect.js';
export { type CatalogDiff, catalogFields, diffCatalog } from './diff.js';
export {
  ProviderNameTakenError,
  ProviderNotFoundError,
  ProviderSyncError,
  type SyncStage,
} from './errors.js';
export {
  createProviderHooks,
  type NewServicesEvent,
  type ProviderChangedEvent,
  type ProviderHooks,
  providerHooks,
} from './hooks.js';
export { jitterFor, PLUGIN_NAME, ProviderServiceToken, providers, providersOptions } from './plugin.js';
export {
  type EscalationGroup,
  PROVIDER_NOTIFICATIONS,
  PROVIDERS,
  type ProviderCollections,
  type ProviderConnection,
  type ProviderInfo,
  type ProviderNotificationRecord,
  type ProviderRecord,
  providerCollections,
  SERVICES,
  type ServiceRecord,
  serviceRecordId,
  syncJobId,
  syncLockKey,
} from './records.js';
export {
  escalationGroupSchema,
  type NewProviderInput,
  newProviderSchema,
  type ProviderPatch,
  providerPatchSchema,
  type ServiceSearchQuery,
  searchQuerySchema,
} from './schemas.js';
export { searchServices } from './search.js';
export { ProviderService, type ProviderServiceDeps } from './service.js';
export {
  type ProviderConnector,
  SYNC_LOCK_TTL_MS,
  type SyncResult,
  type SyncSummary,
  syncProvider,
  WRITE_CHUNK,
} from './sync.js';

export default providers;
