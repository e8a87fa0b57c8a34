import type { Clock, Logger } from '@smmbot/core';
import { SmmApiPanel, type SmmApiPanelOptions } from '@smmbot/panel-smmapi';
import type { ProviderConnector } from './sync.js';

/** Transport settings shared by every provider client (timeouts, retries, rate); not url/key/name. */
export type SmmApiDefaults = Omit<SmmApiPanelOptions, 'url' | 'key' | 'name'>;

/**
 * The default connector: one classic SMM API v2 client (`@smmbot/panel-smmapi`) per sync, on the
 * engine's clock and logger. Upstream providers speak this API whatever script their panel runs.
 */
export function smmApiConnector(defaults: SmmApiDefaults = {}): ProviderConnector {
  return (provider) => new SmmApiPanel({ ...defaults, url: provider.url, key: provider.key, name: provider.name });
}

export function defaultConnector(clock: Clock, logger: Logger): ProviderConnector {
  return smmApiConnector({ clock, logger });
}
