import { BalancerToken } from '@smmbot/balancer';
import { ConfigError, definePlugin, Stage, SYSTEM_TENANT, Tokens } from '@smmbot/core';
import { AccountsToken, WorkspaceLimitsToken } from '@smmbot/workspaces';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { Billing, BillingToken } from './billing.js';
import { PlanGate } from './enforcement.js';
import { HealthMonitor } from './health.js';
import { PLUGIN_NAME } from './http.js';
import { InvoiceBook } from './invoices.js';
import { MessageMeter, MeteredAi, MeteredBalancer, MeteredOutbox } from './metered.js';
import { ModuleGatedRoutes } from './module-routes.js';
import { billingOptions } from './options.js';
import { PlanCatalog } from './plans.js';
import { BillingProviderToken, ManualProvider } from './provider.js';
import { masterRoutes } from './routes-master.js';
import { tenantRoutes } from './routes-tenant.js';
import { SubscriptionBook } from './subscriptions.js';
import { phoneChannels, UsageMeter, usageReport } from './usage.js';
import { workspaceHealth } from './workspace-health.js';

/** The health monitor (last errors, channel links, panel checks); resolve it after `engine.start()`. */
export const HealthMonitorToken = Symbol('smmbot.billing.Health') as InjectionToken<HealthMonitor>;

/**
 * SaaS billing for workspaces. Registers `BillingToken` (plans, subscriptions, invoices, the module
 * guard), mounts the owner's `/api/v1/billing/*` and the master's `/api/v1/master/billing/*` routes,
 * and enforces the plan at runtime: a `verify` gate (subscription, medium, phones, monthly
 * messages), a metered outbox and balancer (messages a month, `marketing` and `send_api` modules)
 * and a metered AI provider (`ai` module, AI requests a month). A `pre` plugin: list it before the
 * plugins whose traffic it meters.
 */
export const billing = definePlugin({
  name: PLUGIN_NAME,
  options: billingOptions,
  setup: (options) => {
    let built: ReturnType<typeof build> | undefined;
    const build = (c: DependencyContainer) => {
      const store = c.resolve(Tokens.Store);
      const kv = c.resolve(Tokens.Kv);
      const clock = c.resolve(Tokens.Clock);
      const logger = c.resolve(Tokens.Logger).child({ plugin: PLUGIN_NAME });
      const subscriptions = new SubscriptionBook(store, clock, options.graceDays);
      const catalog = new PlanCatalog(store, clock, subscriptions.index);
      const invoices = new InvoiceBook(store, kv, clock, options.manual.invoicePrefix);
      const manual = new ManualProvider({ invoices, subscriptions, instructions: options.manual.instructions });
      const provider = () => (c.isRegistered(BillingProviderToken, true) ? c.resolve(BillingProviderToken) : manual);
      const core = new Billing({ catalog, subscriptions, invoices, kv, clock, logger, options, provider });
      const meter = new UsageMeter(kv, clock);
      const channels = c.resolve(Tokens.Channels);
      const gate = new PlanGate({ billing: core, meter, channels, kv, options });
      const monitor = new HealthMonitor({
        clock,
        channels,
        errorsPerTenant: options.errorsPerTenant,
        timeoutMs: options.panelCheck.timeoutMs,
        cacheMs: options.panelCheck.cacheMs,
        tenantServices: options.tenantServices,
        root: { has: (t) => c.isRegistered(t, true), resolve: (t) => c.resolve(t) },
        medium: (ch) => gate.medium(ch),
      });
      return { billing: core, meter, gate, monitor, channels, logger };
    };
    const get = (c: DependencyContainer) => {
      built ??= build(c);
      return built;
    };

    return {
      name: PLUGIN_NAME,
      enforce: 'pre',
      register(container) {
        // Built from the root container, whichever container resolves it first.
        container.register(BillingToken, { useFactory: () => get(container).billing });
        container.register(HealthMonitorToken, { useFactory: () => get(container).monitor });
        // The workspaces plugin asks this before it adds a staff number (`limitOf(tenant, 'staff')`).
        container.register(WorkspaceLimitsToken, { useFactory: () => get(container).billing });
      },
      apply(ctx) {
        const c = ctx.container;
        const { billing: core, meter, gate, monitor, channels, logger } = get(c);

        // Metering: wrap the delivery services before other plugins resolve them (this is a `pre` plugin).
        const messages = new MessageMeter(core, meter);
        c.register(Tokens.Outbox, { useValue: new MeteredOutbox(c.resolve(Tokens.Outbox), messages) });
        if (c.isRegistered(BalancerToken, true)) {
          c.register(BalancerToken, { useValue: new MeteredBalancer(c.resolve(BalancerToken), messages) });
        }
        if (c.isRegistered(Tokens.Ai, false)) {
          c.register(Tokens.Ai, { useValue: new MeteredAi(c.resolve(Tokens.Ai), core, meter) });
        }

        const workspaces = async () => {
          const indexed = (await core.subscriptions.listIndex()).map((w) => w.id);
          return [...new Set([...ctx.tenants, ...indexed])].filter((t) => t !== SYSTEM_TENANT).sort();
        };
        // Admin and staff numbers, as the workspaces plugin counts them against the limit (not the owner).
        const staff = async (tenant: string) => {
          if (!c.isRegistered(AccountsToken, true)) return null;
          const users = await c.resolve(AccountsToken).listUsers(tenant);
          return users.filter((u) => u.role !== 'owner').length;
        };
        const usage = async (tenant: string) => {
          const e = await core.entitlement(tenant);
          const phones = phoneChannels(channels, tenant, (ch) => gate.medium(ch)).length;
          return usageReport(meter, tenant, e.blocked ? undefined : e.plan, phones, await staff(tenant));
        };
        // Routes of plan modules (marketing) answer 403 for a plan without the module, whoever added them.
        c.register(Tokens.Http, { useValue: new ModuleGatedRoutes(c.resolve(Tokens.Http), core) });
        const http = c.resolve(Tokens.Http);
        for (const route of tenantRoutes({ billing: core, logger, usage })) http.add(route);
        for (const route of masterRoutes({
          billing: core,
          workspaces,
          health: (t) => workspaceHealth(core, monitor, t),
        }))
          http.add(route);

        ctx.hooks.boot.tap('plans', async () => {
          const added = await core.catalog.seed(options.plans);
          if (added.length > 0) logger.info({ plans: added }, 'plans seeded');
          const named = [options.defaultPlan, options.freePlan, ...Object.values(options.assign)];
          for (const id of new Set(named.filter((x): x is string => !!x))) {
            if (!(await core.catalog.get(id))) {
              throw new ConfigError(`${PLUGIN_NAME}: plan "${id}" is named in the options but does not exist`);
            }
          }
          for (const tenant of ctx.tenants) await core.ensureWorkspace(tenant);
        });
        ctx.hooks.tenantAdded.tap('subscription', async (tenant) => {
          await core.ensureWorkspace(tenant);
        });
        ctx.hooks.verify.tap(
          'plan',
          (turn) => {
            monitor.observe(turn);
            return gate.verify(turn);
          },
          { stage: Stage.GUARD },
        );
        ctx.hooks.error.tap('health', (error, turn) => monitor.record(error, turn));
      },
    };
  },
});

export default billing;
