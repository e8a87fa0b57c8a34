import {
  type Clock,
  type KeyValueStore,
  type Logger,
  SYSTEM_TENANT,
  type TenantId,
  type TimerHandle,
} from '@smmbot/core';
import type { DistributedOptions } from '../config.js';
import type { SendQueue } from '../queue/types.js';
import type { Schedulers } from '../schedulers.js';
import type { PhonesSnapshot } from '../snapshot.js';
import type { TenantBalancer } from '../tenant.js';
import type { SendJob } from '../types.js';
import { LeaseKeeper } from './lease.js';
import type { OutboundConsumer, OutboundTransport } from './transport.js';

/** The lease: one leader for all tenants, so it lives under core's system tenant. */
export const LEASE_KEY = 'balancer:leader';
/** Per tenant: the arrival counter every process numbers its jobs from. */
export const SEQ_KEY = 'balancer:seq';
/** System tenant: the tenants that have outbound jobs, so a new leader knows whom to load. */
export const TENANTS_KEY = 'balancer:tenants';
/** Per tenant: the leader's last published snapshot, for the other processes. */
export const SNAPSHOT_KEY = 'balancer:snapshot';
const DAY = 86_400_000;
const SNAPSHOT_TTL = 5 * 60_000;

/** Thrown to a transport when this process does not lead (any more): the id is redelivered to the leader. */
export class NotLeaderError extends Error {
  constructor() {
    super('this process does not lead the balancer');
    this.name = 'NotLeaderError';
  }
}

export interface LeasedDeps {
  options: DistributedOptions;
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  queue: SendQueue;
  transport: OutboundTransport;
  schedulers: Schedulers;
  snapshotOf(t: TenantBalancer, tenant: TenantId): PhonesSnapshot;
}

/**
 * Leased mode: one process at a time (the holder of `balancer:leader`) runs every tenant's
 * scheduler. On gaining the lease it loads the tenants' unfinished jobs, then admits ids from the
 * transport, and rescans every `pollMs` for jobs numbered above those it has seen. On losing it
 * (a failed renewal, its own deadline, or shutdown) it stops every scheduler at once. Every
 * process numbers jobs from a kv counter, so numbers are unique and ordered across processes.
 */
export class LeasedScheduling {
  private readonly lease: LeaseKeeper | undefined;
  /** Bumped at every gain and loss: work begun under an older term stops at its next step. */
  private term = 0;
  private leading = false;
  private gaining: Promise<void> = Promise.resolve();
  private consumer: OutboundConsumer | undefined;
  private pollTimer: TimerHandle | undefined;
  private readonly opening = new Map<TenantId, Promise<TenantBalancer>>();
  /** Per tenant: rescans read jobs numbered above `older`, the counter as it was two rescans ago. */
  private readonly cursors = new Map<TenantId, { older: number; newer: number }>();
  private readonly seqReady = new Map<TenantId, Promise<void>>();
  private readonly registeredAt = new Map<TenantId, number>();
  private readonly served = new Set<TenantId>();
  private readonly stored = new Map<TenantId, { at: number; value: Promise<PhonesSnapshot | undefined> }>();
  private readonly published = new Map<TenantId, { at: number; content: string }>();

  constructor(private readonly deps: LeasedDeps) {
    const { options: o, kv, clock, logger } = deps;
    this.lease = o.leader
      ? new LeaseKeeper({
          kv,
          clock,
          logger,
          tenant: SYSTEM_TENANT,
          key: LEASE_KEY,
          leaseMs: o.leaseMs,
          renewEveryMs: o.renewEveryMs,
          onGained: () => this.gained(),
          onLost: () => this.lost(),
        })
      : undefined;
  }

  /** True while this process holds the lease and schedules. */
  get isLeader(): boolean {
    return this.leading && (this.lease?.held ?? false);
  }

  /** Tries for the lease once now (then every `renewEveryMs`); when it is taken, resolves after the jobs are loaded. */
  async start(tenants: readonly TenantId[]): Promise<void> {
    for (const t of tenants) this.served.add(t);
    await this.lease?.start();
    await this.gaining;
  }

  private gained(): void {
    const term = ++this.term;
    this.leading = true;
    this.gaining = this.lead(term).catch((err: unknown) => {
      this.deps.logger.error({ err }, 'could not take over as balancer leader; giving the lease up');
      void this.lease?.resign();
    });
  }

  private async lead(term: number): Promise<void> {
    const { schedulers, transport, kv, logger } = this.deps;
    // Lost and taken back: this process's own sends from before must be recorded before it reloads them.
    await schedulers.retired();
    if (term !== this.term) return;
    const tenants = new Set([...this.served, ...(await kv.setMembers(SYSTEM_TENANT, TENANTS_KEY))]);
    await Promise.all([...tenants].map((t) => this.open(t, term)));
    if (term !== this.term) return;
    const consumer = await transport.consume((t, id) => this.admit(t, id));
    if (term !== this.term) return void (await consumer.stop());
    this.consumer = consumer;
    this.armPoll(term);
    logger.info({ tenants: tenants.size }, 'this process leads the balancer: it schedules and sends');
  }

  private lost(): void {
    this.term++;
    this.leading = false;
    this.deps.schedulers.stopAll(true);
    this.opening.clear();
    this.cursors.clear();
    this.published.clear();
    if (this.pollTimer) this.deps.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    const consumer = this.consumer;
    this.consumer = undefined;
    consumer?.stop().catch((err: unknown) => this.deps.logger.warn({ err }, 'could not stop the outbound consumer'));
  }

  /** The tenant's scheduler under this term: started once, after noting the counter its first rescan starts from. */
  private open(tenant: TenantId, term: number): Promise<TenantBalancer> {
    let p = this.opening.get(tenant);
    if (!p) {
      const { kv, schedulers } = this.deps;
      p = (async () => {
        await this.seeded(tenant);
        const mark = await kv.increment(tenant, SEQ_KEY, 0);
        if (term !== this.term) throw new NotLeaderError();
        this.cursors.set(tenant, { older: mark, newer: mark });
        return schedulers.get(tenant);
      })();
      const opened = p;
      opened.catch(() => {
        if (this.opening.get(tenant) === opened) this.opening.delete(tenant);
      });
      this.opening.set(tenant, opened);
    }
    return p;
  }

  /** Admits a stored job into the leader's scheduler; ignores ids it holds and jobs that finished. */
  async admit(tenant: TenantId, id: string, job?: SendJob): Promise<void> {
    const term = this.term;
    if (!this.isLeader) throw new NotLeaderError();
    const t = await this.open(tenant, term);
    if (t.holds(id)) return;
    const stored = job ?? (await this.deps.queue.get(tenant, id));
    if (term !== this.term || t.stopped) throw new NotLeaderError();
    if (!stored || stored.state === 'sent' || stored.state === 'failed') return;
    t.admit(stored);
  }

  /** After a job is stored: the leader takes it at once, any other process hands it over. */
  async handOver(job: SendJob): Promise<void> {
    const { transport, logger } = this.deps;
    await this.register(job.tenantId);
    if (this.isLeader) {
      try {
        return await this.admit(job.tenantId, job.id, job);
      } catch (err) {
        // Stored is what `enqueue` promised: whatever went wrong here, the transport gets the id.
        if (!(err instanceof NotLeaderError)) logger.warn({ err, msgId: job.id }, 'could not admit a send job here');
      }
    }
    try {
      await transport.submit(job.tenantId, job.id);
    } catch (err) {
      // Stored is what was promised; the leader's rescan finds the job without the transport.
      logger.warn({ err, tenant: job.tenantId, msgId: job.id }, 'could not hand a send job to the leader');
    }
  }

  /** A unique arrival number across processes. */
  async nextSeq(tenant: TenantId): Promise<number> {
    await this.seeded(tenant);
    return this.deps.kv.increment(tenant, SEQ_KEY, 1);
  }

  /** Once per process and tenant: the counter starts above the jobs already stored (a store that ran in single mode). */
  private seeded(tenant: TenantId): Promise<void> {
    let p = this.seqReady.get(tenant);
    if (!p) {
      const { kv, queue } = this.deps;
      p = (async () => {
        const last = await queue.lastSeq(tenant);
        const current = await kv.increment(tenant, SEQ_KEY, 0);
        if (current < last) await kv.increment(tenant, SEQ_KEY, last - current);
      })();
      p.catch(() => this.seqReady.delete(tenant));
      this.seqReady.set(tenant, p);
    }
    return p;
  }

  /** Lists the tenant for future leaders (at most once a day per process; the entry lives 30 days). */
  private async register(tenant: TenantId): Promise<void> {
    const now = this.deps.clock.now();
    if ((this.registeredAt.get(tenant) ?? Number.NEGATIVE_INFINITY) > now - DAY) return;
    this.registeredAt.set(tenant, now);
    await this.deps.kv.setAdd(SYSTEM_TENANT, TENANTS_KEY, tenant, 30 * DAY).catch((err: unknown) => {
      this.registeredAt.delete(tenant);
      this.deps.logger.warn({ err, tenant }, 'could not list the tenant for the balancer leader');
    });
  }

  private armPoll(term: number): void {
    this.pollTimer = this.deps.clock.setTimeout(() => void this.poll(term), this.deps.options.pollMs);
  }

  /** The safety net: jobs whose id never arrived, tenants listed since, and the published snapshots. */
  private async poll(term: number): Promise<void> {
    this.pollTimer = undefined;
    const { kv, queue, logger } = this.deps;
    try {
      const listed = await kv.setMembers(SYSTEM_TENANT, TENANTS_KEY);
      for (const tenant of new Set([...this.served, ...listed, ...this.cursors.keys()])) {
        if (term !== this.term) return;
        const t = await this.open(tenant, term);
        const cursor = this.cursors.get(tenant);
        if (!cursor || term !== this.term) return;
        const mark = await kv.increment(tenant, SEQ_KEY, 0);
        let rescued = 0;
        // From two rescans back: a number taken just before a rescan may be stored just after it.
        // No number taken since then: nothing new can be stored, the query is skipped.
        if (mark > cursor.older) {
          for await (const job of queue.unfinished(tenant, cursor.older)) {
            if (term !== this.term) return;
            if (t.admit(job)) rescued++;
          }
        }
        cursor.older = cursor.newer;
        cursor.newer = mark;
        if (rescued) logger.info({ tenant, rescued }, 'rescan found send jobs the transport had not delivered');
        await this.publish(tenant, t);
      }
    } catch (err) {
      if (!(err instanceof NotLeaderError)) logger.warn({ err }, 'balancer rescan failed; trying again');
    } finally {
      if (term === this.term && !this.pollTimer) this.armPoll(term);
    }
  }

  /** Writes the tenant's snapshot for the other processes when it changed (or half its life has passed). */
  private async publish(tenant: TenantId, t: TenantBalancer): Promise<void> {
    const now = this.deps.clock.now();
    const snapshot = this.deps.snapshotOf(t, tenant);
    const content = JSON.stringify({ ...snapshot, at: 0 });
    const last = this.published.get(tenant);
    if (last && last.content === content && now - last.at < SNAPSHOT_TTL / 2) return;
    await this.deps.kv.set(tenant, SNAPSHOT_KEY, snapshot, SNAPSHOT_TTL);
    this.published.set(tenant, { at: now, content });
  }

  /** The leader's last published snapshot (cached a second: enqueue estimates read it). */
  storedSnapshot(tenant: TenantId): Promise<PhonesSnapshot | undefined> {
    const now = this.deps.clock.now();
    const hit = this.stored.get(tenant);
    if (hit && now - hit.at < 1_000) return hit.value;
    const value = this.deps.kv.get<PhonesSnapshot>(tenant, SNAPSHOT_KEY).catch(() => undefined);
    this.stored.set(tenant, { at: now, value });
    return value;
  }

  /** Shutdown: no new sends, those in flight finish while the lease is still held, then it is released. */
  async close(): Promise<void> {
    this.term++;
    this.leading = false;
    await this.gaining;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
    if (this.pollTimer) this.deps.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.deps.schedulers.stopAll(false);
    await this.deps.schedulers.idle();
    await this.lease?.close({ release: true });
    await this.deps.transport.close();
  }
}
