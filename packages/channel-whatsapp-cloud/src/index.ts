import { definePlugin, Tokens } from '@smmbot/core';
import { z } from 'zod';
import { CloudApiChannel } from './channel.js';

export { CloudApiChannel, type CloudApiChannelOptions, retryAfterMs, signCloudPayload } from './channel.js';
export * from './payload.js';

export const whatsappCloudOptions = z.object({
  /** Channel instance name, as it appears in logs and on messages. */
  name: z.string().min(1).default('whatsapp-cloud'),
  tenant: z.string().min(1).default('default'),
  /** The business phone number's id in Meta's WhatsApp Manager (not the phone number itself). */
  phoneNumberId: z.string().regex(/^\d+$/, 'the numeric phone number id'),
  /** System-user access token with `whatsapp_business_messaging`. Never logged. */
  accessToken: z.string().min(1),
  /** The Meta app's App Secret: webhook signatures (`X-Hub-Signature-256`) are checked with it. */
  appSecret: z.string().min(1),
  /** The token typed into the webhook settings; Meta echoes it in the verification GET. */
  verifyToken: z.string().min(1),
  /** Graph API base, versioned. Point it at a fake for tests. */
  graphBaseUrl: z.url().default('https://graph.facebook.com/v21.0'),
  /** Where Meta calls us (GET verification, POST events). */
  webhookPath: z
    .string()
    .regex(/^\/[\w/-]*$/, 'a path like /webhooks/whatsapp-cloud')
    .default('/webhooks/whatsapp-cloud'),
  /** Accept Groups API messages (Official Business Accounts only); off: group messages are ignored. */
  groups: z.boolean().default(false),
  /** Timeout of one Graph API request. */
  timeoutMs: z.number().int().positive().default(15_000),
});

/** WhatsApp Business Cloud API (Meta): signed webhook in, Graph API `messages` out. Direct messages only. */
export const whatsappCloud = definePlugin({
  name: '@smmbot/channel-whatsapp-cloud',
  options: whatsappCloudOptions,
  setup: (options) => {
    let channel: CloudApiChannel | undefined;
    const name =
      options.name === 'whatsapp-cloud'
        ? '@smmbot/channel-whatsapp-cloud'
        : `@smmbot/channel-whatsapp-cloud:${options.name}`;
    return {
      name,
      register(container) {
        const logger = container.resolve(Tokens.Logger).child({ plugin: name });
        channel = new CloudApiChannel(options, logger, container.resolve(Tokens.Clock));
        container.resolve(Tokens.Channels).add(channel);
        for (const route of channel.routes(name)) container.resolve(Tokens.Http).add(route);
      },
      apply({ receive, accept }) {
        channel!.connect(receive, accept);
      },
    };
  },
});

export default whatsappCloud;
