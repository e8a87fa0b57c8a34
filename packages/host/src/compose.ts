import path from 'node:path';
import {
  type BotPlugin,
  createEngine,
  type Engine,
  type HostConfig,
  type Logger,
  SecretBox,
  Tokens,
} from '@smmbot/core';
import { scaleOutParts } from './scale-out.js';
import { storagePlugins } from './storage.js';
import { webchat, workspaceWebchat } from '@smmbot/channel-webchat';
import { billing, type TenantServicesFn } from '@smmbot/billing';
import { workspaces } from '@smmbot/workspaces';
import { rest } from '@smmbot/rest';
import { dashboard } from '@smmbot/dashboard';
import { runtimePanels } from './runtime-panels.js';
import { support } from '@smmbot/support';
import { balancer } from '@smmbot/balancer';
import { sendApi } from '@smmbot/send-api';
import {
  BILLING,
  configuredOwners,
  defaultBillingOptions,
  WORKSPACES,
  withHostOptions,
} from './config/plugin-defaults.js';
import { loadPlugin } from './plugins.js';
import { loadSecretKey } from './secret-key.js';
import { simulatorPlugins } from './simulator.js';

const WEBCHAT = '@smmbot/channel-webchat';
const SUPPORT = '@smmbot/support';
const BALANCER = '@smmbot/balancer';
const SEND_API = '@smmbot/send-api';

/**
 * Builds the engine a config file describes: storage, the plugins listed, and the product's plugins
 * (web chat, support, balancer, send API, workspaces, billing, REST, dashboard), each unless the
 * config lists it itself with its own options.
 */
export async function composeEngine(
  config: HostConfig,
  options: { cwd: string; logger: Logger; syncOnBoot?: boolean; extra?: BotPlugin[] },
): Promise<Engine> {
  const { cwd, logger } = options;
  const dataDir = path.resolve(cwd, config.dataDir);
  const storage = storagePlugins(config, cwd);

  // Each workspace's own panel, for billing's health report (the engine exists once composed).
  let composed: Engine | undefined;
  const tenantServices: TenantServicesFn = (t) => {
    if (!composed) throw new Error('the engine is not composed yet');
    const container = composed.forTenant(t);
    return { has: (k) => container.isRegistered(k, true), resolve: (k) => container.resolve(k) };
  };
  const owners = configuredOwners(config);

  const listed: BotPlugin[] = [];
  for (const entry of config.plugins) {
    listed.push(...(await loadPlugin(withHostOptions(entry, { owners, tenantServices }), cwd)));
  }
  for (const tenant of config.tenants) {
    if (tenant.panel) listed.push(...(await loadPlugin({ ...tenant.panel, tenant: tenant.id }, cwd)));
  }
  listed.push(...(await simulatorPlugins(config, logger, { syncOnBoot: options.syncOnBoot })));
  listed.push(...(options.extra ?? []));
  const hasWebchat = config.plugins.some((p) => p.use === WEBCHAT);
  const hasSupport = config.plugins.some((p) => p.use === SUPPORT);
  const hasBalancer = config.plugins.some((p) => p.use === BALANCER);
  const hasSendApi = config.plugins.some((p) => p.use === SEND_API);
  const hasWorkspaces = config.plugins.some((p) => p.use === WORKSPACES);
  // By name, not by config entry: an embedder may pass its own billing in `extra`.
  const hasBilling = listed.some((p) => p.name === BILLING);
  const secret = loadSecretKey(config.secretKey, dataDir);

  const botConfigs = new Map(config.tenants.map((t) => [t.id, t.botConfig ?? {}]));
  // With `redis`: BullMQ queues shared by every process (docs/deployment.md).
  const scaled = scaleOutParts(config, logger);
  const engine = createEngine({
    logger,
    role: config.role,
    concurrency: config.concurrency,
    tenants: config.tenants.map((t) => t.id),
    botConfig: (tenant) => botConfigs.get(tenant) ?? {},
    plugins: [
      storage,
      scaled.plugins,
      hasWebchat ? [] : webchat({ tenant: config.tenants[0]?.id ?? 'default' }),
      listed,
      // The full support workflow (verification, ownership, eligibility, dispatch, logs, admin commands),
      // unless the config lists it with its own options.
      hasSupport ? [] : support(),
      // Every reply and broadcast goes through the durable outbox and the phone balancer.
      hasBalancer ? [] : balancer(scaled.transport ? { transport: scaled.transport } : {}),
      // The send API (keys from `smmbot keys create`), customer-reply webhooks and auto-replies.
      hasSendApi ? [] : sendApi(),
      // Sign-up and sign-in (phone + OTP; the code is printed in this log until a WhatsApp number is
      // connected as the system channel), staff numbers, sessions for the REST API and the dashboard.
      hasWorkspaces ? [] : workspaces({ secretKey: secret.key, owners }),
      // Plans, subscriptions and invoices behind the Billing page and the master's plans; by default
      // one free plan with every module and medium and no limits, so nothing is refused that was not before.
      hasBilling ? [] : billing(defaultBillingOptions(config, tenantServices)),
      // Every workspace's own web chat at /w/<workspace>/chat.
      workspaceWebchat(),
      {
        name: '@smmbot/host:secrets',
        register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox(secret.key) }),
      },
    ],
  });
  composed = engine;
  // Panels a workspace connects from its settings (panel_url + panel_api_key), bound at runtime.
  engine.use(runtimePanels(engine));
  // The REST API of the dashboard (/api/v1: config, logs, providers, groups, templates, ...).
  if (!config.plugins.some((p) => p.use === '@smmbot/rest'))
    engine.use(rest({ containerFor: (t) => engine.forTenant(t) }));
  // The web dashboard at /app (sign-up, settings, logs, live inbox, balancer, ...).
  if (!config.plugins.some((p) => p.use === '@smmbot/dashboard'))
    engine.use(dashboard({ containerFor: (t) => engine.forTenant(t) }));
  logger.debug({ secretKey: secret.source }, 'secret key loaded');
  return engine;
}
