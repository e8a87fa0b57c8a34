import { type Clock, type Collection, type RecordStore, SYSTEM_TENANT, type TenantId } from '@smmbot/core';
import { DAY_MS } from './periods.js';
import {
  ENTITLED,
  type ExternalRefs,
  type Subscription,
  type SubscriptionStatus,
  type WorkspaceIndex,
} from './types.js';

export const SUBSCRIPTIONS = 'billing_subscriptions';
export const WORKSPACES = 'billing_workspaces';
const CURRENT = 'current';

export interface SubscriptionChange {
  plan_id?: string;
  status?: SubscriptionStatus;
  current_period_end?: number | null;
  provider?: string;
  external?: ExternalRefs;
}

/**
 * Each workspace's subscription, kept under its own tenant (one record, id `current`), mirrored to
 * the master's index under SYSTEM_TENANT. Expiry is read on the clock: a period that ended (plus the
 * grace days) reads `expired`, and the stored record follows the first time that is noticed.
 */
export class SubscriptionBook {
  private readonly subs: Collection<Subscription>;
  readonly index: Collection<WorkspaceIndex>;

  constructor(
    store: RecordStore,
    private readonly clock: Clock,
    private readonly graceDays: number,
  ) {
    this.subs = store.collection<Subscription>({ name: SUBSCRIPTIONS });
    this.index = store.collection<WorkspaceIndex>({ name: WORKSPACES, indexes: ['plan_id', 'status'] });
  }

  /** The stored subscription, with its status as of now (an ended period is `expired`). */
  async get(tenant: TenantId): Promise<Subscription | undefined> {
    const sub = await this.subs.get(tenant, CURRENT);
    if (!sub) return undefined;
    const status = this.statusNow(sub);
    if (status === sub.status) return sub;
    return this.write(tenant, { ...sub, status });
  }

  statusNow(sub: Pick<Subscription, 'status' | 'current_period_end'>): SubscriptionStatus {
    if (!ENTITLED.has(sub.status) || sub.current_period_end === null) return sub.status;
    return this.clock.now() >= sub.current_period_end + this.graceDays * DAY_MS ? 'expired' : sub.status;
  }

  /** Creates or changes the workspace's subscription. */
  async set(tenant: TenantId, change: SubscriptionChange & { plan_id: string }): Promise<Subscription> {
    const now = this.clock.now();
    const current = await this.subs.get(tenant, CURRENT);
    const next: Subscription = {
      id: CURRENT,
      tenantId: tenant,
      plan_id: change.plan_id,
      status: change.status ?? current?.status ?? 'active',
      current_period_end:
        change.current_period_end !== undefined ? change.current_period_end : (current?.current_period_end ?? null),
      provider: change.provider ?? current?.provider ?? 'manual',
      external: change.external ? { ...current?.external, ...change.external } : current?.external,
      started_at: current?.started_at ?? now,
      updated_at: now,
    };
    return this.write(tenant, next);
  }

  /** Changes fields of an existing subscription; undefined when the workspace has none. */
  async update(tenant: TenantId, change: SubscriptionChange): Promise<Subscription | undefined> {
    const current = await this.subs.get(tenant, CURRENT);
    if (!current) return undefined;
    return this.set(tenant, { ...change, plan_id: change.plan_id ?? current.plan_id });
  }

  /** Creates the subscription only when the workspace has none (seeding, sign-up). */
  async ensure(tenant: TenantId, initial: SubscriptionChange & { plan_id: string }): Promise<Subscription> {
    return (await this.get(tenant)) ?? this.set(tenant, initial);
  }

  /** The master's list: every indexed workspace, statuses as of now. */
  async listIndex(): Promise<WorkspaceIndex[]> {
    const page = await this.index.find(SYSTEM_TENANT, { sort: [{ field: 'id' }], limit: 10_000 });
    return page.items.map((w) => ({ ...w, status: this.statusNow(w) }));
  }

  private async write(tenant: TenantId, sub: Subscription): Promise<Subscription> {
    const { id: _id, tenantId: _t, ...fields } = sub;
    const saved = await this.subs.upsert(tenant, { id: CURRENT, ...fields });
    await this.index.upsert(SYSTEM_TENANT, {
      id: tenant,
      plan_id: sub.plan_id,
      status: sub.status,
      current_period_end: sub.current_period_end,
      provider: sub.provider,
      updated_at: sub.updated_at,
    });
    return saved;
  }
}
