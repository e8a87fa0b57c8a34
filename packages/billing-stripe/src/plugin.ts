import { BillingProviderToken, BillingToken, PLUGIN_NAME as BILLING } from '@smmbot/billing';
import { definePlugin, Tokens } from '@smmbot/core';
import type { DependencyContainer } from 'tsyringe';
import { createStripeClient } from './client.js';
import { StripeEvents } from './events.js';
import { PriceMap } from './mapping.js';
import { stripeOptions } from './options.js';
import { StripeProvider } from './provider.js';
import { StripeSync } from './sync.js';
import { webhookRoute } from './webhook.js';

export const PLUGIN_NAME = '@smmbot/billing-stripe';

/**
 * Stripe as `@smmbot/billing`'s provider: registers `BillingProviderToken` (checkout, plan change,
 * portal, invoices) and mounts the signed webhook. Needs `@smmbot/billing`.
 */
export const billingStripe = definePlugin({
  name: PLUGIN_NAME,
  options: stripeOptions,
  setup: (options) => {
    let built: ReturnType<typeof build> | undefined;
    const build = (c: DependencyContainer) => {
      const stripe = createStripeClient(options);
      const logger = c.resolve(Tokens.Logger).child({ plugin: PLUGIN_NAME });
      const kv = c.resolve(Tokens.Kv);
      const clock = c.resolve(Tokens.Clock);
      const billing = () => c.resolve(BillingToken);
      const prices = new PriceMap(billing, options);
      const sync = new StripeSync({ billing, kv, prices, logger });
      const provider = new StripeProvider({ stripe, options, prices, sync, clock, logger });
      const events = new StripeEvents({ stripe, sync, logger });
      return { stripe, logger, kv, clock, provider, events };
    };
    const get = (c: DependencyContainer) => {
      built ??= build(c);
      return built;
    };
    return {
      name: PLUGIN_NAME,
      dependsOn: [BILLING],
      register(container) {
        container.register(BillingProviderToken, { useFactory: () => get(container).provider });
      },
      apply({ container }) {
        const { stripe, events, kv, clock, logger } = get(container);
        container
          .resolve(Tokens.Http)
          .add(webhookRoute({ plugin: PLUGIN_NAME, stripe, events, kv, clock, logger, options }));
      },
    };
  },
});

export default billingStripe;
