import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import type { Collection, RecordStore, StoredRecord, TenantId } from './storage.js';
import type { TurnResult } from './turn-runner.js';

interface InboxRecord extends StoredRecord {
  message: InboundMessage;
  acceptedAt: number;
  attempts: number;
}

const INBOX = { name: 'engine_inbox', indexes: ['acceptedAt'] };
const MAX_ATTEMPTS = 5;

/**
 * The durable inbox behind `accept`: a webhook's message is written to the store before the
 * platform gets its 200, then handled in the background and removed once handled. If the process
 * dies in between, the next start replays what is left; the engine's dedupe makes a replay of an
 * already answered message a no-op, so nothing is lost and nothing is answered twice.
 */
export class Inbox {
  private readonly records: Collection<InboxRecord>;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    store: RecordStore,
    private readonly deps: { clock: Clock; logger: Logger; handle: (m: InboundMessage) => Promise<TurnResult> },
  ) {
    this.records = store.collection<InboxRecord>(INBOX);
  }

  /** Persists the message, then handles it in the background. Resolves once it is safely stored. */
  async accept(message: InboundMessage): Promise<void> {
    const id = `${message.channel}:${message.id}`;
    await this.records.upsert(message.tenantId, { id, message, acceptedAt: this.deps.clock.now(), attempts: 0 });
    this.process(message.tenantId, id, message);
  }

  /** Handles whatever a previous process accepted but did not finish (called at start). */
  async replay(tenants: readonly TenantId[]): Promise<number> {
    let count = 0;
    for (const tenant of tenants) {
      const { items } = await this.records.find(tenant, { sort: [{ field: 'acceptedAt' }], limit: 10_000 });
      for (const record of items) {
        if (record.attempts >= MAX_ATTEMPTS) {
          this.deps.logger.error(
            { tenant, msgId: record.message.id, channel: record.message.channel },
            'inbox message dropped after repeated failures',
          );
          await this.records.delete(tenant, record.id);
          continue;
        }
        await this.records.update(tenant, record.id, { attempts: record.attempts + 1 });
        this.process(tenant, record.id, record.message);
        count++;
      }
    }
    return count;
  }

  /** Resolves when every accepted message has been handled. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private process(tenant: TenantId, id: string, message: InboundMessage): void {
    const task = this.deps
      .handle(message)
      .then(async (result) => {
        // Keep it only when nothing reached the customer and the turn failed: a later start retries it.
        if (result.status !== 'failed' || result.replies.length > 0) await this.records.delete(tenant, id);
      })
      .catch((err) =>
        this.deps.logger.error({ err, tenant, msgId: message.id }, 'inbox message not handled; kept for replay'),
      )
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }
}
