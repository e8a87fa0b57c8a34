import { type Clock, type Collection, type RecordStore, SYSTEM_TENANT } from '@smmbot/core';
import { conflict, notFound } from './errors.js';
import { type Plan, type PlanInput, type PlanPatch, planInputSchema, type WorkspaceIndex } from './types.js';

export const PLANS = 'billing_plans';

/**
 * The installation's plans, under SYSTEM_TENANT: the master creates, edits and removes them; the
 * plugin's options seed the ones that do not exist yet (an edited plan is never overwritten).
 */
export class PlanCatalog {
  private readonly plans: Collection<Plan>;

  constructor(
    store: RecordStore,
    private readonly clock: Clock,
    private readonly workspaces: Collection<WorkspaceIndex>,
  ) {
    this.plans = store.collection<Plan>({ name: PLANS, indexes: ['active'] });
  }

  /** Inserts the seeded plans that are missing; returns the ids it added. */
  async seed(plans: readonly PlanInput[]): Promise<string[]> {
    const added: string[] = [];
    for (const input of plans) {
      if (await this.plans.get(SYSTEM_TENANT, input.id)) continue;
      await this.create(input);
      added.push(input.id);
    }
    return added;
  }

  async create(input: PlanInput): Promise<Plan> {
    const { id, ...fields } = planInputSchema.parse(input);
    if (await this.plans.get(SYSTEM_TENANT, id)) throw conflict(`a plan with id "${id}" already exists`);
    const now = this.clock.now();
    return this.plans.insert(SYSTEM_TENANT, { id, ...fields, created_at: now, updated_at: now });
  }

  async update(id: string, patch: PlanPatch): Promise<Plan> {
    const current = await this.get(id);
    if (!current) throw notFound(`plan "${id}"`);
    const { limits, ...rest } = patch;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const updated = await this.plans.update(SYSTEM_TENANT, id, {
      ...defined,
      ...(limits ? { limits: { ...current.limits, ...limits } } : {}),
      updated_at: this.clock.now(),
    });
    if (!updated) throw notFound(`plan "${id}"`);
    return updated;
  }

  /** Removes a plan no workspace is on; a plan in use can only be made inactive. */
  async remove(id: string): Promise<void> {
    if (!(await this.get(id))) throw notFound(`plan "${id}"`);
    const users = await this.workspaces.count(SYSTEM_TENANT, { plan_id: id });
    if (users > 0) {
      throw conflict(`plan "${id}" is used by ${users} workspace(s); set "active": false to stop offering it`);
    }
    await this.plans.delete(SYSTEM_TENANT, id);
  }

  get(id: string): Promise<Plan | undefined> {
    return this.plans.get(SYSTEM_TENANT, id);
  }

  async require(id: string): Promise<Plan> {
    const plan = await this.get(id);
    if (!plan) throw notFound(`plan "${id}"`);
    return plan;
  }

  /** Every plan (the master's list), or only those offered to workspaces. */
  async list(onlyActive = false): Promise<Plan[]> {
    const page = await this.plans.find(SYSTEM_TENANT, {
      where: onlyActive ? { active: true } : {},
      sort: [{ field: 'price' }, { field: 'id' }],
      limit: 500,
    });
    return page.items;
  }

  /** The plan a provider knows by `ref` (e.g. a Stripe price id). */
  async byProviderRef(provider: string, ref: string): Promise<Plan | undefined> {
    return (await this.list()).find((p) => p.provider_refs[provider] === ref);
  }
}
