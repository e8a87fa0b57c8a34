import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { WebchatChannel } from '@smmbot/channel-webchat';
import { createLogger } from '@smmbot/core';
import { composeEngine } from '../compose.js';
import type { CliContext } from './context.js';

/**
 * `smmbot chat`: talk to the bot in the terminal, through the same engine, storage and plugins as
 * `smmbot start` (the web chat channel carries the messages). Logs go to a file-less sink at warn
 * level so the conversation stays readable. Works with piped input too: one message per line.
 */
export async function chatCommand(ctx: CliContext): Promise<number> {
  const { config } = await ctx.loadConfig();
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => process.stderr.write(line) } });
  const engine = await composeEngine(config, { cwd: ctx.cwd, logger });
  await engine.start();
  const channel = engine.channels.all().find((c): c is WebchatChannel => c instanceof WebchatChannel);
  if (!channel) {
    ctx.error('no web chat channel is configured, so there is nothing to chat through');
    await engine.stop();
    return 1;
  }
  const chatId = `terminal-${randomUUID().slice(0, 8)}`;
  const interactive = Boolean(process.stdin.isTTY);
  if (interactive) ctx.print('smmbot terminal chat. Try "help" or "order 1001". Ctrl+D to quit.');
  const rl = createInterface({
    input: process.stdin,
    output: interactive ? process.stdout : undefined,
    prompt: 'you> ',
  });
  if (interactive) rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text) {
      const result = await channel.ask({ chatId, senderId: chatId, text });
      for (const reply of result.replies) ctx.print(`bot> ${reply.text.replace(/\n/g, '\n     ')}`);
      if (result.replies.length === 0) ctx.print(`bot> (no reply: ${result.reason ?? result.status})`);
    }
    if (interactive) rl.prompt();
  }
  await engine.stop();
  return 0;
}
