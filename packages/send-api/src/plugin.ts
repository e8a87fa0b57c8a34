import { ConfigError, definePlugin, Stage, Tokens } from '@smmbot/core';
import type { InjectionToken } from 'tsyringe';
import { ApiKeyService } from './api-keys.js';
import { AutoReplyService } from './auto-reply.js';
import { BalancerToken } from '@smmbot/balancer';
import { sendApiOptions } from './options.js';
import { monitorRoutes } from './monitor-routes.js';
import { apiRoutes } from './routes.js';
import { WebhookDeliveries } from './webhook.js';

export const PLUGIN_NAME = '@smmbot/send-api';

/** Company API keys (create, list, revoke); resolve it after `engine.start()`. */
export const ApiKeyServiceToken = Symbol('smmbot.sendApi.ApiKeys') as InjectionToken<ApiKeyService>;
/** Company auto-reply rules (add, list, remove). */
export const AutoReplyServiceToken = Symbol('smmbot.sendApi.AutoReplies') as InjectionToken<AutoReplyService>;
/** The outgoing webhook's deliveries (failed ones, idle). */
export const WebhookDeliveriesToken = Symbol('smmbot.sendApi.Webhooks') as InjectionToken<WebhookDeliveries>;

/**
 * The WhatsApp sending API for companies (tenants): `POST /api/v1/send-message` and
 * `GET /api/v1/messages/:id` behind per-company API keys, queued through `@smmbot/balancer`;
 * customer replies forwarded to the company's webhook; auto-reply rules for free text.
 */
export const sendApi = definePlugin({
  name: PLUGIN_NAME,
  options: sendApiOptions,
  setup: (options) => ({
    name: PLUGIN_NAME,
    apply({ hooks, container, clock, logger, tenants: served }) {
      const store = container.resolve(Tokens.Store);
      const declared = [options.keys, options.templates, options.webhooks, options.autoReplies].flatMap(Object.keys);
      for (const tenant of new Set(declared)) {
        if (!served.includes(tenant)) logger.warn({ tenant }, 'options name a tenant this engine does not serve');
      }
      const tenants = [...new Set([...served, ...declared])];

      const keys = new ApiKeyService({ store, clock, configured: options.keys, tenants });
      const autoReplies = new AutoReplyService({
        store,
        clock,
        configured: options.autoReplies,
        global: options.globalAutoReplies,
      });
      const webhooks = new WebhookDeliveries({
        store,
        clock,
        logger,
        targetFor: (tenant) => options.webhooks[tenant] ?? options.webhook,
        fetch: options.fetch ?? globalThis.fetch,
        timeoutMs: options.webhookTimeoutMs,
        retry: options.webhookRetry,
      });
      container.register(ApiKeyServiceToken, { useValue: keys });
      container.register(AutoReplyServiceToken, { useValue: autoReplies });
      container.register(WebhookDeliveriesToken, { useValue: webhooks });

      const http = container.resolve(Tokens.Http);
      const routes = apiRoutes({
        plugin: PLUGIN_NAME,
        keys,
        balancer: () => container.resolve(BalancerToken),
        channels: container.resolve(Tokens.Channels),
        templates: options.templates,
        clock,
        logger,
        numberCheckTimeoutMs: options.numberCheckTimeoutMs,
      });
      const monitor = monitorRoutes({ plugin: PLUGIN_NAME, keys, balancer: () => container.resolve(BalancerToken) });
      for (const route of [...routes, ...monitor]) http.add(route);

      hooks.boot.tap('require-balancer', () => {
        if (!container.isRegistered(BalancerToken, true)) {
          throw new ConfigError(`${PLUGIN_NAME} queues messages through the balancer: add @smmbot/balancer`);
        }
      });
      hooks.boot.tap('resume-webhooks', async () => {
        const pending = await webhooks.resume(tenants);
        if (pending > 0) logger.warn({ pending }, 'resuming webhook deliveries left by the last run');
      });
      hooks.shutdown.tap('stop-webhooks', () => webhooks.stop());

      // GUARD: the message as the channel delivered it, recorded before anything else can fail the turn.
      hooks.inbound.tap(
        'forward-replies',
        async (message) => {
          if (message.chat.kind !== 'private') return message;
          try {
            await webhooks.enqueue(message);
          } catch (err) {
            logger.error({ err, tenant: message.tenantId, msgId: message.id }, 'could not store the webhook delivery');
          }
          return message;
        },
        { stage: Stage.GUARD },
      );

      // DEFAULT on `unknown`: after command handlers had their chance, before support's AI answer
      // (POST) and its "not understood" fallback (FALLBACK).
      hooks.command.for('unknown').tap(
        'auto-reply',
        async (turn, command) => {
          if (command.id !== 'unknown' || turn.message.chat.kind !== 'private') return undefined;
          const rule = await autoReplies.match(turn.tenantId, turn.message.text);
          if (!rule) return undefined;
          turn.log.info({ source: rule.source, rule: rule.id ?? rule.pattern }, 'auto-reply matched');
          return { reason: 'auto_reply', replies: [{ text: rule.reply, template: 'auto_reply' }] };
        },
        { stage: Stage.DEFAULT },
      );
    },
  }),
});
