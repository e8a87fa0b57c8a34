import { startSimFromCli } from '@smmbot/panel-sim';
import type { CliContext } from './context.js';

/** `smmbot sim`: the panel simulator on its own, for trying adapters, curl and fault injection. */
export async function simCommand(ctx: CliContext, seed: string | undefined): Promise<number> {
  const port = ctx.flags.port === undefined ? 4010 : Number(ctx.flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    ctx.error(`--port: expected a port number 0-65535; found "${ctx.flags.port}"`);
    return 2;
  }
  await startSimFromCli({
    port,
    host: ctx.flags.host ?? '127.0.0.1',
    seed: seed === undefined ? 1 : Number(seed),
    print: ctx.print,
  });
  return 0;
}
