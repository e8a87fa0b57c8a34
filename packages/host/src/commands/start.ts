import { Host, stopOnSignals } from '../host.js';
import type { CliContext } from './context.js';

export async function startCommand(ctx: CliContext): Promise<number> {
  const { config, source } = await ctx.loadConfig();
  const host = new Host({ config, cwd: ctx.cwd, logger: ctx.logger(config.logLevel) });
  await host.start();
  stopOnSignals(host, config.shutdownTimeoutMs);
  host.logger.info({ config: source, url: host.url }, `smmbot is running: open ${host.url}/webchat`);
  ctx.print(
    `smmbot is running (${source}). Web chat: ${host.url}/webchat — dashboard: ${host.url}/app — Ctrl+C to stop.`,
  );
  return new Promise<number>(() => {}); // runs until a signal
}
