import { createHash } from 'node:crypto';
import { definePlugin, Tokens } from '@smmbot/core';
import { z } from 'zod';
import { TelegramChannel } from './channel.js';
import { telegramWebhookRoute } from './routes.js';

export { mapError, TelegramChannel, type TelegramChannelOptions } from './channel.js';
export { escapeHtml, toTelegramHtml } from './format.js';
export { normalizeUpdate, type TgUpdate } from './normalize.js';
export { telegramWebhookRoute } from './routes.js';

export const telegramOptions = z
  .object({
    /** Bot token from @BotFather. */
    token: z.string().min(1),
    /** Channel instance name, as it appears on messages and identities. */
    name: z.string().min(1).default('telegram'),
    tenant: z.string().min(1).default('default'),
    /** Default: `webhook` when `publicUrl` is set, else `polling`. */
    mode: z.enum(['webhook', 'polling']).optional(),
    /** Default: `/webhooks/telegram/<secret>`, the secret derived from the token. */
    webhookPath: z
      .string()
      .regex(/^\/[\w/-]*$/, 'a path like /webhooks/telegram/abc')
      .optional(),
    /** Sent by Telegram as `X-Telegram-Bot-Api-Secret-Token`; requests without it get 401. */
    secretToken: z
      .string()
      .regex(/^[\w-]{1,256}$/, '1-256 characters A-Z, a-z, 0-9, _ and -')
      .optional(),
    /** Bot API root (an emulator, a local Bot API server). */
    apiRoot: z.url().optional(),
    /** The public https origin Telegram posts to; with it `start()` calls setWebhook. */
    publicUrl: z.url().optional(),
  })
  .transform((o) => ({
    ...o,
    mode: o.mode ?? (o.publicUrl ? ('webhook' as const) : ('polling' as const)),
    webhookPath:
      o.webhookPath ??
      `/webhooks/telegram/${createHash('sha256').update(`smmbot-telegram:${o.token}`).digest('hex').slice(0, 32)}`,
  }));

/** A Telegram bot (telegraf): webhook route under `Tokens.Http`, or long polling. */
export const telegram = definePlugin({
  name: '@smmbot/channel-telegram',
  options: telegramOptions,
  setup: (options) => {
    let channel: TelegramChannel | undefined;
    const name = options.name === 'telegram' ? '@smmbot/channel-telegram' : `@smmbot/channel-telegram:${options.name}`;
    return {
      name,
      register(container) {
        channel = new TelegramChannel({
          name: options.name,
          tenantId: options.tenant,
          token: options.token,
          mode: options.mode,
          clock: container.resolve(Tokens.Clock),
          ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
          ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
          webhookPath: options.webhookPath,
          ...(options.secretToken ? { secretToken: options.secretToken } : {}),
        });
        container.resolve(Tokens.Channels).add(channel);
        if (options.mode === 'webhook') {
          container
            .resolve(Tokens.Http)
            .add(telegramWebhookRoute(channel, options.webhookPath, name, options.secretToken));
        }
      },
      apply({ receive, accept, logger }) {
        channel!.connect(receive, logger, accept);
      },
    };
  },
});

export default telegram;
