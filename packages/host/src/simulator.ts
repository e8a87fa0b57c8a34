import type { BotPlugin, HostConfig, Logger } from '@smmbot/core';
import { perfectPanel } from '@smmbot/panel-perfectpanel';
import { createPanelSim, type PanelSim } from '@smmbot/panel-sim';

/**
 * The embedded default's panel: starts @smmbot/panel-sim on loopback and connects every tenant that
 * has no panel of its own to it through the real PerfectPanel adapter, so a newcomer can try every
 * command against orders that progress over time. The sim stops with the engine.
 */
export async function simulatorPlugins(config: HostConfig, logger: Logger): Promise<BotPlugin[]> {
  const tenants = config.tenants.filter((t) => !t.panel).map((t) => t.id);
  if (!config.simulator.enabled || tenants.length === 0) return [];
  const sim = createPanelSim({ host: '127.0.0.1', port: config.simulator.port, seed: config.simulator.seed });
  await sim.start();
  logger.info(
    { url: sim.url, tenants },
    'panel simulator running (embedded default): orders 1001-1010 belong to user "demo"',
  );
  const panels = tenants.flatMap((tenant) =>
    perfectPanel({ url: sim.url, adminKey: sim.adminKey, servicesApiKey: sim.apiKey, tenant }).map(
      (p): BotPlugin => ({ ...p, name: `${p.name}@${tenant}`, tenant }),
    ),
  );
  return [...panels, stopWithEngine(sim)];
}

function stopWithEngine(sim: PanelSim): BotPlugin {
  return {
    name: '@smmbot/host:simulator',
    apply: ({ hooks }) => hooks.shutdown.tap('stop-simulator', () => sim.stop()),
  };
}
