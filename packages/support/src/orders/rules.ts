import {
  type Clock,
  type PanelClient,
  type PanelOrder,
  type PanelService,
  parseServiceRules,
  resolveServiceRules,
  type ServiceRuleOverrides,
  type ServiceRules,
  type Turn,
} from '@smmbot/core';

const CATALOG_TTL_MS = 10 * 60_000;

/**
 * The service rules of an order (refill window, start time) per the tenant's `service_rules_source`:
 * `service_name` parses the order's service name; `panel_cache` resolves the panel's service (name,
 * description, category, refill flag) from a catalog kept for 10 minutes, and falls back to the name.
 */
export class OrderRules {
  private readonly catalogs = new Map<string, { at: number; byId: Map<string, PanelService> }>();

  constructor(
    private readonly clock: Clock,
    /** Per tenant, per service id: the owner's corrections (support option `serviceRules`). */
    private readonly overrides: Record<string, ServiceRuleOverrides> = {},
  ) {}

  async forOrder(turn: Turn, panel: PanelClient, order: PanelOrder): Promise<ServiceRules> {
    const overrides = this.overrides[turn.tenantId] ?? {};
    if (turn.config.service_rules_source === 'panel_cache' && order.serviceId) {
      const service = (await this.catalog(turn.tenantId, panel))?.get(order.serviceId);
      if (service) return resolveServiceRules(service, overrides);
    }
    if (order.serviceId && Object.hasOwn(overrides, order.serviceId)) {
      return resolveServiceRules({ id: order.serviceId, name: order.serviceName ?? '' }, overrides);
    }
    return parseServiceRules(order.serviceName ?? '');
  }

  private async catalog(tenant: string, panel: PanelClient): Promise<Map<string, PanelService> | undefined> {
    if (!panel.services || !panel.capabilities.has('services')) return undefined;
    const now = this.clock.now();
    const cached = this.catalogs.get(tenant);
    if (cached && now - cached.at < CATALOG_TTL_MS) return cached.byId;
    try {
      const byId = new Map((await panel.services()).map((s) => [s.id, s]));
      this.catalogs.set(tenant, { at: now, byId });
      return byId;
    } catch {
      // A catalog that cannot be read is not a reason to refuse: the service name still says something.
      return cached?.byId;
    }
  }
}
