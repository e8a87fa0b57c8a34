import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { ChannelRegistry } from './channel.js';
import type { Clock } from './clock.js';
import type { BotConfig } from './config/bot-config.js';
import { SmmbotError } from './errors.js';
import type { EngineHooks } from './hooks.js';
import { type InboundQueue, LocalInboundQueue } from './inbound-queue.js';
import { LocalScheduler } from './local-scheduler.js';
import type { Logger } from './logger.js';
import { DirectOutbox } from './outbox.js';
import type { EngineRole } from './plugin.js';
import type { TenantId } from './storage.js';
import { KvTenantConfig } from './tenant-config.js';
import { Tokens } from './tokens.js';

export interface EngineDefaultsDeps {
  clock: Clock;
  logger: Logger;
  hooks: EngineHooks;
  channels: ChannelRegistry;
  role: EngineRole;
  botConfig?: (tenant: TenantId) => Partial<BotConfig>;
  /** The claim lease and the longest turn: the local inbound queue retries a held message after one lease. */
  claimLeaseMs: number;
  maxTurnMs: number;
}

/**
 * After the plugins' `register`: checks that storage is there and fills in what no plugin provided
 * (direct outbox, tenant config over the kv store, local scheduler, in-process inbound queue).
 * Returns the inbound queue; an engine in the `web` role must have a shared one.
 */
export function registerEngineDefaults(container: DependencyContainer, deps: EngineDefaultsDeps): InboundQueue {
  requireStorage(container);
  if (!container.isRegistered(Tokens.Outbox, true)) {
    container.register(Tokens.Outbox, { useValue: new DirectOutbox(deps.channels, deps.clock) });
  }
  const kv = container.resolve(Tokens.Kv);
  if (!container.isRegistered(Tokens.TenantConfig, true)) {
    const base = deps.botConfig ?? (() => ({}));
    const secrets = container.isRegistered(Tokens.Secrets, true) ? container.resolve(Tokens.Secrets) : undefined;
    container.register(Tokens.TenantConfig, { useValue: new KvTenantConfig(kv, base, secrets) });
  }
  if (!container.isRegistered(Tokens.Scheduler, true)) {
    const schedulerDeps = { clock: deps.clock, kv, hooks: deps.hooks, logger: deps.logger };
    container.register(Tokens.Scheduler, { useValue: new LocalScheduler(schedulerDeps) });
  }
  if (!container.isRegistered(Tokens.InboundQueue, true)) {
    const queue = new LocalInboundQueue({
      clock: deps.clock,
      logger: deps.logger,
      retryDelayMs: deps.claimLeaseMs,
      // Enough retries to outlast a live holder's longest turn; after that, the next start's replay.
      maxRetries: Math.ceil(deps.maxTurnMs / deps.claimLeaseMs) + 1,
    });
    container.register(Tokens.InboundQueue, { useValue: queue });
  }
  const queue = container.resolve(Tokens.InboundQueue);
  if (deps.role === 'web' && !queue.shared) {
    throw new SmmbotError(
      'E_CONFIG_INVALID',
      'role "web" runs no turns, so it needs an inbound queue shared with the workers: add @smmbot/queue-bullmq',
    );
  }
  return queue;
}

function requireStorage(container: DependencyContainer): void {
  const required: [InjectionToken<unknown>, string][] = [
    [Tokens.Kv, 'key-value store'],
    [Tokens.Store, 'record store'],
  ];
  for (const [token, what] of required) {
    if (!container.isRegistered(token, true)) {
      throw new SmmbotError(
        'E_CONFIG_INVALID',
        `no ${what} is registered: add a storage plugin such as @smmbot/storage-sqlite or @smmbot/storage-memory`,
      );
    }
  }
}
