import { type BotPlugin, type Engine, type PanelClient, ResilientPanel, type TenantId, Tokens } from '@smmbot/core';
import { PerfectPanelAdmin } from '@smmbot/panel-perfectpanel';

const PANEL_KEYS = new Set(['panel_url', 'panel_api_key']);

/**
 * Panels connected at runtime: a workspace created by signup has no panel in the config file; its
 * owner enters the panel address and Admin API key in Bot Settings (`panel_url`, `panel_api_key`,
 * stored sealed). This binds a PerfectPanel Admin API client into the tenant's container at boot,
 * when a workspace is added, and whenever those keys change — the next message uses it. Tenants
 * whose panel comes from the config file keep it.
 */
export function runtimePanels(engine: Engine): BotPlugin {
  const fromFile = new Set<TenantId>();
  const bound = new Map<TenantId, string>();

  async function bind(tenant: TenantId): Promise<void> {
    if (fromFile.has(tenant)) return;
    const config = await engine.container.resolve(Tokens.TenantConfig).get(tenant);
    const url = config.panel_url;
    const key = config.panel_api_key;
    const signature = url && key ? `${url} ${key}` : '';
    if (bound.get(tenant) === signature) return;
    bound.set(tenant, signature);
    const scope = engine.forTenant(tenant);
    if (!url || !key) return;
    const clock = engine.clock;
    const logger = engine.logger.child({ tenant, plugin: '@smmbot/host:runtime-panels' });
    const kv = engine.container.resolve(Tokens.Kv);
    const panel: PanelClient = new ResilientPanel(new PerfectPanelAdmin({ url, adminKey: key, clock, logger }), {
      tenant,
      clock,
      kv,
    });
    // tsyringe resolves the latest registration: the new client replaces the previous one.
    scope.register(Tokens.Panel, { useValue: panel });
    logger.info({ panel: url }, 'panel connected from the workspace settings');
  }

  return {
    name: '@smmbot/host:runtime-panels',
    apply(ctx) {
      ctx.hooks.boot.tap('bind', async () => {
        for (const tenant of ctx.tenants) {
          if (engine.forTenant(tenant).isRegistered(Tokens.Panel, false)) fromFile.add(tenant);
          else await bind(tenant);
        }
        const config = ctx.container.resolve(Tokens.TenantConfig);
        config.onChange?.((tenant, keys) => {
          if (keys.some((k) => PANEL_KEYS.has(k)))
            bind(tenant).catch((err) => ctx.logger.error({ err, tenant }, 'could not connect the panel'));
        });
      });
      ctx.hooks.tenantAdded.tap('bind', (tenant) => bind(tenant));
    },
  };
}
