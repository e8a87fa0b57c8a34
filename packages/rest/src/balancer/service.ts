import { type Alert, BalancerToken, type PhoneSnapshot } from '@smmbot/balancer';
import type { TenantId } from '@smmbot/core';
import { iso, notFound } from '../http.js';
import type { Scope } from '../scope.js';

export function alertItem(a: Alert) {
  return {
    id: a.id,
    type: a.type,
    severity: a.severity,
    status: a.status,
    phone: a.phone,
    details: a.details,
    created_at: iso(a.createdAt),
    resolved_at: iso(a.resolvedAt),
  };
}

export function phoneItem(p: PhoneSnapshot) {
  return {
    channel: p.channel,
    state: p.state,
    age_days: p.ageDays,
    seniority: p.seniority,
    score: p.score,
    today_sent: p.todaySent,
    daily_cap: p.dailyCap,
    remaining_today: p.dailyCap === null ? null : Math.max(0, p.dailyCap - p.todaySent),
    total_sent: p.totalSent,
    total_failed: p.totalFailed,
    fail_rate: p.failRate,
    consecutive_fails: p.consecutiveFails,
    cooldown_until: iso(p.cooldownUntil),
    timelock_until: iso(p.timelockUntil),
    last_sent_at: iso(p.lastSentAt),
    busy: p.busy,
  };
}

/**
 * The anti-ban balancer of the workspace (`BalancerToken`): its phones with today's sends against
 * their caps, the next phone, the queue, and the alert log. Only the workspace's own phones.
 */
export class BalancerRestService {
  constructor(private readonly scope: Scope) {}

  private balancer() {
    return this.scope.need(BalancerToken, '@smmbot/balancer');
  }

  async snapshot(tenant: TenantId) {
    const s = await this.balancer().snapshot(tenant);
    return {
      at: iso(s.at),
      next_phone: s.nextPhone,
      queue: s.queue,
      phones: s.phones.map(phoneItem),
      alerts: s.alerts.map(alertItem),
    };
  }

  /** The phone limits view: today's sends against each phone's cap (warm-up or configured). */
  async phones(tenant: TenantId) {
    const s = await this.balancer().snapshot(tenant);
    return { items: s.phones.map(phoneItem), next_phone: s.nextPhone };
  }

  async alerts(tenant: TenantId, status?: 'active' | 'resolved') {
    return { items: (await this.balancer().alerts(tenant, status ? { status } : {})).map(alertItem) };
  }

  /** Resolves an active alert; resolving a resolved one is a no-op (`already: true`). */
  async resolve(tenant: TenantId, id: string) {
    const balancer = this.balancer();
    if (await balancer.resolveAlert(tenant, id)) return { resolved: true as const, already: false };
    const known = (await balancer.alerts(tenant, { status: 'resolved' })).some((a) => a.id === id);
    if (!known) throw notFound(`alert "${id}"`);
    return { resolved: true as const, already: true };
  }
}
