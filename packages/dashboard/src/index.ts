import { definePlugin, Tokens } from '@smmbot/core';
import type { InjectionToken } from 'tsyringe';
import { z } from 'zod';
import { loadAssets } from './assets.js';
import { InboxBuffer, inboxMessageOf } from './inbox.js';
import { inboxRoutes, qrRoute, staticRoutes } from './routes.js';

export { loadAssets, PUBLIC_DIR, renderIndex, scriptSafeJson } from './assets.js';
export { type Conversation, InboxBuffer, type InboxMessage, inboxMessageOf, redactSecrets } from './inbox.js';
export { type DashboardPage, PAGES, bootData } from './pages.js';
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
});

/**
 * The web dashboard: the app's page and files (plain ES modules, no build step), the QR renderer for
 * WhatsApp logins, and the chat inbox (recent conversations, and live server-sent events fed by the
 * engine's `settled` hook). Every other page calls the workspaces, REST and billing APIs.
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
        const routes = [
          ...staticRoutes(loadAssets(), options.path, PLUGIN_NAME),
          qrRoute(options.path, PLUGIN_NAME),
          ...inboxRoutes(inbox, PLUGIN_NAME),
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
