import { CronExpressionParser } from 'cron-parser';
import type { Clock, TimerHandle } from './clock.js';
import { toSmmbotError } from './errors.js';
import type { EngineHooks } from './hooks.js';
import type { Logger } from './logger.js';
import { acquireLeasedLock } from './leased-lock.js';
import type { JobSpec, Scheduler } from './scheduler.js';
import type { KeyValueStore, TenantId } from './storage.js';

/** Tenant id under which system-wide jobs take their locks. Tenant ids may not start with `__`. */
export const SYSTEM_TENANT = '__system__';

interface Entry {
  spec: JobSpec;
  timer?: TimerHandle;
  nextAt: number;
  attempt: number;
}

/**
 * Runs jobs on the engine's clock (virtual in tests). Each run takes a lock in the key-value store
 * first, so with a shared store only one process runs a job at a time. Runs of one job never
 * overlap: the next run is planned when the current one ends.
 */
export class LocalScheduler implements Scheduler {
  private readonly jobs = new Map<string, Entry>();
  private readonly running = new Set<Promise<unknown>>();
  private started = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: {
      clock: Clock;
      kv: KeyValueStore;
      hooks: EngineHooks;
      logger: Logger;
      random?: () => number;
    },
  ) {}

  schedule(spec: JobSpec): void {
    if (!spec.everyMs && !spec.cron) throw new Error(`job "${spec.id}" needs everyMs or cron`);
    if (spec.cron) nextCronTime(spec.cron, spec.timezone, this.deps.clock.now()); // fail fast on a bad expression
    this.unschedule(spec.id, spec.tenantId);
    const entry: Entry = { spec, nextAt: 0, attempt: 0 };
    this.jobs.set(keyOf(spec.id, spec.tenantId), entry);
    if (this.started) this.plan(entry);
  }

  unschedule(jobId: string, tenantId?: TenantId): void {
    const key = keyOf(jobId, tenantId);
    const entry = this.jobs.get(key);
    if (entry?.timer) this.deps.clock.clearTimeout(entry.timer);
    this.jobs.delete(key);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const entry of this.jobs.values()) this.plan(entry);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.abort.abort();
    for (const entry of this.jobs.values()) if (entry.timer) this.deps.clock.clearTimeout(entry.timer);
    await Promise.allSettled([...this.running]);
  }

  nextRuns(): { jobId: string; tenantId?: TenantId; at: number }[] {
    return [...this.jobs.values()].map((e) => ({ jobId: e.spec.id, tenantId: e.spec.tenantId, at: e.nextAt }));
  }

  async runNow(jobId: string, tenantId?: TenantId): Promise<boolean> {
    const entry = this.jobs.get(keyOf(jobId, tenantId));
    if (!entry) throw new Error(`no job "${jobId}"${tenantId ? ` for tenant "${tenantId}"` : ''}`);
    return this.execute(entry, this.deps.clock.now());
  }

  private plan(entry: Entry): void {
    const { clock } = this.deps;
    const now = clock.now();
    const base = entry.spec.cron ? nextCronTime(entry.spec.cron, entry.spec.timezone, now) : now + entry.spec.everyMs!;
    const jitter = entry.spec.jitterMs ? Math.floor((this.deps.random ?? Math.random)() * entry.spec.jitterMs) : 0;
    entry.nextAt = base + jitter;
    entry.timer = clock.setTimeout(() => {
      const run = this.execute(entry, entry.nextAt).finally(() => {
        this.running.delete(run);
        if (this.started && this.jobs.get(keyOf(entry.spec.id, entry.spec.tenantId)) === entry) this.plan(entry);
      });
      this.running.add(run);
    }, entry.nextAt - now);
  }

  private async execute(entry: Entry, scheduledAt: number): Promise<boolean> {
    const { kv, hooks, logger } = this.deps;
    const { id, tenantId } = entry.spec;
    const log = logger.child({ job: id, tenant: tenantId ?? SYSTEM_TENANT });
    // Renewed while the run lasts: a crash frees the job within a lease, not after lockTtlMs.
    const lock = await acquireLeasedLock(kv, tenantId ?? SYSTEM_TENANT, `job:${id}`, {
      maxMs: entry.spec.lockTtlMs ?? 5 * 60_000,
      clock: this.deps.clock,
    });
    if (!lock) {
      log.debug('job skipped: another worker holds its lock');
      return false;
    }
    entry.attempt += 1;
    try {
      await hooks.schedule
        .get(id)
        ?.promise({ jobId: id, tenantId, scheduledAt, attempt: entry.attempt, signal: this.abort.signal });
      log.debug('job ran');
    } catch (err) {
      const error = toSmmbotError(err);
      log.error({ err: error, ...error.details }, 'job failed');
      hooks.error.call(error, undefined);
    } finally {
      await lock.release();
    }
    return true;
  }
}

/** Next time (epoch ms, strictly after `now`) a cron expression fires at a fixed UTC offset. */
export function nextCronTime(expression: string, timezone: string | undefined, now: number): number {
  const offset = offsetMinutes(timezone) * 60_000;
  // Evaluate in UTC on a shifted clock: works for offsets like UTC+5:30 that have no IANA Etc/ zone.
  const it = CronExpressionParser.parse(expression, { currentDate: new Date(now + offset), tz: 'UTC' });
  return it.next().getTime() - offset;
}

function offsetMinutes(timezone: string | undefined): number {
  if (!timezone || timezone === 'UTC') return 0;
  const m = /^UTC([+-])(\d{1,2})(?::(\d{2}))?$/.exec(timezone);
  if (!m) throw new Error(`timezone "${timezone}" is not a UTC offset like UTC+6`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function keyOf(jobId: string, tenantId?: TenantId): string {
  return `${tenantId ?? SYSTEM_TENANT}\u0000${jobId}`;
}
