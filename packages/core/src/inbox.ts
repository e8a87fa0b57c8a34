import type { Clock } from './clock.js';
import { type InboundJob, type InboundOutcome, type InboundQueue, LocalInboundQueue } from './inbound-queue.js';
import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import type { Collection, RecordStore, StoredRecord, TenantId } from './storage.js';
import type { TurnResult } from './turn-runner.js';

interface InboxRecord extends StoredRecord {
  message: InboundMessage;
  acceptedAt: number;
  attempts: number;
}

export interface InboxDeps {
  clock: Clock;
  logger: Logger;
  handle: (m: InboundMessage) => Promise<TurnResult>;
  /** Where stored messages go to be handled; without one, they are handled in this process. */
  queue?: InboundQueue;
}

const INBOX = { name: 'engine_inbox', indexes: ['acceptedAt'] };
const MAX_ATTEMPTS = 5;

/**
 * The durable inbox behind `accept`: a webhook's message is written to the store before the
 * platform gets its 200, then handed to the inbound queue (`Tokens.InboundQueue`: in this process by
 * default, or a shared queue whose workers may be other processes) and removed once handled. If a
 * process dies in between, the record is still there: the next start replays it. The engine's
 * exactly-once claim makes a replay of an answered message a no-op, so nothing is lost and nothing
 * is answered twice.
 */
export class Inbox {
  private readonly records: Collection<InboxRecord>;
  private readonly deps: InboxDeps & { queue: InboundQueue };

  constructor(store: RecordStore, deps: InboxDeps) {
    this.records = store.collection<InboxRecord>(INBOX);
    if (deps.queue) {
      this.deps = { ...deps, queue: deps.queue };
    } else {
      // Standalone use (no engine wiring a queue): handle in this process, as before the port existed.
      const queue = new LocalInboundQueue({ ...deps, retryDelayMs: 30_000, maxRetries: 10 });
      this.deps = { ...deps, queue };
      void queue.start((job) => this.run(job));
    }
  }

  /** Resolves when the queue has finished the jobs it is running (see `InboundQueue.drain`). */
  drain(): Promise<void> {
    return this.deps.queue.drain();
  }

  /** Persists the message, then queues it. Resolves once it is safely stored and queued. */
  async accept(message: InboundMessage): Promise<void> {
    const id = `${message.channel}:${message.id}`;
    await this.records.upsert(message.tenantId, { id, message, acceptedAt: this.deps.clock.now(), attempts: 0 });
    await this.deps.queue.dispatch({ tenant: message.tenantId, id, message });
  }

  /** The inbound queue's handler: runs one stored message's turn and removes the record once handled. */
  async run(job: InboundJob): Promise<InboundOutcome> {
    const message = job.message ?? (await this.records.get(job.tenant, job.id))?.message;
    // No record: handled and removed already (a job that ran twice, or a replay behind a worker).
    if (!message) return 'handled';
    const result = await this.deps.handle(message);
    if (result.status === 'in_progress') return 'in_progress';
    // Kept only when the turn failed and nothing reached the customer: a retry may still answer.
    if (result.status === 'failed' && result.replies.length === 0) return 'failed';
    await this.records.delete(job.tenant, job.id);
    return 'handled';
  }

  /** Queues again whatever a previous process accepted but did not finish (called at start). */
  async replay(tenants: readonly TenantId[]): Promise<number> {
    const { queue, logger } = this.deps;
    let count = 0;
    for (const tenant of tenants) {
      const { items } = await this.records.find(tenant, { sort: [{ field: 'acceptedAt' }], limit: 10_000 });
      for (const record of items) {
        // Waiting in a shared queue is not a failed attempt: only records whose job was lost count.
        if (queue.isQueued && (await queue.isQueued(tenant, record.id))) continue;
        if (record.attempts >= MAX_ATTEMPTS) {
          logger.error(
            { tenant, msgId: record.message.id, channel: record.message.channel },
            'inbox message dropped after repeated failures',
          );
          await this.records.delete(tenant, record.id);
          continue;
        }
        await this.records.update(tenant, record.id, { attempts: record.attempts + 1 });
        await queue.dispatch({ tenant, id: record.id, message: record.message });
        count++;
      }
    }
    return count;
  }
}
