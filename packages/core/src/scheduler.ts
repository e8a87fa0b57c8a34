import type { TenantId } from './storage.js';

/** A recurring job. Plugins tap `hooks.schedule.for(id)`; the scheduler decides when it runs. */
export interface JobSpec {
  id: string;
  /** Runs for one tenant; omit for a system-wide job. */
  tenantId?: TenantId;
  /** Every N ms (first run after one interval) ... */
  everyMs?: number;
  /** ... or on a cron expression (5 or 6 fields). */
  cron?: string;
  /** Fixed UTC offset for cron (`UTC+6`), as tenants configure it. Defaults to UTC. */
  timezone?: string;
  /** A random 0..jitterMs is added to each run time, so many tenants do not fire together. */
  jitterMs?: number;
  /** How long a run may hold its lock; only one process runs a job at a time. Default 5 min. */
  lockTtlMs?: number;
}

export interface JobRun {
  jobId: string;
  tenantId?: TenantId;
  /** The time the run was due (clock ms). */
  scheduledAt: number;
  /** 1 for the first run of this job in this process. */
  attempt: number;
  signal: AbortSignal;
}

/**
 * Runs recurring jobs. The default (`LocalScheduler`) runs them on the engine's clock in this
 * process; a shared one (`@smmbot/queue-bullmq`) runs each due slot on one of several workers. The
 * engine calls `start` only in the `all` and `worker` roles; `schedule` may be called in any role.
 */
export interface Scheduler {
  /**
   * Adds or replaces a job (same id + tenant replaces). Idempotent: every process of a deployment
   * may schedule the same jobs at boot, and a shared scheduler keeps one schedule per job.
   */
  schedule(job: JobSpec): void;
  unschedule(jobId: string, tenantId?: TenantId): void;
  /** Runs a job now, under its lock, as if it were due. Resolves false if another holder had the lock. */
  runNow(jobId: string, tenantId?: TenantId): Promise<boolean>;
  start(): void;
  /** Stops scheduling and waits for running jobs. */
  stop(): Promise<void>;
  /** When each job runs next (clock ms). */
  nextRuns(): { jobId: string; tenantId?: TenantId; at: number }[];
}
