import type { TenantId } from '@smmbot/core';
import type { SendJob } from '../types.js';
import { recipientOf, type SendQueue } from './types.js';

/**
 * Jobs in a Map: NOT durable. For the simulator and tests that measure the balancer itself; a
 * real deployment uses StoreSendQueue (the default).
 */
export class MemorySendQueue implements SendQueue {
  private readonly tenants = new Map<TenantId, Map<string, SendJob>>();

  private of(tenant: TenantId): Map<string, SendJob> {
    let jobs = this.tenants.get(tenant);
    if (!jobs) {
      jobs = new Map();
      this.tenants.set(tenant, jobs);
    }
    return jobs;
  }

  async add(job: SendJob): Promise<{ job: SendJob; created: boolean }> {
    const jobs = this.of(job.tenantId);
    const existing = jobs.get(job.id);
    if (existing) return { job: existing, created: false };
    jobs.set(job.id, job);
    return { job, created: true };
  }

  async get(tenant: TenantId, id: string): Promise<SendJob | undefined> {
    return this.of(tenant).get(id);
  }

  async update(tenant: TenantId, id: string, patch: Partial<Omit<SendJob, 'id' | 'tenantId'>>): Promise<void> {
    const job = this.of(tenant).get(id);
    if (job) Object.assign(job, patch);
  }

  async *unfinished(tenant: TenantId, afterSeq = -1): AsyncIterable<SendJob> {
    const open = [...this.of(tenant).values()].filter(
      (j) => j.state !== 'sent' && j.state !== 'failed' && j.seq > afterSeq,
    );
    yield* open.sort((a, b) => a.seq - b.seq);
  }

  async sentSince(tenant: TenantId, since: number): Promise<{ recipient: string; sentAt: number }[]> {
    return [...this.of(tenant).values()]
      .filter((j) => j.state === 'sent' && (j.sentAt ?? 0) >= since)
      .map((j) => ({ recipient: recipientOf(j), sentAt: j.sentAt ?? 0 }));
  }

  async prune(tenant: TenantId, before: number): Promise<number> {
    let removed = 0;
    for (const [id, job] of this.of(tenant)) {
      if ((job.state === 'sent' || job.state === 'failed') && job.updatedAt < before) {
        this.of(tenant).delete(id);
        removed++;
      }
    }
    return removed;
  }

  async lastSeq(tenant: TenantId): Promise<number> {
    let max = 0;
    for (const job of this.of(tenant).values()) max = Math.max(max, job.seq);
    return max;
  }
}
