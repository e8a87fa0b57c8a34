import type { InboundHandler, InboundJob, InboundQueue, Logger, TenantId } from '@smmbot/core';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { inboundJobId } from './job-ids.js';

export const INBOUND_QUEUE_NAME = 'smmbot-inbound';
const JOB_NAME = 'inbound';
const BACKOFF_TYPE = 'smmbot-capped';

/** What a job carries: the inbox record to handle. `channel` and `msgId` are for the logs. */
export interface InboundJobData {
  tenant: TenantId;
  id: string;
  channel?: string;
  msgId?: string;
}

export interface BullInboundQueueOptions {
  /** The shared client (`maxRetriesPerRequest: null`); workers duplicate it. Never closed here. */
  connection: Redis;
  /** BullMQ key prefix: every key of the queue starts with it. */
  prefix: string;
  logger: Logger;
  queueName?: string;
  /** Jobs this process runs at once. Default 16. */
  concurrency?: number;
  /** Tries per message, the first included, before it waits for a worker's start-up replay. Default 20. */
  attempts?: number;
  /** First retry delay; it doubles per try up to `maxBackoffMs` (±20 % jitter). Defaults 1 s and 30 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A running job's lock; a worker that stops renewing it (killed) loses the job after this. Default 30 s. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (stalled) and put them back. Default 30 s. */
  stalledIntervalMs?: number;
  /** A job that stalls more often than this fails (a message that kills its worker each time). Default 1. */
  maxStalledCount?: number;
  /** Called once `stop` has closed the queue (the plugin releases its shared connection). */
  onStopped?: () => Promise<void>;
  random?: () => number;
}

/** Thrown by the processor so BullMQ retries the job with back-off; never reaches a customer. */
class RetryLater extends Error {
  constructor(outcome: string) {
    super(`inbound message ${outcome}; retrying`);
    this.name = 'RetryLater';
  }
}

/**
 * The inbound queue on BullMQ: `accept` stores the message, then adds a job `{tenant, id}` whose
 * jobId is the record id, so a webhook delivered again while its job waits or runs adds nothing.
 * Workers (this class, started in the `all` and `worker` roles) run the engine's handler with
 * `concurrency` jobs at a time; a message another worker holds (`in_progress`) or whose turn failed
 * unanswered is retried with back-off. A worker killed mid-job stops renewing the job's lock, so
 * after `lockDurationMs` the stalled check of any other worker puts the job back for the next one.
 */
export class BullInboundQueue implements InboundQueue {
  readonly shared = true;
  readonly queue: Queue<InboundJobData>;
  private bullWorker?: Worker<InboundJobData>;
  private stopped = false;

  constructor(private readonly options: BullInboundQueueOptions) {
    this.queue = new Queue<InboundJobData>(options.queueName ?? INBOUND_QUEUE_NAME, {
      connection: options.connection,
      prefix: options.prefix,
    });
    this.queue.on('error', (err) => options.logger.warn({ err }, 'inbound queue: Redis error'));
  }

  /** The BullMQ worker once started (events, metrics; tests close it abruptly to play a crash). */
  get worker(): Worker<InboundJobData> | undefined {
    return this.bullWorker;
  }

  async start(handler: InboundHandler): Promise<void> {
    if (this.bullWorker) return;
    const { options } = this;
    const base = options.backoffMs ?? 1000;
    const cap = options.maxBackoffMs ?? 30_000;
    const random = options.random ?? Math.random;
    const worker = new Worker<InboundJobData>(this.queue.name, (job) => this.process(job, handler), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 16,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 1,
      settings: {
        backoffStrategy: (attemptsMade) =>
          Math.round(Math.min(base * 2 ** (attemptsMade - 1), cap) * (0.8 + 0.4 * random())),
      },
    });
    worker.on('error', (err) => options.logger.warn({ err }, 'inbound worker: Redis error'));
    worker.on('failed', (job, err) => this.onFailed(job, err));
    worker.on('stalled', (jobId) =>
      options.logger.warn({ jobId }, 'inbound job stalled (its worker died or hung); queued again'),
    );
    this.bullWorker = worker;
    await worker.waitUntilReady();
  }

  async dispatch(job: InboundJob): Promise<void> {
    const data: InboundJobData = { tenant: job.tenant, id: job.id };
    if (job.message) Object.assign(data, { channel: job.message.channel, msgId: job.message.id });
    await this.queue.add(JOB_NAME, data, {
      jobId: inboundJobId(job.tenant, job.id),
      attempts: this.options.attempts ?? 20,
      backoff: { type: BACKOFF_TYPE },
      // The record in the store is the durable copy: a finished job has nothing left to keep, and a
      // job that gave up must not block the id when the start-up replay queues the record again.
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async isQueued(tenant: TenantId, id: string): Promise<boolean> {
    const state = await this.queue.getJobState(inboundJobId(tenant, id));
    return state !== 'unknown' && state !== 'completed' && state !== 'failed';
  }

  /** Takes no new jobs and waits for the running ones (BullMQ's graceful close). */
  async drain(): Promise<void> {
    await this.bullWorker?.close();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.bullWorker?.close();
    await this.queue.close();
    await this.options.onStopped?.();
  }

  private async process(job: Job<InboundJobData>, handler: InboundHandler): Promise<void> {
    const outcome = await handler({ tenant: job.data.tenant, id: job.data.id });
    if (outcome !== 'handled') throw new RetryLater(outcome);
  }

  private onFailed(job: Job<InboundJobData> | undefined, err: Error): void {
    const { logger } = this.options;
    const fields = {
      tenant: job?.data.tenant,
      channel: job?.data.channel,
      msgId: job?.data.msgId,
      inboxId: job?.data.id,
      attempt: job?.attemptsMade,
    };
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) {
      logger.error({ ...fields, err }, 'inbound message not handled after its last try; kept for the start-up replay');
    } else if (err instanceof RetryLater || err.name === 'RetryLater') {
      logger.debug({ ...fields, reason: err.message }, 'inbound message retried later');
    } else {
      logger.warn({ ...fields, err }, 'inbound job failed; retrying');
    }
  }
}
