import { type DependencyContainer, container as globalContainer } from 'tsyringe';
import type { BotConfig } from './config/bot-config.js';
import { ChannelRegistry } from './channel.js';
import { type Clock, SystemClock } from './clock.js';
import { ConversationQueue } from './conversation-queue.js';
import { SmmbotError } from './errors.js';
import { HttpRoutes } from './http.js';
import { registerEngineDefaults } from './engine-defaults.js';
import type { InboundQueue } from './inbound-queue.js';
import { Inbox } from './inbox.js';
import { installErrorInterceptors, scopedHooks } from './hook-runtime.js';
import { createHooks, type EngineHooks } from './hooks.js';
import { createLogger, type Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import { type BotPlugin, type EngineRole, flattenPlugins, type PluginInput, sortPlugins } from './plugin.js';
import type { TenantId } from './storage.js';
import { Tokens } from './tokens.js';
import { DEFAULT_CLAIM_LEASE_MS, TurnRunner, type TurnResult } from './turn-runner.js';

export interface EngineOptions {
  plugins?: PluginInput[];
  logger?: Logger;
  clock?: Clock;
  /** Global cap on turns in flight (different conversations run in parallel up to this). */
  concurrency?: number;
  /** Each tenant's bot_config from the host config file; stored overrides win. */
  botConfig?: (tenant: TenantId) => Partial<BotConfig>;
  /** How long a redelivered message id is recognised as already handled. Default 24 h. */
  dedupeTtlMs?: number;
  /** The tenants this engine serves (from the host config); plugins that run per-tenant jobs read it. */
  tenants?: TenantId[];
  /**
   * What this process does when scaled out (see `EngineRole`); default `all`. `web` needs a shared
   * inbound queue (`Tokens.InboundQueue`, e.g. `@smmbot/queue-bullmq`).
   */
  role?: EngineRole;
  /**
   * How long a turn's claim on a message lives unless renewed (it is renewed while the turn runs):
   * after a worker dies mid-turn, another takes the message this soon. Default 30 s.
   */
  claimLeaseMs?: number;
  /** A claim is renewed at most this long; a turn hung longer is given up. Default 5 min. */
  maxTurnMs?: number;
}

const DEFAULT_MAX_TURN_MS = 5 * 60_000;

type EngineState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The engine: composes plugins, owns the hooks and the DI container, and runs turns.
 * One root container per engine (never tsyringe's global one), one child per tenant.
 */
export class Engine {
  readonly hooks: EngineHooks = createHooks();
  readonly container: DependencyContainer = globalContainer.createChildContainer();
  readonly clock: Clock;
  readonly logger: Logger;
  private readonly plugins: BotPlugin[] = [];
  private readonly tenants = new Map<TenantId, DependencyContainer>();
  private readonly queue: ConversationQueue;
  private runner?: TurnRunner;
  private inbox?: Inbox;
  private inboundQueue?: InboundQueue;
  private state: EngineState = 'created';
  private readonly abort = new AbortController();

  constructor(private readonly options: EngineOptions = {}) {
    this.served = [...(options.tenants ?? ['default'])];
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? createLogger();
    this.queue = new ConversationQueue(options.concurrency ?? 64);
    installErrorInterceptors(this.hooks);
    this.container.register(Tokens.Clock, { useValue: this.clock });
    this.container.register(Tokens.Logger, { useValue: this.logger });
    this.container.register(Tokens.Hooks, { useValue: this.hooks });
    this.container.register(Tokens.Channels, { useValue: new ChannelRegistry() });
    this.container.register(Tokens.Http, { useValue: new HttpRoutes() });
    this.container.register(Tokens.Role, { useValue: options.role ?? 'all' });
    if (options.plugins) this.use(...options.plugins);
  }

  /** Adds plugins (or presets: nested arrays; falsy entries are ignored). Only before `start`. */
  use(...plugins: PluginInput[]): this {
    if (this.state !== 'created') throw new SmmbotError('E_CONFIG_INVALID', 'plugins can only be added before start()');
    this.plugins.push(...flattenPlugins(plugins));
    return this;
  }

  /** The tenant's container: tenant-specific services (its panel, its config) shadow the root ones. */
  forTenant(tenant: TenantId): DependencyContainer {
    let child = this.tenants.get(tenant);
    if (!child) {
      child = this.container.createChildContainer();
      this.tenants.set(tenant, child);
    }
    return child;
  }

  private readonly served: TenantId[];

  /** The tenants this engine serves: the configured ones, then those added at runtime (same array). */
  get tenantIds(): readonly TenantId[] {
    return this.served;
  }

  /**
   * Serves a workspace created at runtime (a signup): from now on it is in `tenantIds` (plugins
   * hold that same array) and `tenantAdded` taps set it up. Adding a served tenant is a no-op.
   */
  async addTenant(tenant: TenantId): Promise<boolean> {
    if (this.served.includes(tenant)) return false;
    this.served.push(tenant);
    this.forTenant(tenant);
    if (this.state === 'running') await this.hooks.tenantAdded.promise(tenant);
    return true;
  }

  get http(): HttpRoutes {
    return this.container.resolve(Tokens.Http);
  }

  get channels(): ChannelRegistry {
    return this.container.resolve(Tokens.Channels);
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** This process's role when scaled out (`all` unless the host said otherwise). */
  get role(): EngineRole {
    return this.options.role ?? 'all';
  }

  /** Registers and applies plugins in order, then runs `boot` taps and starts the channels. */
  async start(): Promise<void> {
    if (this.state !== 'created')
      throw new SmmbotError('E_CONFIG_INVALID', `engine cannot start from state "${this.state}"`);
    this.state = 'starting';
    const ordered = sortPlugins(this.plugins);
    for (const plugin of ordered) {
      plugin.register?.(plugin.tenant ? this.forTenant(plugin.tenant) : this.container, { tenant: plugin.tenant });
    }
    const inboundQueue = registerEngineDefaults(this.container, {
      clock: this.clock,
      logger: this.logger,
      hooks: this.hooks,
      channels: this.channels,
      role: this.role,
      botConfig: this.options.botConfig,
      claimLeaseMs: this.claimLeaseMs,
      maxTurnMs: this.maxTurnMs,
    });
    const kv = this.container.resolve(Tokens.Kv);
    for (const plugin of ordered) {
      plugin.apply?.({
        hooks: scopedHooks(this.hooks, plugin),
        container: this.container,
        logger: this.logger.child({ plugin: plugin.name }),
        clock: this.clock,
        receive: (message) => this.handle(message),
        accept: (message) => this.accept(message),
        tenants: this.tenantIds,
        addTenant: (tenant) => this.addTenant(tenant),
        containerFor: (tenant) => this.forTenant(tenant),
        role: this.role,
      });
    }
    this.runner = new TurnRunner({
      hooks: this.hooks,
      kv,
      outbox: this.container.resolve(Tokens.Outbox),
      clock: this.clock,
      logger: this.logger,
      config: this.container.resolve(Tokens.TenantConfig),
      containerFor: (tenant) => this.forTenant(tenant),
      lexicon: this.container.isRegistered(Tokens.CommandLexicon, true)
        ? this.container.resolve(Tokens.CommandLexicon)
        : undefined,
      claimTtlMs: this.maxTurnMs,
      claimLeaseMs: this.claimLeaseMs,
      doneTtlMs: this.options.dedupeTtlMs ?? 24 * 60 * 60_000,
    });
    const inbox = new Inbox(this.container.resolve(Tokens.Store), {
      clock: this.clock,
      logger: this.logger,
      handle: (m) => this.runTurn(m),
      queue: inboundQueue,
    });
    this.inbox = inbox;
    this.inboundQueue = inboundQueue;
    await this.hooks.boot.promise({ signal: this.abort.signal });
    for (const channel of this.channels.all()) await channel.start?.();
    const works = this.role !== 'web';
    if (works && this.container.isRegistered(Tokens.Scheduler, true)) this.container.resolve(Tokens.Scheduler).start();
    this.state = 'running';
    if (works) {
      await inboundQueue.start((job) => inbox.run(job));
      const replayed = await inbox.replay(this.tenantIds);
      if (replayed > 0) this.logger.warn({ replayed }, 'replaying messages accepted before the last stop');
    }
    this.logger.info({ plugins: ordered.map((p) => p.name), role: this.role }, 'engine started');
  }

  private get maxTurnMs(): number {
    return this.options.maxTurnMs ?? DEFAULT_MAX_TURN_MS;
  }

  private get claimLeaseMs(): number {
    return Math.min(this.options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS, this.maxTurnMs);
  }

  /**
   * Handles one inbound message: in order within its conversation, in parallel across
   * conversations. Never rejects for a turn's own failure; the result says what happened.
   */
  handle(message: InboundMessage): Promise<TurnResult> {
    if (this.state !== 'running' || !this.runner) {
      return Promise.reject(new SmmbotError('E_UNAVAILABLE', `engine is ${this.state}; not accepting messages`));
    }
    return this.runTurn(message);
  }

  /** `handle` for the inbound queue: a job it took before the stop began still runs during the drain. */
  private runTurn(message: InboundMessage): Promise<TurnResult> {
    const runner = this.runner;
    if (!runner || (this.state !== 'running' && this.state !== 'stopping')) {
      return Promise.reject(new SmmbotError('E_UNAVAILABLE', `engine is ${this.state}; not running turns`));
    }
    const key = `${message.tenantId}\u0000${message.channel}\u0000${message.chat.id}`;
    return this.queue.run(key, () => runner.run(message));
  }

  /**
   * For webhooks: stores the message durably, queues it and resolves, so the platform can be
   * acknowledged at once; the turn runs in the background, in this process or (with a shared
   * inbound queue) on a worker. A crash before it ends is retried or replayed at the next start.
   */
  async accept(message: InboundMessage): Promise<void> {
    if (this.state !== 'running' || !this.inbox) {
      throw new SmmbotError('E_UNAVAILABLE', `engine is ${this.state}; not accepting messages`);
    }
    await this.inbox.accept(message);
  }

  /** Graceful stop: refuse new messages, finish the ones in flight, drain the outbox, close stores. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    this.abort.abort();
    if (wasRunning) {
      // Take no new inbound jobs and finish the turns they started, then the rest of the turns.
      await this.inboundQueue?.drain();
      await this.queue.close();
      if (this.container.isRegistered(Tokens.Scheduler, true)) await this.container.resolve(Tokens.Scheduler).stop();
      // The outbox finishes its platform calls while the channels are still up.
      await this.container.resolve(Tokens.Outbox).drain();
      for (const channel of this.channels.all())
        await channel.stop?.().catch((err) => this.logger.warn({ err }, 'channel stop failed'));
      await this.hooks.shutdown.promise();
      await this.inboundQueue?.stop().catch((err) => this.logger.warn({ err }, 'inbound queue stop failed'));
    }
    for (const scope of [...this.tenants.values(), this.container]) {
      if (scope.isRegistered(Tokens.Panel, false)) await scope.resolve(Tokens.Panel).close?.();
    }
    if (this.container.isRegistered(Tokens.Store, true)) await this.container.resolve(Tokens.Store).close();
    if (this.container.isRegistered(Tokens.Kv, true)) await this.container.resolve(Tokens.Kv).close();
    this.state = 'stopped';
    this.logger.info('engine stopped');
  }
}

/** Creates an engine; call `start()` before `handle()`. */
export function createEngine(options: EngineOptions = {}): Engine {
  return new Engine(options);
}
