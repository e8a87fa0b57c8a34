import { cachedFactory, ConfigError, definePlugin, Tokens } from '@smmbot/core';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { LocalBalancer } from './balancer.js';
import { balancerOptionsSchema } from './config.js';
import { StoreSendQueue } from './queue/store-queue.js';
import type { SendQueue } from './queue/types.js';
import { BalancerToken } from './types.js';

export const PLUGIN_NAME = '@smmbot/balancer';

export const balancerPluginOptions = balancerOptionsSchema.extend({
  /** Where jobs live; default: the engine's RecordStore (durable). Code only. */
  queue: z
    .custom<SendQueue>((v) => typeof v === 'object' && v !== null && 'add' in v && 'unfinished' in v, {
      error: 'expected a SendQueue',
    })
    .optional(),
});

/**
 * Registers the balancer as the engine's outbox (`Tokens.Outbox`) and as `BalancerToken`. At boot
 * it recovers every tenant's unfinished jobs and attaches the tenants' anti-ban channels; at
 * shutdown the engine drains it (platform calls in flight finish, the rest stays stored).
 */
export const balancer = definePlugin({
  name: PLUGIN_NAME,
  options: balancerPluginOptions,
  setup: ({ queue, ...options }) => {
    const create = cachedFactory((c: DependencyContainer) => {
      if (!c.isRegistered(Tokens.Store, true) || !c.isRegistered(Tokens.Kv, true)) {
        throw new ConfigError(`${PLUGIN_NAME} needs a storage plugin (jobs are stored before they are acknowledged)`);
      }
      const store = c.resolve(Tokens.Store);
      return new LocalBalancer({
        options,
        queue: queue ?? new StoreSendQueue(store),
        kv: c.resolve(Tokens.Kv),
        store,
        clock: c.resolve(Tokens.Clock),
        logger: c.resolve(Tokens.Logger).child({ plugin: PLUGIN_NAME }),
        channels: c.resolve(Tokens.Channels),
      });
    });
    return {
      name: PLUGIN_NAME,
      register(container) {
        container.register(Tokens.Outbox, { useFactory: create });
        container.register(BalancerToken, { useFactory: create });
      },
      apply(ctx) {
        ctx.hooks.boot.tap('recover', async () => {
          const b = create(ctx.container);
          await b.start(ctx.tenants);
          const retain = options.retainMs;
          for (const tenant of ctx.tenants) await b.prune(tenant, retain);
        });
      },
    };
  },
});
