import {
  type Clock,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  httpError,
  type KeyValueStore,
  type Logger,
  SYSTEM_TENANT,
} from '@smmbot/core';
import Stripe from 'stripe';
import { z } from 'zod';
import type { EventOutcome, StripeEvents } from './events.js';
import type { StripeOptions } from './options.js';

export const WEBHOOK_PATH = '/api/v1/billing/stripe/webhook';

export interface WebhookDeps {
  plugin: string;
  stripe: Stripe;
  events: StripeEvents;
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  options: StripeOptions;
}

function signatureHeader(req: HttpRequest): string | undefined {
  const v = req.headers['stripe-signature'];
  return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
}

const answer = z.object({
  received: z.literal(true),
  duplicate: z.boolean(),
  outcome: z.enum(['applied', 'ignored', 'unknown_workspace', 'stale']).nullable(),
});

/**
 * `POST /api/v1/billing/stripe/webhook` (public: Stripe signs it). The `Stripe-Signature` header
 * (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, several `v1` allowed) is checked
 * over the exact raw body with the endpoint secret, and `t` must be at most `toleranceSec` old on
 * the engine's clock: anything else is a 400 and nothing is processed. Each event id is claimed
 * once (installation-wide), so a redelivered event is acknowledged without being applied again; a
 * failure releases the claim and answers 500, so Stripe retries.
 */
export function webhookRoute(deps: WebhookDeps): HttpRoute {
  const { stripe, events, kv, clock, logger, options } = deps;
  const ttl = options.eventTtlDays * 86_400_000;
  return {
    method: 'POST',
    path: WEBHOOK_PATH,
    plugin: deps.plugin,
    auth: { kind: 'public' },
    schema: {
      summary: 'Stripe webhook (signed with Stripe-Signature over the raw body)',
      tags: ['billing'],
      body: z.looseObject({ id: z.string(), type: z.string() }),
      response: { 200: answer },
    },
    async handler(req): Promise<HttpResponse> {
      const header = signatureHeader(req);
      if (!header || req.rawBody === undefined) {
        logger.warn('Stripe webhook without a signature or raw body refused');
        return httpError(400, 'E_SIGNATURE', 'missing Stripe-Signature header');
      }
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          req.rawBody,
          header,
          options.webhookSecret,
          options.toleranceSec,
          undefined,
          clock.now(),
        );
      } catch (err) {
        const reason = err instanceof Stripe.errors.StripeSignatureVerificationError ? err.message : 'unreadable event';
        logger.warn({ reason }, 'Stripe webhook signature refused');
        return httpError(400, 'E_SIGNATURE', 'invalid Stripe-Signature');
      }
      const key = `billing:stripe:event:${event.id}`;
      if (!(await kv.setIfAbsent(SYSTEM_TENANT, key, 'processing', ttl))) {
        logger.info({ event: event.id, type: event.type }, 'Stripe event already received');
        return { body: { received: true, duplicate: true, outcome: null } };
      }
      let outcome: EventOutcome;
      try {
        outcome = await events.apply(event);
      } catch (err) {
        await kv.delete(SYSTEM_TENANT, key).catch(() => undefined);
        logger.error(
          { event: event.id, type: event.type, error: err instanceof Error ? err.name : 'unknown' },
          'Stripe event failed; Stripe will retry',
        );
        return httpError(500, 'E_INTERNAL', 'the event could not be processed; retry later');
      }
      await kv.set(SYSTEM_TENANT, key, 'done', ttl);
      logger.info({ event: event.id, type: event.type, outcome }, 'Stripe event handled');
      return { body: { received: true, duplicate: false, outcome } };
    },
  };
}
