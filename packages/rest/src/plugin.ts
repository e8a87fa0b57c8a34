import { definePlugin, Tokens } from '@smmbot/core';
import { z } from 'zod';
import { type RuntimeChannelOptions, RuntimeChannels, RuntimeChannelsToken } from './channels-connect.js';
import { channelConnectRoutes } from './channels-connect-routes.js';
import { channelWebhookRoutes } from './channels-webhook-routes.js';
import { PLUGIN_NAME } from './http.js';
import { restRoutes } from './routes.js';
import { type ContainerFor, Scope } from './scope.js';

export const restOptions = z.strictObject({
  /**
   * The tenant's container (`(tenant) => engine.forTenant(tenant)`), where per-tenant panels are
   * registered: the panel check, manual verification and escalations use the workspace's own panel.
   * Without it the root container is used (a panel registered for every tenant). Code only.
   */
  containerFor: z
    .custom<ContainerFor>((v) => typeof v === 'function', { error: 'expected a function (tenant) => container' })
    .optional(),
  /**
   * Channels connected from the dashboard (`POST /api/v1/channels`): the Telegram Bot API root, a
   * Baileys socket factory (tests), shared Baileys settings, which Graph / Green API hosts an owner
   * may name. Code only.
   */
  runtimeChannels: z.custom<RuntimeChannelOptions>((v) => typeof v === 'object' && v !== null).optional(),
});

/**
 * The dashboard's REST API under `/api/v1`: bot config, message logs, providers and service search,
 * groups, templates, customers, marketing messages, balancer and channels. Every route is a session
 * route with a permission from core's table; the workspace comes from the session, never from input.
 * Services are resolved per request, so plugins registered after this one are found.
 */
export const rest = definePlugin({
  name: PLUGIN_NAME,
  options: restOptions,
  setup: ({ containerFor, runtimeChannels }) => ({
    name: PLUGIN_NAME,
    apply({ container, logger, tenants, clock, receive, accept, hooks }) {
      const scope = new Scope(container, logger, tenants, containerFor);
      const http = container.resolve(Tokens.Http);
      for (const route of restRoutes(scope)) http.add(route);
      const runtime = new RuntimeChannels({
        container,
        logger,
        clock,
        receive,
        accept,
        options: runtimeChannels ?? {},
      });
      container.register(RuntimeChannelsToken, { useValue: runtime });
      for (const route of channelConnectRoutes(runtime)) http.add(route);
      // Fixed now, while routes can still be added: runtime webhook channels are found per request.
      for (const route of channelWebhookRoutes(runtime)) http.add(route);
      hooks.boot.tap('runtime-channels', async () => {
        await runtime.restore(tenants);
      });
      hooks.tenantAdded.tap('runtime-channels', async (tenant) => {
        await runtime.restore([tenant], true);
      });
    },
  }),
});
