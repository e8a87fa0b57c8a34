import type { Collection, RecordStore, TenantId } from '@smmbot/core';
import { SmmbotError } from '@smmbot/core';
import type { SendJob } from '../types.js';
import { recipientOf, type SendQueue } from './types.js';

const JOBS = {
  name: 'outbound_jobs',
  indexes: [['state', 'seq'], ['state', 'sentAt'], 'seq'],
};
const PAGE = 2_000;

/** The durable default: jobs are records of the tenant's RecordStore (SQLite, PostgreSQL, memory). */
export class StoreSendQueue implements SendQueue {
  private readonly jobs: Collection<SendJob>;

  constructor(store: RecordStore) {
    this.jobs = store.collection<SendJob>(JOBS);
  }

  async add(job: SendJob): Promise<{ job: SendJob; created: boolean }> {
    const { tenantId, ...record } = job;
    try {
      return { job: await this.jobs.insert(tenantId, record), created: true };
    } catch (err) {
      // A duplicate id is the idempotent case: the first stored version stands.
      const existing = await this.jobs.get(tenantId, job.id);
      if (existing) return { job: existing, created: false };
      throw err instanceof SmmbotError
        ? err
        : new SmmbotError('E_STORAGE', 'could not store the send job', { cause: err });
    }
  }

  get(tenant: TenantId, id: string): Promise<SendJob | undefined> {
    return this.jobs.get(tenant, id);
  }

  async update(tenant: TenantId, id: string, patch: Partial<Omit<SendJob, 'id' | 'tenantId'>>): Promise<void> {
    await this.jobs.update(tenant, id, patch);
  }

  async *unfinished(tenant: TenantId, afterSeq = -1): AsyncIterable<SendJob> {
    let after = afterSeq;
    for (;;) {
      const { items } = await this.jobs.find(tenant, {
        where: { state: { in: ['queued', 'pending', 'sending'] }, seq: { gt: after } },
        sort: [{ field: 'seq' }],
        limit: PAGE,
      });
      yield* items;
      if (items.length < PAGE) return;
      after = items[items.length - 1]!.seq;
    }
  }

  async sentSince(tenant: TenantId, since: number): Promise<{ recipient: string; sentAt: number }[]> {
    const { items } = await this.jobs.find(tenant, { where: { state: 'sent', sentAt: { gte: since } } });
    return items.map((j) => ({ recipient: recipientOf(j), sentAt: j.sentAt ?? 0 }));
  }

  async prune(tenant: TenantId, before: number): Promise<number> {
    let removed = 0;
    for (const state of ['sent', 'failed'] as const) {
      const { items } = await this.jobs.find(tenant, { where: { state, updatedAt: { lt: before } }, limit: 10_000 });
      for (const job of items) if (await this.jobs.delete(tenant, job.id)) removed++;
    }
    return removed;
  }

  async lastSeq(tenant: TenantId): Promise<number> {
    const { items } = await this.jobs.find(tenant, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
    return items[0]?.seq ?? 0;
  }
}
