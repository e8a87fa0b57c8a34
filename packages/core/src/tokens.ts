import type { InjectionToken } from 'tsyringe';
import type { AiProvider } from './ai.js';
import type { ChannelRegistry } from './channel.js';
import type { CommandLexicon } from './commands/types.js';
import type { Clock } from './clock.js';
import type { Authenticator, HttpRoutes } from './http.js';
import type { EngineHooks } from './hooks.js';
import type { InboundQueue } from './inbound-queue.js';
import type { Logger } from './logger.js';
import type { EngineRole } from './plugin.js';
import type { SecretBox } from './secrets.js';
import type { Outbox } from './outbox.js';
import type { PanelClient } from './panel/index.js';
import type { Scheduler } from './scheduler.js';
import type { KeyValueStore, RecordStore } from './storage.js';
import type { TenantConfigSource } from './tenant-config.js';

/**
 * Capability tokens. Plugins register implementations under these in `register(container)`,
 * by value or factory; nothing relies on decorator metadata.
 */
export const Tokens = {
  Store: Symbol('smmbot.Store') as InjectionToken<RecordStore>,
  Kv: Symbol('smmbot.Kv') as InjectionToken<KeyValueStore>,
  Panel: Symbol('smmbot.Panel') as InjectionToken<PanelClient>,
  Channels: Symbol('smmbot.Channels') as InjectionToken<ChannelRegistry>,
  Ai: Symbol('smmbot.Ai') as InjectionToken<AiProvider>,
  Clock: Symbol('smmbot.Clock') as InjectionToken<Clock>,
  Logger: Symbol('smmbot.Logger') as InjectionToken<Logger>,
  Outbox: Symbol('smmbot.Outbox') as InjectionToken<Outbox>,
  Scheduler: Symbol('smmbot.Scheduler') as InjectionToken<Scheduler>,
  /**
   * Where accepted webhook messages go to be handled: in this process by default; a shared queue
   * (`@smmbot/queue-bullmq`) lets `web` processes accept and `worker` processes run the turns.
   */
  InboundQueue: Symbol('smmbot.InboundQueue') as InjectionToken<InboundQueue>,
  /**
   * The engine's hooks, for a service that runs them (a Scheduler calls the `schedule` taps).
   * Plugins tap hooks through their apply context, not through this.
   */
  Hooks: Symbol('smmbot.Hooks') as InjectionToken<EngineHooks>,
  /** This process's role (`all`, `web`, `worker`), known from construction: services built in `register` read it. */
  Role: Symbol('smmbot.Role') as InjectionToken<EngineRole>,
  Http: Symbol('smmbot.Http') as InjectionToken<HttpRoutes>,
  /** Checks sessions for routes with `auth` (the workspaces plugin provides it). */
  Authenticator: Symbol('smmbot.Authenticator') as InjectionToken<Authenticator>,
  Secrets: Symbol('smmbot.Secrets') as InjectionToken<SecretBox>,
  TenantConfig: Symbol('smmbot.TenantConfig') as InjectionToken<TenantConfigSource>,
  /** Tenant words for commands (aliases, custom command triggers) the parser should know. */
  CommandLexicon: Symbol('smmbot.CommandLexicon') as InjectionToken<CommandLexicon>,
} as const;
