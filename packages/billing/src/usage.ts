import type { Channel, ChannelRegistry, Clock, KeyValueStore, TenantId } from '@smmbot/core';
import { DAY_MS, utcMonth } from './periods.js';
import { type Medium, PHONE_MEDIUMS, type Plan } from './types.js';

export type Meter = 'messages' | 'ai';

/** Counters live two months, so last month can still be read early in this one. */
const COUNTER_TTL_MS = 62 * DAY_MS;

/**
 * Billing's own monthly counters in the workspace's key-value store: `billing:usage:messages:<YYYY-MM>`
 * (every message handed to the outbox or the balancer's queue) and `billing:usage:ai:<YYYY-MM>`
 * (AI calls). UTC months, like the balancer's counter.
 */
export class UsageMeter {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  key(meter: Meter, at = this.clock.now()): string {
    return `billing:usage:${meter}:${utcMonth(at)}`;
  }

  /** The current UTC month, `YYYY-MM`. */
  month(): string {
    return utcMonth(this.clock.now());
  }

  async used(tenant: TenantId, meter: Meter): Promise<number> {
    const v = await this.kv.get<unknown>(tenant, this.key(meter));
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  }

  /**
   * Counts one use. With `enforce` and a limit, a use past the limit is taken back and refused
   * (false); otherwise it is counted and allowed.
   */
  async take(tenant: TenantId, meter: Meter, limit: number | null, enforce: boolean): Promise<boolean> {
    const key = this.key(meter);
    const used = await this.kv.increment(tenant, key, 1, COUNTER_TTL_MS);
    if (enforce && limit !== null && used > limit) {
      await this.kv.increment(tenant, key, -1);
      return false;
    }
    return true;
  }

  /** Takes back a use that turned out not to be one (a message the queue already had). */
  async giveBack(tenant: TenantId, meter: Meter): Promise<void> {
    await this.kv.increment(tenant, this.key(meter), -1);
  }

  /** The balancer's own monthly counter (non-support lanes; kept only when its `monthlyLimit` is set). */
  async balancerMonth(tenant: TenantId): Promise<number | null> {
    const v = await this.kv.get<unknown>(tenant, `balancer:company:month:${utcMonth(this.clock.now())}`);
    return typeof v === 'number' ? v : null;
  }
}

export interface UsageReport {
  period: string;
  messages: { used: number; limit: number | null };
  ai_requests: { used: number; limit: number | null };
  phones: { used: number; limit: number | null };
  staff: { used: number | null; limit: number | null };
  /** The balancer's counter for the month when it keeps one (see the README). */
  balancer_messages: number | null;
}

/** The workspace's phone channels (numbers), in registry order. */
export function phoneChannels(
  channels: ChannelRegistry,
  tenant: TenantId,
  mediumOf: (channel: Channel) => Medium | undefined,
): string[] {
  return channels
    .all()
    .filter((c) => {
      const m = c.tenantId === tenant ? mediumOf(c) : undefined;
      return m !== undefined && PHONE_MEDIUMS.includes(m);
    })
    .map((c) => c.name);
}

export async function usageReport(
  meter: UsageMeter,
  tenant: TenantId,
  plan: Plan | undefined,
  phones: number,
  staff: number | null,
): Promise<UsageReport> {
  const limits = plan?.limits;
  return {
    period: meter.month(),
    messages: { used: await meter.used(tenant, 'messages'), limit: limits?.messages_per_month ?? null },
    ai_requests: { used: await meter.used(tenant, 'ai'), limit: limits?.ai_requests ?? null },
    phones: { used: phones, limit: limits?.phones ?? null },
    staff: { used: staff, limit: limits?.staff ?? null },
    balancer_messages: await meter.balancerMonth(tenant),
  };
}
