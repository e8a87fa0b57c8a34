import { ADMIN_BASE } from './admin-api.js';
import { createPanelSim, type PanelSim } from './server.js';
import type { PanelSimOptions } from './types.js';

export interface SimCliOptions extends Omit<PanelSimOptions, 'clock'> {
  /** Where the banner goes (default: console.log). */
  print?: (line: string) => void;
  /** Called once the sim listens (tests, hosts that want the handle). */
  onReady?: (sim: PanelSim) => void;
  /** Stops the sim when aborted, in addition to SIGINT/SIGTERM. */
  signal?: AbortSignal;
}

/**
 * Runs a sim on the system clock for `smmbot sim`: prints the URL and keys, serves until SIGINT or
 * SIGTERM (or `signal` aborts), then stops. Resolves once it has stopped.
 */
export async function startSimFromCli(options: SimCliOptions = {}): Promise<void> {
  const { print = (line: string) => console.log(line), onReady, signal, ...simOptions } = options;
  const sim = createPanelSim(simOptions);
  await sim.start();
  const url = sim.url;
  print(`smmbot panel sim listening on ${url}  (seed ${String(simOptions.seed ?? 1)})`);
  print(`  Admin API v2   ${url}${ADMIN_BASE}   header X-Api-Key: ${sim.adminKey}`);
  print(`  SMM API v2     ${url}/api/v2   key=${sim.apiKey}  (user "demo", orders 1001-1010)`);
  print(`  faults         curl -X POST ${url}/__sim/faults -d '{"route":"action:status","kind":"5xx","times":1}'`);
  print(`  state          curl ${url}/__sim/state`);
  print('Press Ctrl+C to stop.');
  onReady?.(sim);

  await new Promise<void>((resolve) => {
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (signal?.aborted) finish();
    else signal?.addEventListener('abort', finish, { once: true });
  });
  await sim.stop();
  print('panel sim stopped.');
}
