import { definePlugin, Tokens } from '@smmbot/core';
import { z } from 'zod';
import { GreenApiChannel } from './channel.js';

export { GreenApiChannel, type GreenApiChannelOptions, greenMessageId } from './channel.js';
export * from './payload.js';
export { GreenRest, type GreenRestOptions, retryAfterMs } from './rest.js';
export { deliveryOfStatus, linkOfState } from './signals.js';

export const greenApiOptions = z.object({
  /** Channel instance name, as it appears in logs and on messages. */
  name: z.string().min(1).default('greenapi'),
  tenant: z.string().min(1).default('default'),
  /** The instance id from the Green API console. */
  idInstance: z
    .union([z.string().regex(/^\d+$/, 'the numeric instance id'), z.number().int().positive()])
    .transform(String),
  /** The instance's API token (part of every REST URL; never logged). */
  apiTokenInstance: z.string().min(1),
  /** API host of the instance (the console shows it, e.g. https://7103.api.greenapi.com). */
  apiUrl: z.url().default('https://api.green-api.com'),
  /** The instance's `webhookUrlToken`: webhooks without `Authorization: Bearer <token>` get 401. */
  webhookToken: z.string().min(8),
  /** Where Green API calls us. */
  webhookPath: z
    .string()
    .regex(/^\/[\w/-]*$/, 'a path like /webhooks/greenapi')
    .default('/webhooks/greenapi'),
  /** Timeout of one REST request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** How long a `checkNumber` (`checkWhatsapp`) answer is cached, "has WhatsApp" and "has not" alike. */
  checkNumberCacheMs: z
    .number()
    .int()
    .nonnegative()
    .default(24 * 60 * 60_000),
  /** Ask `getStateInstance` on start, so `link()` is right before the first `stateInstanceChanged` webhook. */
  checkStateOnStart: z.boolean().default(true),
});

/** Green API: webhooks in (messages, instance state, delivery statuses), `sendMessage` REST out. DMs and groups. */
export const greenApi = definePlugin({
  name: '@smmbot/channel-greenapi',
  options: greenApiOptions,
  setup: (options) => {
    let channel: GreenApiChannel | undefined;
    const name = options.name === 'greenapi' ? '@smmbot/channel-greenapi' : `@smmbot/channel-greenapi:${options.name}`;
    return {
      name,
      register(container) {
        const logger = container.resolve(Tokens.Logger).child({ plugin: name });
        channel = new GreenApiChannel(options, logger, container.resolve(Tokens.Clock));
        container.resolve(Tokens.Channels).add(channel);
        for (const route of channel.routes(name)) container.resolve(Tokens.Http).add(route);
      },
      apply({ receive, accept }) {
        channel!.connect(receive, accept);
      },
    };
  },
});

export default greenApi;
