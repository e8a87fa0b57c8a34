import type { AdmitHandler, OutboundConsumer, OutboundTransport } from '@smmbot/balancer';
import type { Logger, TenantId } from '@smmbot/core';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BULLMQ_REDIS_OPTIONS } from '../connection.js';

/** The queue's keys are `<prefix>:outbound:*`. */
export const OUTBOUND_QUEUE_NAME = 'outbound';
const JOB_NAME = 'admit';

/** What a job carries: only the send job's address; the job itself is in the tenant's SendQueue. */
export interface OutboundJobData {
  tenant: TenantId;
  id: string;
}

export interface BullOutboundTransportOptions {
  /**
   * A shared client (`maxRetriesPerRequest: null`; the worker duplicates it), never closed here;
   * or a `redis://` URL: the transport opens its own client and closes it in `close`.
   */
  connection: Redis | string;
  /** BullMQ key prefix. */
  prefix: string;
  logger: Logger;
  queueName?: string;
  /** Ids admitted at once by the leader (each is one store read). Default 32. */
  concurrency?: number;
  /**
   * Tries per id before it is dropped. A try fails when the process that took it is not the leader
   * any more; a dropped id costs nothing, the next leader loads every unfinished job. Default 8.
   */
  attempts?: number;
  /** Delay between tries. Default 1 s. */
  backoffMs?: number;
  /** A taken job's lock: a killed leader's jobs go back to wait after it. Default 10 s. */
  lockDurationMs?: number;
  /** How often the leader's worker puts back jobs whose lock expired. Default 5 s. */
  stalledIntervalMs?: number;
  /** Admitted ids kept, so that submitting one again adds nothing. Default an hour, up to 100,000. */
  keepAdmitted?: { ageSeconds: number; count: number };
}

/**
 * BullMQ's job id for a send job. BullMQ refuses custom ids with `:` or that are integers, and
 * ours have both (`webchat:abc:r1`, tenant `42`): each part is percent-encoded and joined with `/`,
 * so the id has no `:`, is never an integer, and two (tenant, id) pairs never share one.
 */
export function outboundJobId(tenant: TenantId, id: string): string {
  return `${encodeURIComponent(tenant)}/${encodeURIComponent(id)}`;
}

/**
 * The balancer's OutboundTransport on a BullMQ queue shared by every process. `submit` adds
 * `{ tenant, id }` with the send job's id as the BullMQ job id, so a second submit adds nothing.
 * `consume` runs a Worker: the balancer calls it only in the process holding the leader lease, and
 * stops it when the lease is lost. Its processor admits the id into the leader's scheduler; an
 * admission refused (not the leader any more) fails the try and the job is retried, reaching the
 * next leader. A leader killed mid-admission leaves its jobs locked; once the lock expires the next
 * leader's worker moves them back to wait (BullMQ's stalled check) and admits them.
 */
export class BullOutboundTransport implements OutboundTransport {
  private queue: Queue<OutboundJobData> | undefined;
  private readonly workers = new Set<Worker<OutboundJobData>>();
  private readonly connection: Redis;
  private readonly ownsConnection: boolean;
  readonly queueName: string;

  constructor(private readonly options: BullOutboundTransportOptions) {
    this.queueName = options.queueName ?? OUTBOUND_QUEUE_NAME;
    this.ownsConnection = typeof options.connection === 'string';
    this.connection =
      typeof options.connection === 'string' ? new Redis(options.connection, BULLMQ_REDIS_OPTIONS) : options.connection;
  }

  /** Created on first use: a process that only stores (web) never consumes. */
  private producer(): Queue<OutboundJobData> {
    if (!this.queue) {
      const { connection } = this;
      const { prefix, logger } = this.options;
      const keep = this.options.keepAdmitted ?? { ageSeconds: 3_600, count: 100_000 };
      this.queue = new Queue<OutboundJobData>(this.queueName, {
        connection,
        prefix,
        defaultJobOptions: {
          attempts: this.options.attempts ?? 8,
          backoff: { type: 'fixed', delay: this.options.backoffMs ?? 1_000 },
          removeOnComplete: { age: keep.ageSeconds, count: keep.count },
          removeOnFail: { age: 86_400, count: 10_000 },
        },
      });
      this.queue.on('error', (err) => logger.warn({ err, queue: this.queueName }, 'outbound queue error'));
    }
    return this.queue;
  }

  async submit(tenant: TenantId, id: string): Promise<void> {
    await this.producer().add(JOB_NAME, { tenant, id }, { jobId: outboundJobId(tenant, id) });
  }

  async consume(handler: AdmitHandler): Promise<OutboundConsumer> {
    const { connection } = this;
    const { prefix, logger } = this.options;
    const worker = new Worker<OutboundJobData>(
      this.queueName,
      async (job: Job<OutboundJobData>) => handler(job.data.tenant, job.data.id),
      {
        connection,
        prefix,
        concurrency: this.options.concurrency ?? 32,
        lockDuration: this.options.lockDurationMs ?? 10_000,
        stalledInterval: this.options.stalledIntervalMs ?? 5_000,
        // A stall means a leader died holding the id; it must reach the next one, not fail.
        maxStalledCount: 100,
      },
    );
    worker.on('error', (err) => logger.warn({ err, queue: this.queueName }, 'outbound worker error'));
    this.workers.add(worker);
    await worker.waitUntilReady();
    return {
      stop: async () => {
        this.workers.delete(worker);
        await worker.close();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.close()));
    this.workers.clear();
    await this.queue?.close();
    this.queue = undefined;
    if (this.ownsConnection) await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
