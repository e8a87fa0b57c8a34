import type { AsyncHook, HookMap, SyncHook } from 'tapable';
import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { Clock } from './clock.js';
import { formatIssues } from './config/format-issues.js';
import { ConfigError, SmmbotError } from './errors.js';
import type { EngineHooks, HookName } from './hooks.js';
import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import type { TurnResult } from './turn-runner.js';

type AsTuple<T> = T extends unknown[] ? T : [T];
type ArgsOf<H> = AsTuple<
  H extends AsyncHook<infer A, infer _R, infer _O> ? A : H extends SyncHook<infer A, infer _R, infer _O> ? A : never
>;
type ResultOf<H> =
  H extends AsyncHook<infer _A, infer R, infer _O> ? R : H extends SyncHook<infer _A, infer R, infer _O> ? R : never;

export interface TapOptions {
  /** A `Stage` constant; defaults to the plugin's `enforce` tier. */
  stage?: number;
}

/** A tap-only view of one hook, bound to the plugin that holds it. */
export interface PluginTap<A extends unknown[], R> {
  /** Adds a tap named `<plugin>:<name>`. Async hooks accept sync or async functions. */
  tap(name: string, fn: (...args: A) => R | Promise<R>, options?: TapOptions): void;
}

export interface PluginTapMap<A extends unknown[], R> {
  for(key: string): PluginTap<A, R>;
}

export type PluginHooks = {
  [K in HookName]: EngineHooks[K] extends HookMap<infer H>
    ? PluginTapMap<ArgsOf<H>, ResultOf<H>>
    : PluginTap<ArgsOf<EngineHooks[K]>, ResultOf<EngineHooks[K]>>;
};

/**
 * What an engine process does when a deployment is scaled out. `all` (the default, one process):
 * everything. `web`: takes webhooks (stores each message and queues it) and serves HTTP, but runs no
 * turns from the inbound queue, no scheduled jobs and no outbox sending. `worker`: runs the turns,
 * the scheduled jobs and the outbox. Several `web` and `worker` processes share one store and queue.
 */
export type EngineRole = 'all' | 'web' | 'worker';

/** What `apply` receives: tap-only hooks and the shared services. */
export interface PluginContext {
  hooks: PluginHooks;
  container: DependencyContainer;
  logger: Logger;
  clock: Clock;
  /** Hands a normalized inbound message to the engine (channels call this). */
  receive(message: InboundMessage): Promise<TurnResult>;
  /** For webhooks: stores the message durably, resolves, and handles it in the background (ack fast, lose nothing). */
  accept(message: InboundMessage): Promise<void>;
  /** The tenants the engine serves (for per-tenant jobs); the same array grows when a workspace is added. */
  tenants: readonly string[];
  /** Serves a workspace created at runtime (signup); `tenantAdded` taps set it up. */
  addTenant(tenant: string): Promise<boolean>;
  /**
   * The tenant's own container: what per-tenant plugins registered (its panel, its AI), falling back
   * to `container`. Work that runs outside a turn (scheduled jobs) resolves tenant services here.
   */
  containerFor(tenant: string): DependencyContainer;
  /**
   * This process's role. Background work (leading the outbox, sending, scheduled jobs) belongs to
   * `all` and `worker`; a plugin skips it under `web`.
   */
  role: EngineRole;
}

/** A plugin object (Vite's shape): a name, optional ordering and two optional phases. */
export interface BotPlugin {
  readonly name: string;
  /** `pre` plugins are applied (and their taps staged) before normal ones, `post` after. */
  readonly enforce?: 'pre' | 'post';
  /** Names of plugins that must be present; they are applied first. */
  readonly dependsOn?: readonly string[];
  /** Set by the host for per-tenant plugins: `register` then binds into that tenant's container. */
  readonly tenant?: string;
  /**
   * Sync: DI bindings only (capabilities under core's tokens). For a per-tenant plugin the container
   * is that tenant's and `info.tenant` names it.
   */
  register?(container: DependencyContainer, info: { tenant?: string }): void;
  /** Sync: tap hooks. Async start-up work goes in a `boot` tap. */
  apply?(ctx: PluginContext): void;
}

export interface PluginDefinition<S extends z.ZodType> {
  name: string;
  options: S;
  setup(options: z.output<S>): BotPlugin | BotPlugin[];
}

/** A validated plugin factory: call it with raw options (e.g. from a config file). */
export type PluginFactory<S extends z.ZodType = z.ZodType> = ((options?: z.input<S>) => BotPlugin[]) & {
  readonly pluginName: string;
  readonly options: S;
};

/**
 * Defines a plugin package's entry point. Options are validated with the zod schema; errors name the
 * plugin and the option path, with what was expected and what was found.
 */
export function definePlugin<S extends z.ZodType>(definition: PluginDefinition<S>): PluginFactory<S> {
  const factory = (raw?: z.input<S>): BotPlugin[] => {
    const parsed = definition.options.safeParse(raw ?? {}, { reportInput: true });
    if (!parsed.success) {
      const issues = formatIssues(parsed.error, `plugins["${definition.name}"].options`);
      throw new ConfigError(`invalid options for plugin "${definition.name}":\n  ${issues.join('\n  ')}`, { issues });
    }
    return [definition.setup(parsed.data)].flat();
  };
  return Object.assign(factory, { pluginName: definition.name, options: definition.options });
}

/**
 * Wraps a tsyringe factory so it builds its value once: tsyringe calls `useFactory` on every resolve,
 * and a panel client or a store must be one instance (one queue, one cache, one connection).
 */
export function cachedFactory<T>(
  factory: (container: DependencyContainer) => T,
): (container: DependencyContainer) => T {
  let value: { v: T } | undefined;
  return (container) => {
    value ??= { v: factory(container) };
    return value.v;
  };
}

export type PluginInput = BotPlugin | PluginInput[] | false | null | undefined;

/** Flattens presets and drops falsy entries (Vite/Rollup convention). */
export function flattenPlugins(input: PluginInput[]): BotPlugin[] {
  const out: BotPlugin[] = [];
  for (const p of input) {
    if (!p) continue;
    if (Array.isArray(p)) out.push(...flattenPlugins(p));
    else out.push(p);
  }
  return out;
}

const TIER = { pre: 0, normal: 1, post: 2 } as const;

/**
 * Orders plugins: `enforce` tier first, then config order, with every plugin after those it
 * depends on. Rejects duplicate names and missing dependencies.
 */
export function sortPlugins(plugins: BotPlugin[]): BotPlugin[] {
  const byName = new Map<string, BotPlugin>();
  for (const p of plugins) {
    if (byName.has(p.name)) {
      throw new SmmbotError(
        'E_PLUGIN_DUPLICATE',
        `plugin "${p.name}" is registered twice; each plugin name must be unique`,
      );
    }
    byName.set(p.name, p);
  }
  for (const p of plugins) {
    for (const dep of p.dependsOn ?? []) {
      if (!byName.has(dep)) {
        throw new SmmbotError('E_PLUGIN_DEPENDENCY', `plugin "${p.name}" depends on "${dep}", which is not registered`);
      }
    }
  }
  const rank = (p: BotPlugin) => TIER[p.enforce ?? 'normal'] * 1e6 + plugins.indexOf(p);
  const done = new Set<string>();
  const out: BotPlugin[] = [];
  while (out.length < plugins.length) {
    const ready = plugins
      .filter((p) => !done.has(p.name) && (p.dependsOn ?? []).every((d) => done.has(d)))
      .sort((a, b) => rank(a) - rank(b));
    const next = ready[0];
    if (!next) {
      const stuck = plugins.filter((p) => !done.has(p.name)).map((p) => p.name);
      throw new SmmbotError('E_PLUGIN_DEPENDENCY', `plugins depend on each other in a cycle: ${stuck.join(', ')}`);
    }
    done.add(next.name);
    out.push(next);
  }
  return out;
}
