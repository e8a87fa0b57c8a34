import { z } from 'zod';

export const stripeOptions = z.strictObject({
  /** The secret API key (`sk_live_...`, `sk_test_...` or a restricted `rk_...`); never logged. */
  apiKey: z.string().min(8),
  /** The webhook endpoint's signing secret (`whsec_...`); never logged. */
  webhookSecret: z.string().min(8),
  /** Where the API is: Stripe's, or a local fake for tests (`http://127.0.0.1:12111`). */
  apiBase: z.url().default('https://api.stripe.com'),
  /** Where Checkout sends the customer back. `{CHECKOUT_SESSION_ID}` is filled in by Stripe. */
  successUrl: z.url(),
  cancelUrl: z.url(),
  /** Where the customer portal's "return" link goes; default `successUrl`'s origin. */
  portalReturnUrl: z.url().optional(),
  /** Stripe price per plan id; a plan's `provider_refs.stripe` is used when absent here. */
  prices: z.record(z.string(), z.string().startsWith('price_')).default({}),
  /** How old a signed webhook may be, in seconds (Stripe's libraries default to 300). */
  toleranceSec: z.number().int().positive().max(3600).default(300),
  /** How plan changes are prorated (Stripe's `proration_behavior`). */
  prorationBehavior: z.enum(['create_prorations', 'none', 'always_invoice']).default('create_prorations'),
  timeoutMs: z.number().int().positive().default(20_000),
  /** Automatic retries of failed API calls (stripe-node adds idempotency keys to retried POSTs). */
  maxNetworkRetries: z.number().int().min(0).max(5).default(1),
  /** How long a processed event id is remembered (Stripe retries deliveries for up to 3 days). */
  eventTtlDays: z.number().int().positive().default(30),
  /** Code only: the fetch the client uses instead of node:http (tests, proxies). */
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function', { error: 'expected a fetch function' }).optional(),
});

export type StripeOptions = z.output<typeof stripeOptions>;
