import {
  acquireLeasedLock,
  type Clock,
  type EngineHooks,
  type JobSpec,
  type KeyValueStore,
  type Logger,
  type Scheduler,
  SYSTEM_TENANT,
  SystemClock,
  type TenantId,
  toSmmbotError,
} from '@smmbot/core';
import { DelayedError, type Job, type JobSchedulerJson, Queue, type RepeatOptions, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullTimezone, fixedOffsetRepeatStrategy } from './cron-timezone.js';
import { schedulerId } from './job-ids.js';

export const JOBS_QUEUE_NAME = 'smmbot-jobs';
const SYSTEM_CLOCK = new SystemClock();

/** What each run of a job scheduler carries (its template's data). */
export interface ScheduledJobData {
  jobId: string;
  tenantId?: TenantId;
  jitterMs?: number;
  /** Set when this run has already waited its random jitter. */
  jittered?: boolean;
}

export interface BullSchedulerOptions {
  /** The shared client (`maxRetriesPerRequest: null`); the worker duplicates it. Never closed here. */
  connection: Redis;
  prefix: string;
  /** The engine's hooks: a run calls the `schedule` taps of its job id. */
  hooks: EngineHooks;
  logger: Logger;
  /** With the shared store, a run takes the job's lock, so a run never overlaps the previous one. */
  kv?: KeyValueStore;
  /** Renews that lock while a run lasts (the engine's clock). Default: the system clock. */
  clock?: Clock;
  queueName?: string;
  /** Runs this process does at once (different jobs). Default 4. */
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  onStopped?: () => Promise<void>;
  random?: () => number;
}

interface NextRun {
  jobId: string;
  tenantId?: TenantId;
  at: number;
}

/**
 * The Scheduler on BullMQ job schedulers. `schedule` upserts one job scheduler per (job, tenant):
 * idempotent, so every worker schedules its jobs at boot and one schedule exists; BullMQ then makes
 * one job per slot and exactly one worker takes it. The worker runs only in the `all` and `worker`
 * roles (`start`). `schedule`, `unschedule` and `nextRuns` are synchronous, as the interface wants:
 * the Redis calls run in the background (`settled()` waits for them) and `nextRuns` answers from
 * the job schedulers as last read.
 *
 * Jitter: a job scheduler's template cannot carry a delay, and `every`'s `offset` is the same on
 * every run. So a run with `jitterMs` moves itself back to delayed by a random 0..jitterMs the
 * first time it starts (BullMQ's step-job pattern: no worker slot is held while it waits), then runs.
 */
export class BullScheduler implements Scheduler {
  readonly queue: Queue<ScheduledJobData>;
  private bullWorker?: Worker<ScheduledJobData>;
  private readonly specs = new Map<string, JobSpec>();
  private readonly attempts = new Map<string, number>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private next = new Map<string, NextRun>();
  private stopped = false;

  constructor(private readonly options: BullSchedulerOptions) {
    this.queue = new Queue<ScheduledJobData>(options.queueName ?? JOBS_QUEUE_NAME, {
      connection: options.connection,
      prefix: options.prefix,
      settings: { repeatStrategy: fixedOffsetRepeatStrategy },
    });
    this.queue.on('error', (err) => options.logger.warn({ err }, 'job queue: Redis error'));
  }

  get worker(): Worker<ScheduledJobData> | undefined {
    return this.bullWorker;
  }

  schedule(spec: JobSpec): void {
    if (!spec.everyMs && !spec.cron) throw new Error(`job "${spec.id}" needs everyMs or cron`);
    const repeat: Omit<RepeatOptions, 'key'> = spec.cron
      ? { pattern: spec.cron, tz: bullTimezone(spec.timezone) }
      : { every: spec.everyMs };
    if (spec.cron) fixedOffsetRepeatStrategy(Date.now(), repeat); // fail fast on a bad expression
    const id = schedulerId(spec.id, spec.tenantId ?? SYSTEM_TENANT);
    this.specs.set(id, spec);
    const data: ScheduledJobData = { jobId: spec.id, tenantId: spec.tenantId, jitterMs: spec.jitterMs };
    this.track(
      this.queue.upsertJobScheduler(id, repeat, {
        name: spec.id,
        data,
        opts: { removeOnComplete: true, removeOnFail: { count: 100 } },
      }),
      { job: spec.id, tenant: spec.tenantId },
      'could not schedule the job',
    );
  }

  unschedule(jobId: string, tenantId?: TenantId): void {
    const id = schedulerId(jobId, tenantId ?? SYSTEM_TENANT);
    this.specs.delete(id);
    this.next.delete(id);
    this.track(this.queue.removeJobScheduler(id), { job: jobId, tenant: tenantId }, 'could not unschedule the job');
  }

  start(): void {
    if (this.bullWorker || this.stopped) return;
    const { options } = this;
    const worker = new Worker<ScheduledJobData>(this.queue.name, (job, token) => this.process(job, token), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 4,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      settings: { repeatStrategy: fixedOffsetRepeatStrategy },
    });
    worker.on('error', (err) => options.logger.warn({ err }, 'job worker: Redis error'));
    this.bullWorker = worker;
  }

  /** Closes the worker gracefully (running jobs finish), then the queue. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    await this.bullWorker?.close();
    await this.settled();
    await this.queue.close();
    await this.options.onStopped?.();
  }

  nextRuns(): { jobId: string; tenantId?: TenantId; at: number }[] {
    return [...this.next.values()];
  }

  /** Reads when each job scheduler fires next (what `nextRuns` answers); done after every change and run. */
  async refreshNextRuns(): Promise<NextRun[]> {
    const schedulers: JobSchedulerJson<ScheduledJobData>[] = await this.queue.getJobSchedulers();
    const next = new Map<string, NextRun>();
    for (const s of schedulers) {
      const data = s.template?.data;
      if (!data || s.next === undefined || s.next === null) continue;
      next.set(s.key, { jobId: data.jobId, tenantId: data.tenantId, at: s.next });
    }
    this.next = next;
    return this.nextRuns();
  }

  /** Resolves when the Redis calls started by `schedule` and `unschedule` so far are done. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async runNow(jobId: string, tenantId?: TenantId): Promise<boolean> {
    const spec = this.specs.get(schedulerId(jobId, tenantId ?? SYSTEM_TENANT));
    if (!spec) throw new Error(`no job "${jobId}"${tenantId ? ` for tenant "${tenantId}"` : ''}`);
    return this.execute(spec.id, spec.tenantId, Date.now(), spec.lockTtlMs);
  }

  private async process(job: Job<ScheduledJobData>, token?: string): Promise<void> {
    const data = job.data;
    const slot = slotOf(job);
    const wait =
      data.jitterMs && !data.jittered ? Math.floor((this.options.random ?? Math.random)() * data.jitterMs) : 0;
    if (wait > 0 && token) {
      await job.updateData({ ...data, jittered: true });
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    const lockTtlMs = this.specs.get(schedulerId(data.jobId, data.tenantId ?? SYSTEM_TENANT))?.lockTtlMs;
    await this.execute(data.jobId, data.tenantId, slot, lockTtlMs);
    void this.refreshNextRuns().catch(() => undefined);
  }

  /** Runs the job's `schedule` taps under its lock; a failure is logged and reported, never retried. */
  private async execute(jobId: string, tenantId: TenantId | undefined, scheduledAt: number, lockTtlMs?: number) {
    const { kv, hooks, logger } = this.options;
    const log = logger.child({ job: jobId, tenant: tenantId ?? SYSTEM_TENANT });
    // Renewed while the run lasts: a worker killed mid-run frees the job within a lease (30 s),
    // where a lock taken for all of lockTtlMs kept every other worker off it for 5 minutes.
    const lock = kv
      ? await acquireLeasedLock(kv, tenantId ?? SYSTEM_TENANT, `job:${jobId}`, {
          maxMs: lockTtlMs ?? 5 * 60_000,
          clock: this.options.clock ?? SYSTEM_CLOCK,
        })
      : undefined;
    if (kv && !lock) {
      log.debug('job skipped: its previous run still holds the lock');
      return false;
    }
    const key = `${tenantId ?? SYSTEM_TENANT}\u0000${jobId}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    try {
      await hooks.schedule.get(jobId)?.promise({ jobId, tenantId, scheduledAt, attempt, signal: this.abort.signal });
      log.debug({ scheduledAt }, 'job ran');
    } catch (err) {
      const error = toSmmbotError(err);
      log.error({ err: error, ...error.details }, 'job failed');
      hooks.error.call(error, undefined);
    } finally {
      await lock?.release().catch(() => false);
    }
    return true;
  }

  private track(call: Promise<unknown>, fields: Record<string, unknown>, failure: string): void {
    const p: Promise<unknown> = call
      .then(() => this.refreshNextRuns())
      .catch((err) => this.options.logger.error({ err, ...fields }, failure))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}

/**
 * The slot a run belongs to: its scheduled time, not when a worker got to it (nor its jittered
 * time). BullMQ names each job of a job scheduler `repeat:<scheduler id>:<slot ms>`.
 */
function slotOf(job: Job<ScheduledJobData>): number {
  const id = job.id ?? '';
  const slot = Number(id.slice(id.lastIndexOf(':') + 1));
  return id.startsWith('repeat:') && Number.isSafeInteger(slot) ? slot : job.timestamp;
}
