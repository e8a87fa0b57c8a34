import { rulesJson } from '@smmbot/core';
import type { CliContext } from './context.js';

/** `smmbot rules "<service name>"`: the refill window, auto-refill, start time and speed read from a name. */
export async function rulesCommand(ctx: CliContext, name: string | undefined): Promise<number> {
  if (!name) {
    ctx.error(
      'usage: smmbot rules "<service name>"   e.g. smmbot rules "Instagram Followers [Refill: 30D] [Start: 0-1 Hour]"',
    );
    return 2;
  }
  ctx.print(rulesJson(name));
  return 0;
}
