import type { TenantId } from '@smmbot/core';
import type { Rules } from './config.js';
import { LANES } from './dispatcher.js';
import { pickPhone } from './phones.js';
import type { TenantBalancer } from './tenant.js';
import type { BalancerSnapshot, EnqueueResult, SendJob } from './types.js';

/** A snapshot without its alerts: what the leader publishes (alerts are read fresh from the store). */
export type PhonesSnapshot = Omit<BalancerSnapshot, 'alerts'>;

/** The tenant's phones, next phone and queue counts, as its running scheduler sees them now. */
export function liveSnapshot(t: TenantBalancer, tenant: TenantId, now: number): PhonesSnapshot {
  const next = pickPhone(t.phoneList, now, { capApplies: true, newContact: true });
  const nextPhone =
    next.kind === 'phone'
      ? next.phone.name
      : (t.phoneList
          .filter((p) => p.state === 'connected' && p.hasRoom(now))
          .sort((a, b) => a.score(now) - b.score(now))[0]?.name ?? null);
  let sending = 0;
  for (const p of t.phoneList) if (p.busy) sending++;
  const { due, waiting } = t.index.counts();
  return {
    tenantId: tenant,
    at: now,
    phones: t.phoneList.map((p) => p.snapshot(now)),
    nextPhone,
    queue: { queued: due, pending: waiting, sending },
  };
}

/** What a queue position estimate needs: jobs due ahead of a lane, connected phones, the tenant's rules. */
export interface QueueView {
  ahead(lane: number): number;
  connected: number;
  rules: Rules;
}

export function viewOf(t: TenantBalancer): QueueView {
  return {
    ahead: (lane) => t.index.aheadOf(lane),
    connected: t.phoneList.filter((p) => p.state === 'connected').length,
    rules: t.rules,
  };
}

/** A process that does not schedule the tenant estimates from the leader's last published counts. */
export function storedView(s: PhonesSnapshot | undefined, rules: Rules): QueueView {
  return {
    ahead: () => s?.queue.queued ?? 0,
    connected: s?.phones.filter((p) => p.state === 'connected').length ?? 0,
    rules,
  };
}

/** Position among waiting jobs and a rough send time: jobs ahead × a phone cycle ÷ connected phones. */
export function enqueueResult(v: QueueView, job: SendJob, created: boolean, now: number): EnqueueResult {
  const lane = LANES.indexOf(job.lane);
  const ahead = job.state === 'queued' ? v.ahead(lane) : 0;
  const r = v.rules;
  const cycle = v.connected ? (r.delayMinMs + r.delayMaxMs) / 2 + 3_000 + r.delayMaxMs * 0.6 : 50;
  const start = Math.max(now, job.notBefore);
  return {
    id: job.id,
    created,
    state: job.state,
    position: ahead,
    estimatedAt: Math.round(start + (ahead * cycle) / Math.max(1, v.connected)),
  };
}
