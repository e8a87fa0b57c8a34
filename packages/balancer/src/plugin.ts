import { cachedFactory, ConfigError, definePlugin, Tokens } from '@smmbot/core';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { LocalBalancer } from './balancer.js';
import { balancerOptionsSchema, distributedSchema } from './config.js';
import type { OutboundTransport } from './distributed/transport.js';
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
  /**
   * Leased mode: how stored job ids reach the leader across processes (`BullOutboundTransport` from
   * `@smmbot/queue-bullmq`); default in-process. Code only.
   */
  transport: z
    .custom<OutboundTransport>((v) => typeof v === 'object' && v !== null && 'submit' in v && 'consume' in v, {
      error: 'expected an OutboundTransport',
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
  setup: ({ queue, transport, ...configured }) => {
    let warned = false;
    const create = cachedFactory((c: DependencyContainer) => {
      if (!c.isRegistered(Tokens.Store, true) || !c.isRegistered(Tokens.Kv, true)) {
        throw new ConfigError(`${PLUGIN_NAME} needs a storage plugin (jobs are stored before they are acknowledged)`);
      }
      const store = c.resolve(Tokens.Store);
      const logger = c.resolve(Tokens.Logger).child({ plugin: PLUGIN_NAME });
      // Scaled out (web/worker processes), the outbox runs leased even when not configured so, and a
      // `web` process never leads. The role is known from the engine's construction.
      const role = c.isRegistered(Tokens.Role, true) ? c.resolve(Tokens.Role) : 'all';
      let options = configured;
      if (role !== 'all') {
        const distributed = options.distributed ?? distributedSchema.parse({});
        options = { ...options, distributed: { ...distributed, leader: distributed.leader && role !== 'web' } };
        if (!transport && !warned) {
          warned = true;
          logger.warn(
            { role },
            'balancer: no outbound transport across processes; the leader finds jobs stored elsewhere by its rescan only (pollMs)',
          );
        }
      }
      return new LocalBalancer({
        options,
        queue: queue ?? new StoreSendQueue(store),
        kv: c.resolve(Tokens.Kv),
        store,
        clock: c.resolve(Tokens.Clock),
        logger,
        channels: c.resolve(Tokens.Channels),
        ...(transport ? { transport } : {}),
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
          const retain = configured.retainMs;
          for (const tenant of ctx.tenants) await b.prune(tenant, retain);
        });
      },
    };
  },
});
