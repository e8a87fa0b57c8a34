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
import type { BalancerOptions } from './config.js';
import { LANES } from './dispatcher.js';
import { pickPhone } from './phones.js';
import { utcMonth } from './policy.js';
import type { SendQueue } from './queue/types.js';
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
  /** Defaults to Math.random; the simulator seeds it. */
  random?: () => number;
  onSent?: (job: SendJob, platformId: string | undefined, sentAt: number) => void;
  metrics?: DecisionMetrics;
}

/**
 * The outbox every reply and broadcast goes through. `send`/`enqueue` resolve once the message is
 * stored; delivery follows, paced by the phone balancer for anti-ban channels and at once for the
 * others. Tenants are independent: each has its own phones, queue index, counters and alerts.
 */
export class LocalBalancer implements Balancer {
  private readonly tenants = new Map<TenantId, Promise<TenantBalancer>>();
  private readonly alertLog: AlertLog;
  private stopped = false;

  constructor(private readonly deps: BalancerDeps) {
    this.alertLog = new AlertLog(deps.store, deps.options.alerts, { clock: deps.clock, logger: deps.logger });
  }

  /** Starts tenants now (recovering their unfinished jobs); others start on first use. */
  async start(tenants: readonly TenantId[]): Promise<void> {
    await Promise.all(tenants.map((t) => this.tenant(t)));
  }

  private tenant(tenant: TenantId): Promise<TenantBalancer> {
    let t = this.tenants.get(tenant);
    if (!t) {
      const tb = new TenantBalancer({
        ...this.deps,
        tenant,
        alerts: this.alertLog,
        random: this.deps.random ?? Math.random,
      });
      t = tb.start().then((recovered) => {
        if (recovered) this.deps.logger.info({ tenant, recovered }, 'send queue recovered unfinished jobs');
        return tb;
      });
      this.tenants.set(tenant, t);
    }
    return t;
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
    const t = await this.tenant(tenant);
    const id = message.id ?? randomUUID();
    const existing = message.id ? await queue.get(tenant, id) : undefined;
    if (existing) return this.result(t, existing, false);
    const now = clock.now();
    const lane = message.priority;
    const limit = t.rules.monthlyLimit;
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
      seq: ++t.seq,
      notBefore: now,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    const { job: stored, created } = await queue.add(job);
    if (created) t.enqueue(stored);
    return this.result(t, stored, created);
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

  /** Position among waiting jobs and a rough send time: jobs ahead × a phone cycle ÷ connected phones. */
  private result(t: TenantBalancer, job: SendJob, created: boolean): EnqueueResult {
    const now = this.deps.clock.now();
    const lane = LANES.indexOf(job.lane);
    const ahead = job.state === 'queued' ? t.index.aheadOf(lane) : 0;
    const connected = t.phoneList.filter((p) => p.state === 'connected').length;
    const r = t.rules;
    const cycle = connected ? (r.delayMinMs + r.delayMaxMs) / 2 + 3_000 + r.delayMaxMs * 0.6 : 50;
    const start = Math.max(now, job.notBefore);
    return {
      id: job.id,
      created,
      state: job.state,
      position: ahead,
      estimatedAt: Math.round(start + (ahead * cycle) / Math.max(1, connected)),
    };
  }

  status(tenant: TenantId, id: string): Promise<SendJob | undefined> {
    return this.deps.queue.get(tenant, id);
  }

  async snapshot(tenant: TenantId): Promise<BalancerSnapshot> {
    const t = await this.tenant(tenant);
    const now = this.deps.clock.now();
    const next = pickPhone(t.phoneList, now, { capApplies: true, newContact: true });
    const nextPhone =
      next.kind === 'phone'
        ? next.phone.name
        : (t.phoneList
            .filter((p) => p.state === 'connected' && p.hasRoom(now))
            .sort((a, b) => a.score(now) - b.score(now))[0]?.name ?? null);
    let sending = 0;
    for (const p of t.phoneList) if (p.busy) sending++;
    const { due, waiting } = t.index.counts();
    return {
      tenantId: tenant,
      at: now,
      phones: t.phoneList.map((p) => p.snapshot(now)),
      nextPhone,
      queue: { queued: due, pending: waiting, sending },
      alerts: await this.alertLog.list(tenant, { status: 'active' }),
    };
  }

  alerts(tenant: TenantId, query?: { status?: 'active' | 'resolved' }): Promise<Alert[]> {
    return this.alertLog.list(tenant, query);
  }

  resolveAlert(tenant: TenantId, id: string): Promise<boolean> {
    return this.alertLog.resolve(tenant, id);
  }

  /** Attaches an anti-ban channel added at runtime (a number connected from the dashboard) as a phone. */
  async attachChannel(channel: Channel): Promise<void> {
    if (!channel.capabilities.antiBan) return;
    const t = await this.tenant(channel.tenantId);
    await t.attach(channel);
    t.pump();
  }

  /** Detaches the phone of a channel removed at runtime; false when it was not attached. */
  async detachChannel(channel: Channel): Promise<boolean> {
    const t = this.tenants.get(channel.tenantId);
    return t ? (await t).detach(channel.name) : false;
  }

  /** Deletes sent and failed jobs older than `retainMs`. */
  prune(tenant: TenantId, retainMs: number): Promise<number> {
    return this.deps.queue.prune(tenant, this.deps.clock.now() - retainMs);
  }

  /** Resolves when nothing is in flight and nothing due can start now (tests and the simulator). */
  async idle(): Promise<void> {
    for (;;) {
      const all = await Promise.all(this.tenants.values());
      const active = all.flatMap((t) => [...t.active]);
      if (active.length === 0) return;
      await Promise.allSettled(active);
    }
  }

  /** Shutdown: starts nothing new, lets platform calls in flight finish; the rest stays stored for the next start. */
  async drain(): Promise<void> {
    this.stopped = true;
    const all = await Promise.all(this.tenants.values());
    for (const t of all) t.stop();
    await this.idle();
  }
}
