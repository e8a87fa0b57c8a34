import type { Clock, TimerHandle } from './clock.js';
import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import type { TenantId } from './storage.js';

/** One accepted message to handle: the id of its record in the inbox collection. */
export interface InboundJob {
  tenant: TenantId;
  /** The inbox record id (`<channel>:<message id>`). */
  id: string;
  /** The message itself when the queue runs in the accepting process: saves reading the record back. */
  message?: InboundMessage;
}

/**
 * What handling a stored message came to. `handled`: answered (or silent, dropped, a duplicate, or
 * gone already) and its record removed. `in_progress`: another worker holds a live claim on it; try
 * again after the claim's lease. `failed`: the turn failed and nothing reached the customer; the
 * record is kept, so a retry (or the next start's replay) tries again.
 */
export type InboundOutcome = 'handled' | 'in_progress' | 'failed';

export type InboundHandler = (job: InboundJob) => Promise<InboundOutcome>;

/**
 * How accepted (stored) messages reach a turn. The default runs them in the background of the
 * accepting process; a shared queue (BullMQ) hands them to whichever worker is free, so web
 * processes can take webhooks while workers run the turns. Registered under `Tokens.InboundQueue`.
 */
export interface InboundQueue {
  /** True when jobs reach other processes: an engine in the `web` role needs such a queue. */
  readonly shared: boolean;
  /** Starts taking jobs (only in the `all` and `worker` roles). */
  start(handler: InboundHandler): Promise<void>;
  /** Queues a stored message. Resolves once the job is durable where the queue keeps jobs. */
  dispatch(job: InboundJob): Promise<void>;
  /**
   * True when a job for this record is already waiting or running. The start-up replay skips such
   * records, so with a shared queue a restarting worker neither duplicates nor counts them.
   */
  isQueued?(tenant: TenantId, id: string): Promise<boolean>;
  /** Graceful stop: take no new jobs and finish the ones running. */
  drain(): Promise<void>;
  /** Releases connections; called after `drain`, when the engine no longer accepts. */
  stop(): Promise<void>;
}

export interface LocalInboundQueueOptions {
  clock: Clock;
  logger: Logger;
  /** A message another process is handling is tried again after this long (the claim's lease). */
  retryDelayMs: number;
  /** How many such retries before it is left for the next start's replay. */
  maxRetries: number;
}

/**
 * The default: each job runs in the background of this process as soon as it is dispatched (today's
 * one-process behaviour). A message another process holds (`in_progress`, with a shared key-value
 * store) is retried on the clock after the holder's lease; a failed one waits for the next start.
 */
export class LocalInboundQueue implements InboundQueue {
  readonly shared = false;
  private handler?: InboundHandler;
  private readonly waiting: InboundJob[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly retries = new Map<string, TimerHandle>();
  private draining = false;

  constructor(private readonly options: LocalInboundQueueOptions) {}

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    this.draining = false;
    for (const job of this.waiting.splice(0)) this.run(job, 0);
  }

  async dispatch(job: InboundJob): Promise<void> {
    if (this.handler) this.run(job, 0);
    else this.waiting.push(job);
  }

  /** Waits for the running jobs; pending retries are dropped (their records stay for the replay). */
  async drain(): Promise<void> {
    this.draining = true;
    for (const timer of this.retries.values()) this.options.clock.clearTimeout(timer);
    this.retries.clear();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async stop(): Promise<void> {}

  private run(job: InboundJob, retry: number): void {
    const handler = this.handler!;
    const task: Promise<void> = handler(job)
      .then((outcome) => {
        if (outcome === 'in_progress') this.retryLater(job, retry + 1);
      })
      .catch((err) =>
        this.options.logger.error(
          { err, tenant: job.tenant, msgId: job.message?.id, inboxId: job.id },
          'inbox message not handled; kept for replay',
        ),
      )
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  private retryLater(job: InboundJob, retry: number): void {
    const { clock, logger, retryDelayMs, maxRetries } = this.options;
    const fields = { tenant: job.tenant, msgId: job.message?.id, inboxId: job.id, retry };
    if (this.draining || retry > maxRetries) {
      logger.warn(fields, 'inbox message still held by another process; kept for replay');
      return;
    }
    const key = `${job.tenant}\u0000${job.id}`;
    if (this.retries.has(key)) return;
    logger.debug(fields, 'inbox message held by another process; retrying after its lease');
    const timer = clock.setTimeout(() => {
      this.retries.delete(key);
      // Read back from the store: the holder may have handled and removed it meanwhile.
      if (!this.draining) this.run({ tenant: job.tenant, id: job.id }, retry);
    }, retryDelayMs);
    this.retries.set(key, timer);
  }
}
