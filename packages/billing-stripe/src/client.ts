import { BillingError, safeMessage } from '@smmbot/billing';
import Stripe from 'stripe';
import type { StripeOptions } from './options.js';

/**
 * The official client, pointed at `apiBase` (host, port and protocol are stripe-node options, so a
 * local fake server works) or given a fetch. No telemetry headers.
 */
export function createStripeClient(options: StripeOptions): Stripe {
  const url = new URL(options.apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(options.apiKey, {
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
    timeout: options.timeoutMs,
    maxNetworkRetries: options.maxNetworkRetries,
    telemetry: false,
    appInfo: { name: 'smmbot-billing-stripe' },
    ...(options.fetch ? { httpClient: Stripe.createFetchHttpClient(options.fetch) } : {}),
  });
}

/** What may be logged about a failed Stripe call: its kind, code, status and request id, never the request. */
export function describeStripeError(err: unknown): Record<string, unknown> {
  if (err instanceof Stripe.errors.StripeError) {
    return {
      type: err.type,
      code: err.code,
      status: err.statusCode,
      requestId: err.requestId,
      message: safeMessage(err.message),
    };
  }
  return { message: safeMessage(err instanceof Error ? err.message : String(err)) };
}

/** A failed Stripe call, as the routes answer it: 502 with Stripe's (masked) reason. */
export function providerError(err: unknown): BillingError {
  const why = describeStripeError(err).message as string;
  return new BillingError(502, 'E_PROVIDER', `Stripe did not accept the request: ${why}`);
}
