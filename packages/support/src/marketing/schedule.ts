import type { BotConfig, JobRun, JobSpec, Scheduler, TenantId, TimerHandle } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import type { MarketingMessageRecord } from '../records.js';
import { type MarketingDelivery, sendToMarketingGroups } from './send.js';
import type { MarketingService } from './service.js';

/** The job id; one job per tenant (`tenantId` on the spec). */
export const MARKETING_JOB = 'marketing-broadcast';
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** How long one broadcast may hold the job's lock (many groups through a queueing outbox). */
const LOCK_TTL_MS = 15 * MINUTE;
/** A missed broadcast is caught up no sooner than this after boot, so the channels are connected. */
export const CATCH_UP_DELAY_MS = MINUTE;
const STATE_KEY = 'marketing:schedule';

/** Kept in the tenant's key-value store. */
interface ScheduleState {
  /** When the schedule first started for the tenant. */
  since: number;
  /** The slot (`JobRun.scheduledAt`) of the last scheduled broadcast. */
  lastRunAt?: number;
}

/** What one run of the job did. */
export type MarketingRunOutcome = 'sent' | 'disabled' | 'empty' | 'too_soon';

export interface MarketingBroadcast {
  message: MarketingMessageRecord;
  delivery: MarketingDelivery;
}

/** The tenant's job: every `marketing_interval_hours`, plus 0..`marketing_jitter_minutes` per run (the scheduler draws it). */
export function marketingJobSpec(tenant: TenantId, config: BotConfig): JobSpec {
  return {
    id: MARKETING_JOB,
    tenantId: tenant,
    everyMs: config.marketing_interval_hours * HOUR,
    jitterMs: config.marketing_jitter_minutes * MINUTE,
    lockTtlMs: LOCK_TTL_MS,
  };
}

/**
 * Scheduled marketing broadcasts: one job per tenant on core's Scheduler. Each run reads the tenant's
 * bot_config: nothing is sent while `marketing_enabled` is false or no message is enabled; a changed
 * interval or jitter re-schedules the job (from now). `!config set` re-schedules at once (`reconcile`).
 * Broadcasts are never closer than the interval, even with several processes on one store; one that
 * was missed while the host was down is caught up soon after boot.
 */
export class MarketingSchedule {
  private scheduler?: Scheduler;
  /** Tenant → the `everyMs/jitterMs` its job was scheduled with. */
  private readonly planned = new Map<TenantId, string>();
  private readonly timers = new Set<TimerHandle>();
  private stopped = false;

  constructor(
    private readonly ctx: SupportContext,
    private readonly service: MarketingService,
    private readonly random: () => number = Math.random,
  ) {}

  /** At boot: schedules each tenant's job, and a catch-up where a broadcast is overdue. */
  async start(scheduler: Scheduler | undefined, tenants: readonly TenantId[]): Promise<void> {
    this.scheduler = scheduler;
    if (!scheduler) {
      this.ctx.logger.warn('no scheduler is registered: marketing broadcasts only go out on !marketing now');
      return;
    }
    for (const tenant of tenants) {
      const config = await this.ctx.config.get(tenant);
      this.apply(tenant, config);
      await this.planCatchUp(tenant, config);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) this.ctx.clock.clearTimeout(timer);
    this.timers.clear();
  }

  /** Re-schedules the tenant's job if its interval or jitter changed. True when it was (re)scheduled. */
  async reconcile(tenant: TenantId): Promise<boolean> {
    return this.apply(tenant, await this.ctx.config.get(tenant));
  }

  /** When the tenant's next scheduled broadcast is due (clock ms), if it is scheduled. */
  nextRunAt(tenant: TenantId): number | undefined {
    return this.scheduler?.nextRuns().find((r) => r.jobId === MARKETING_JOB && r.tenantId === tenant)?.at;
  }

  /** The job's body, for the run's slot. */
  async run(run: Pick<JobRun, 'tenantId' | 'scheduledAt'>): Promise<MarketingRunOutcome> {
    const tenant = run.tenantId;
    if (!tenant) return 'disabled';
    const config = await this.ctx.config.get(tenant);
    this.apply(tenant, config);
    if (!config.marketing_enabled) return 'disabled';
    const state = await this.state(tenant);
    const last = state.lastRunAt;
    // Another process (same store) broadcast less than an interval ago; a re-run of the same slot goes on.
    if (
      last !== undefined &&
      last !== run.scheduledAt &&
      run.scheduledAt - last < config.marketing_interval_hours * HOUR
    ) {
      return 'too_soon';
    }
    const message = await this.service.nextMessage(tenant, run.scheduledAt);
    if (!message) return 'empty';
    await this.ctx.kv.set(tenant, STATE_KEY, { ...state, lastRunAt: run.scheduledAt } satisfies ScheduleState);
    const delivery = await sendToMarketingGroups(this.ctx, tenant, message, run.scheduledAt);
    this.ctx.logger.info({ tenant, messageId: message.id, slot: run.scheduledAt, ...delivery }, 'marketing broadcast');
    return 'sent';
  }

  /** `!marketing now`: the next message of the rotation, to every marketing group, at once. */
  async sendNow(tenant: TenantId, by?: string): Promise<MarketingBroadcast | undefined> {
    const slot = this.ctx.clock.now();
    const message = await this.service.nextMessage(tenant, slot);
    if (!message) return undefined;
    const delivery = await sendToMarketingGroups(this.ctx, tenant, message, slot, by ? { by } : {});
    this.ctx.logger.info({ tenant, messageId: message.id, slot, by, ...delivery }, 'marketing message sent on request');
    return { message, delivery };
  }

  private apply(tenant: TenantId, config: BotConfig, force = false): boolean {
    if (!this.scheduler || this.stopped) return false;
    const spec = marketingJobSpec(tenant, config);
    const key = `${spec.everyMs}/${spec.jitterMs}`;
    if (!force && this.planned.get(tenant) === key) return false;
    this.planned.set(tenant, key);
    this.scheduler.schedule(spec);
    this.ctx.logger.debug({ tenant, everyMs: spec.everyMs, jitterMs: spec.jitterMs }, 'marketing job scheduled');
    return true;
  }

  private async state(tenant: TenantId): Promise<ScheduleState> {
    return (await this.ctx.kv.get<ScheduleState>(tenant, STATE_KEY)) ?? { since: this.ctx.clock.now() };
  }

  /**
   * A host that restarts more often than the interval would never reach a run (each start plans the
   * first run one interval ahead). So when no broadcast went out for longer than interval + jitter,
   * one runs 1 minute + 0..jitter after boot, and the cadence starts again from it.
   */
  private async planCatchUp(tenant: TenantId, config: BotConfig): Promise<void> {
    const { kv, clock } = this.ctx;
    let state = await kv.get<ScheduleState>(tenant, STATE_KEY);
    if (!state) {
      state = { since: clock.now() };
      await kv.set(tenant, STATE_KEY, state);
    }
    const { everyMs, jitterMs = 0 } = marketingJobSpec(tenant, config);
    if (!config.marketing_enabled || clock.now() - (state.lastRunAt ?? state.since) < everyMs! + jitterMs) return;
    const timer = clock.setTimeout(
      () => {
        this.timers.delete(timer);
        void this.catchUp(tenant);
      },
      CATCH_UP_DELAY_MS + Math.floor(this.random() * jitterMs),
    );
    this.timers.add(timer);
  }

  private async catchUp(tenant: TenantId): Promise<void> {
    if (this.stopped || !this.scheduler) return;
    try {
      await this.scheduler.runNow(MARKETING_JOB, tenant);
      if (!this.stopped) this.apply(tenant, await this.ctx.config.get(tenant), true);
    } catch (err) {
      this.ctx.logger.warn({ err, tenant }, 'marketing catch-up failed');
    }
  }
}
