export { createStripeClient, describeStripeError } from './client.js';
export { type EventOutcome, HANDLED, StripeEvents } from './events.js';
export { invoiceStatus, periodEnd, PriceMap, subscriptionStatus } from './mapping.js';
export { type StripeOptions, stripeOptions } from './options.js';
export { billingStripe, PLUGIN_NAME } from './plugin.js';
export { StripeProvider } from './provider.js';
export { PROVIDER, StripeSync } from './sync.js';
export { WEBHOOK_PATH, webhookRoute } from './webhook.js';
export { billingStripe as default } from './plugin.js';
