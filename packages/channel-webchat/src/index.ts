import { definePlugin, Tokens } from '@smmbot/core';
import { z } from 'zod';
import { WebchatChannel } from './channel.js';
import { webchatRoutes } from './routes.js';

export { WebchatChannel, type WebchatMessage } from './channel.js';
export { webchatRoutes } from './routes.js';

export const webchatOptions = z.object({
  /** Channel instance name, as it appears in logs and on messages. */
  name: z.string().min(1).default('webchat'),
  tenant: z.string().min(1).default('default'),
  /** Where the page and the JSON endpoint live. */
  path: z
    .string()
    .regex(/^\/[\w/-]*$/, 'a path like /webchat')
    .default('/webchat'),
});

/** The local web chat: a browser page, `POST <path>/messages`, and the channel the terminal chat uses. */
export const webchat = definePlugin({
  name: '@smmbot/channel-webchat',
  options: webchatOptions,
  setup: (options) => {
    let channel: WebchatChannel | undefined;
    const name = options.name === 'webchat' ? '@smmbot/channel-webchat' : `@smmbot/channel-webchat:${options.name}`;
    return {
      name,
      register(container) {
        channel = new WebchatChannel(options.name, options.tenant, container.resolve(Tokens.Clock));
        container.resolve(Tokens.Channels).add(channel);
        for (const route of webchatRoutes(channel, options.path, name)) container.resolve(Tokens.Http).add(route);
      },
      apply({ receive }) {
        channel!.connect(receive);
      },
    };
  },
});

/**
 * A web chat for every workspace, created at runtime too (signup): `/w/<tenant>/chat`. Each served
 * tenant gets its own channel, `webchat:<tenant>`, created on first use, so a new workspace can try
 * its bot from the browser without any set-up.
 */
export const workspaceWebchat = definePlugin({
  name: '@smmbot/channel-webchat:workspaces',
  options: z.object({}),
  setup: () => {
    const channels = new Map<string, WebchatChannel>();
    return {
      name: '@smmbot/channel-webchat:workspaces',
      apply({ container, receive, tenants }) {
        const registry = container.resolve(Tokens.Channels);
        const clock = container.resolve(Tokens.Clock);
        const channelOf = (params: Record<string, string>) => {
          const tenant = params.tenant ?? '';
          if (!tenants.includes(tenant)) return undefined;
          let channel = channels.get(tenant);
          if (!channel) {
            channel = new WebchatChannel(`webchat:${tenant}`, tenant, clock);
            channel.connect(receive);
            registry.add(channel);
            channels.set(tenant, channel);
          }
          return channel;
        };
        for (const route of webchatRoutes(channelOf, '/w/:tenant/chat', '@smmbot/channel-webchat:workspaces'))
          container.resolve(Tokens.Http).add(route);
      },
    };
  },
});

export default webchat;
