import { randomUUID } from 'node:crypto';
import {
  type Channel,
  ChannelError,
  type ChannelRegistry,
  type Clock,
  type KeyValueStore,
  type Logger,
  type OutboundMessage,
  QuotaError,
  type RecordStore,
  type SendReceipt,
  type TenantId,
} from '@smmbot/core';
import { AlertLog } from './alerts.js';
import { type BalancerOptions, type Rules, resolveRules } from './config.js';
import { LeasedScheduling } from './distributed/leased.js';
import { InProcessTransport, type OutboundTransport } from './distributed/transport.js';
import { utcMonth } from './policy.js';
import type { SendQueue } from './queue/types.js';
import { Schedulers } from './schedulers.js';
import { enqueueResult, liveSnapshot, storedView, viewOf } from './snapshot.js';
import { type DecisionMetrics, TenantBalancer } from './tenant.js';
import type { Alert, Balancer, BalancerSnapshot, EnqueueResult, SendJob } from './types.js';

export interface BalancerDeps {
  options: BalancerOptions;
  queue: SendQueue;
  kv: KeyValueStore;
  /** Where alerts are kept (the tenant's records). */
  store: RecordStore;
  clock: Clock;
  logger: Logger;
  channels: ChannelRegistry;
  /** Leased mode: how stored job ids reach the leader (default: in-process, for one process). */
  transport?: OutboundTransport;
  /** Defaults to Math.random; the simulator seeds it. */
  random?: () => number;
  onSent?: (job: SendJob, platformId: string | undefined, sentAt: number) => void;
  metrics?: DecisionMetrics;
}

/**
 * The outbox every reply and broadcast goes through. `send`/`enqueue` resolve once the message is
 * stored; delivery follows, paced by the phone balancer for anti-ban channels and at once for the
 * others. Tenants are independent: each has its own phones, queue index, counters and alerts.
 *
 * With `options.distributed` (leased mode) several processes share one store: each stores jobs,
 * but only the holder of the `balancer:leader` lease runs the schedulers (see distributed/leased.ts).
 */
export class LocalBalancer implements Balancer {
  private readonly schedulers: Schedulers;
  private readonly leased: LeasedScheduling | undefined;
  private readonly alertLog: AlertLog;
  private readonly rulesCache = new Map<TenantId, Rules>();
  private stopped = false;

  constructor(private readonly deps: BalancerDeps) {
    this.alertLog = new AlertLog(deps.store, deps.options.alerts, { clock: deps.clock, logger: deps.logger });
    const create = (tenant: TenantId) =>
      new TenantBalancer({ ...deps, tenant, alerts: this.alertLog, random: deps.random ?? Math.random });
    this.schedulers = new Schedulers(create, deps.logger);
    const distributed = deps.options.distributed;
    this.leased = distributed
      ? new LeasedScheduling({
          options: distributed,
          kv: deps.kv,
          clock: deps.clock,
          logger: deps.logger,
          queue: deps.queue,
          transport: deps.transport ?? new InProcessTransport(),
          schedulers: this.schedulers,
          snapshotOf: (t, tenant) => liveSnapshot(t, tenant, deps.clock.now()),
        })
      : undefined;
  }

  /** True when this process schedules and sends: always in single-process mode, while holding the lease in leased mode. */
  get isLeader(): boolean {
    return this.leased?.isLeader ?? true;
  }

  /**
   * Starts tenants now (recovering their unfinished jobs); others start on first use. In leased
   * mode: tries for the lease, and if this process gets it, loads every listed tenant's jobs.
   */
  async start(tenants: readonly TenantId[]): Promise<void> {
    if (this.leased) return this.leased.start(tenants);
    await Promise.all(tenants.map((t) => this.schedulers.get(t)));
  }

  /** The tenant's scheduler in this process: always in single mode; in leased mode only on the leader. */
  private running(tenant: TenantId): Promise<TenantBalancer> | undefined {
    if (!this.leased) return this.schedulers.get(tenant);
    return this.leased.isLeader ? this.schedulers.find(tenant) : undefined;
  }

  private rules(tenant: TenantId): Rules {
    let r = this.rulesCache.get(tenant);
    if (!r) {
      r = resolveRules(this.deps.options, tenant);
      this.rulesCache.set(tenant, r);
    }
    return r;
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const r = await this.enqueue(message);
    return {
      message: { ...message, id: r.id },
      sentAt: this.deps.clock.now(),
      status: 'queued',
      queue: { id: r.id, position: r.position, estimatedAt: r.estimatedAt },
    };
  }

  async enqueue(message: OutboundMessage): Promise<EnqueueResult> {
    if (this.stopped)
      throw new ChannelError('the outbox is shutting down', { retryable: true, details: { kind: 'unavailable' } });
    this.checkChannel(message);
    const { queue, clock, kv } = this.deps;
    const tenant = message.tenantId;
    // Single mode: the tenant's scheduler starts (recovers) before the job is stored, or it would load it twice.
    const t = this.leased ? undefined : await this.schedulers.get(tenant);
    const id = message.id ?? randomUUID();
    const existing = message.id ? await queue.get(tenant, id) : undefined;
    if (existing) return this.result(tenant, existing, false);
    const now = clock.now();
    const lane = message.priority;
    const limit = (t?.rules ?? this.rules(tenant)).monthlyLimit;
    if (lane !== 'support' && limit !== null) {
      const key = `balancer:company:month:${utcMonth(now)}`;
      const used = await kv.increment(tenant, key, 1, 40 * 86_400_000);
      if (used > limit) {
        await kv.increment(tenant, key, -1);
        throw new QuotaError(`tenant ${tenant} used its monthly quota of ${limit} messages`, { details: { limit } });
      }
    }
    const job: SendJob = {
      id,
      tenantId: tenant,
      message: { ...message, id },
      state: 'queued',
      lane,
      seq: t ? ++t.seq : await this.leased!.nextSeq(tenant),
      notBefore: now,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    const { job: stored, created } = await queue.add(job);
    if (created) {
      if (t) t.admit(stored);
      else await this.leased!.handOver(stored);
    }
    return this.result(tenant, stored, created);
  }

  private checkChannel(message: OutboundMessage): void {
    if (message.route === 'pool' && message.channel === '*') return;
    const channel = this.deps.channels.get(message.channel);
    if (!channel) throw new ChannelError(`no channel named "${message.channel}" is registered`);
    if (channel.tenantId !== message.tenantId) {
      throw new ChannelError(`channel "${message.channel}" belongs to another tenant`, {
        details: { channelTenant: channel.tenantId, messageTenant: message.tenantId },
      });
    }
  }

  /** Position and estimate from the live index, or (another process leads) from the leader's published counts. */
  private async result(tenant: TenantId, job: SendJob, created: boolean): Promise<EnqueueResult> {
    const t = this.running(tenant);
    const view = t ? viewOf(await t) : storedView(await this.leased!.storedSnapshot(tenant), this.rules(tenant));
    return enqueueResult(view, job, created, this.deps.clock.now());
  }

  status(tenant: TenantId, id: string): Promise<SendJob | undefined> {
    return this.deps.queue.get(tenant, id);
  }

  /**
   * The live snapshot where the tenant is scheduled. In leased mode another process may lead: then
   * it is the leader's last published one (`view: 'stored'`, `at` says when), or an empty one
   * (`view: 'unavailable'`) when no leader has published yet. Alerts are always read fresh.
   */
  async snapshot(tenant: TenantId): Promise<BalancerSnapshot> {
    const alerts = await this.alertLog.list(tenant, { status: 'active' });
    const now = this.deps.clock.now();
    if (!this.leased) return { ...liveSnapshot(await this.schedulers.get(tenant), tenant, now), alerts };
    if (this.leased.isLeader) {
      const t = await this.schedulers.get(tenant);
      return { ...liveSnapshot(t, tenant, now), alerts, view: 'live' };
    }
    const stored = await this.leased.storedSnapshot(tenant);
    if (stored) return { ...stored, alerts, view: 'stored' };
    const empty = { queued: 0, pending: 0, sending: 0 };
    return { tenantId: tenant, at: now, phones: [], nextPhone: null, queue: empty, alerts, view: 'unavailable' };
  }

  alerts(tenant: TenantId, query?: { status?: 'active' | 'resolved' }): Promise<Alert[]> {
    return this.alertLog.list(tenant, query);
  }

  resolveAlert(tenant: TenantId, id: string): Promise<boolean> {
    return this.alertLog.resolve(tenant, id);
  }

  /**
   * Attaches an anti-ban channel added at runtime (a number connected from the dashboard) as a
   * phone. In leased mode only the leader's schedulers take it (a new leader attaches the channels
   * registered in its own process).
   */
  async attachChannel(channel: Channel): Promise<void> {
    if (!channel.capabilities.antiBan) return;
    const running = this.running(channel.tenantId);
    if (!running) return;
    const t = await running;
    await t.attach(channel);
    t.pump();
  }

  /** Detaches the phone of a channel removed at runtime; false when it was not attached. */
  async detachChannel(channel: Channel): Promise<boolean> {
    const t = this.schedulers.find(channel.tenantId);
    return t ? (await t).detach(channel.name) : false;
  }

  /** Deletes sent and failed jobs older than `retainMs`. */
  prune(tenant: TenantId, retainMs: number): Promise<number> {
    return this.deps.queue.prune(tenant, this.deps.clock.now() - retainMs);
  }

  /** Resolves when nothing is in flight and nothing due can start now (tests and the simulator). */
  idle(): Promise<void> {
    return this.schedulers.idle();
  }

  /**
   * Shutdown: starts nothing new, lets platform calls in flight finish; the rest stays stored for
   * the next start. In leased mode the lease is then released, so another process takes over at once.
   */
  async drain(): Promise<void> {
    this.stopped = true;
    if (this.leased) return this.leased.close();
    this.schedulers.stopAll(false);
    await this.idle();
  }
}
