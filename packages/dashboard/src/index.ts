import { definePlugin, Tokens } from '@smmbot/core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { z } from 'zod';
import { loadAssets } from './assets.js';
import { InboxBuffer, inboxMessageOf } from './inbox.js';
import { replyRoute, StaffReplies } from './reply.js';
import { inboxRoutes, qrRoute, staticRoutes } from './routes.js';

export { loadAssets, PUBLIC_DIR, renderIndex, scriptSafeJson } from './assets.js';
export {
  type Conversation,
  InboxBuffer,
  type InboxMessage,
  inboxMessageOf,
  redactSecrets,
  type StaffAuthor,
} from './inbox.js';
export { conversationSchema, inboxMessageSchema, replyBody, replyResponse } from './inbox-schema.js';
export { type DashboardPage, PAGES, bootData } from './pages.js';
export { type ReplyInput, ReplyRefused, replyRoute, StaffReplies, type StaffRepliesDeps } from './reply.js';
export { inboxRoutes, qrRoute, STREAM_DEFAULTS, staticRoutes } from './routes.js';
export { type EventStreamOptions, eventStream, sseEvent } from './sse.js';

export const PLUGIN_NAME = '@smmbot/dashboard';
/** The chat inbox's buffer and live listeners (for plugins that add to the inbox, and tests). */
export const InboxToken = Symbol('smmbot.dashboard.Inbox') as InjectionToken<InboxBuffer>;

export const dashboardOptions = z.object({
  /** Where the app is served: `GET <path>` and its client-side routes `<path>/*`. */
  path: z
    .string()
    .regex(/^\/[\w-]+$/, 'a path like /app')
    .default('/app'),
  /** Settled turns the chat inbox keeps in memory per workspace. */
  inboxSize: z.number().int().min(10).max(10_000).default(500),
  /**
   * The workspace's container (`(tenant) => engine.forTenant(tenant)`): staff replies from the inbox go
   * through its outbox. Without it the root container's (the one the engine's own replies use). Code only.
   */
  containerFor: z
    .custom<(tenant: string) => DependencyContainer>((v) => typeof v === 'function', {
      error: 'expected a function (tenant) => container',
    })
    .optional(),
});

/**
 * The web dashboard: the app's page and files (plain ES modules, no build step), the QR renderer for
 * WhatsApp logins, and the chat inbox (recent conversations, live server-sent events fed by the
 * engine's `settled` hook, and staff replies). Every other page calls the workspaces, REST and billing APIs.
 */
export const dashboard = definePlugin({
  name: PLUGIN_NAME,
  options: dashboardOptions,
  setup: (options) => {
    const inbox = new InboxBuffer(options.inboxSize);
    return {
      name: PLUGIN_NAME,
      register(container) {
        container.register(InboxToken, { useValue: inbox });
        const http = container.resolve(Tokens.Http);
        const logger = container.resolve(Tokens.Logger).child({ plugin: PLUGIN_NAME });
        const replies = new StaffReplies({
          inbox,
          containerFor: options.containerFor ?? (() => container),
          clock: container.resolve(Tokens.Clock),
          logger,
        });
        const routes = [
          ...staticRoutes(loadAssets(), options.path, PLUGIN_NAME),
          qrRoute(options.path, PLUGIN_NAME),
          ...inboxRoutes(inbox, PLUGIN_NAME),
          replyRoute(replies, logger, PLUGIN_NAME),
        ];
        for (const route of routes) http.add(route);
      },
      apply({ hooks }) {
        hooks.settled.tap('inbox', (turn, result) => {
          inbox.push(turn.tenantId, inboxMessageOf(turn, result));
        });
        hooks.shutdown.tap('close-streams', () => inbox.close());
      },
    };
  },
});

export default dashboard;
