import type { BotPlugin, HostConfig, Logger } from '@smmbot/core';
import { perfectPanel } from '@smmbot/panel-perfectpanel';
import { createPanelSim, type PanelSim } from '@smmbot/panel-sim';
import { providers } from '@smmbot/providers';

/**
 * The embedded default's panel: starts @smmbot/panel-sim on loopback and connects every tenant that
 * has no panel of its own to it through the real PerfectPanel adapter, so a newcomer can try every
 * command against orders that progress over time. The sim stops with the engine.
 */
export async function simulatorPlugins(
  config: HostConfig,
  logger: Logger,
  options: { syncOnBoot?: boolean } = {},
): Promise<BotPlugin[]> {
  const tenants = config.tenants.filter((t) => !t.panel).map((t) => t.id);
  if (!config.simulator.enabled || tenants.length === 0) return [];
  const sim = createPanelSim({ host: '127.0.0.1', port: config.simulator.port, seed: config.simulator.seed });
  await sim.start();
  // The simulator stands in for the panel's own ticket inbox: show what lands there (the
  // verification code of the demo flow), on stdout and not in the bot's log.
  sim.state.onTicket((t) => {
    const last = t.messages.at(-1)?.message ?? '';
    process.stdout.write(`[panel simulator] ticket #${t.id} for "${t.user}": ${t.subject} — ${last}\n`);
  });
  logger.info(
    { url: sim.url, tenants },
    'panel simulator running (embedded default): orders 1001-1010 belong to user "demo"',
  );
  // A workspace created from the dashboard connects to it like to a real panel. The simulator's key
  // is a fixed demo value, not a secret, so it is printed (in the text: log fields named *key are redacted).
  logger.info(`panel simulator: connect a workspace with panel URL ${sim.url} and admin API key ${sim.adminKey}`);
  const panels = tenants.flatMap((tenant) =>
    perfectPanel({ url: sim.url, adminKey: sim.adminKey, servicesApiKey: sim.apiKey, tenant }).map(
      (p): BotPlugin => ({ ...p, name: `${p.name}@${tenant}`, tenant }),
    ),
  );
  // The simulator is also every such tenant's upstream provider (classic API), unless the config
  // sets providers up itself: `smmbot services <query>` then searches a real-looking catalog.
  const ownProviders = config.plugins.some((p) => p.use === '@smmbot/providers');
  const catalog = ownProviders
    ? []
    : providers({
        syncOnBoot: options.syncOnBoot ?? true,
        providers: tenants.map((tenant) => ({
          tenant,
          name: 'Simulator provider',
          url: `${sim.url}/api/v2`,
          key: sim.apiKey,
          aliases: ['smmprovider-a.example'],
        })),
      });
  return [...panels, ...catalog, stopWithEngine(sim)];
}

function stopWithEngine(sim: PanelSim): BotPlugin {
  return {
    name: '@smmbot/host:simulator',
    apply: ({ hooks }) => hooks.shutdown.tap('stop-simulator', () => sim.stop()),
  };
}
