import { parseCommand } from '@smmbot/core';
import type { CliContext } from './context.js';

export async function parseCliCommand(ctx: CliContext, text: string | undefined): Promise<number> {
  if (text === undefined) {
    ctx.error('usage: smmbot parse "<text>"   e.g. smmbot parse "refill: #123, #124"');
    return 2;
  }
  ctx.print(JSON.stringify(parseCommand(text), null, 2));
  return 0;
}
