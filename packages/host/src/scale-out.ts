import type { HostConfig, Logger, PluginInput } from '@smmbot/core';
import { BullOutboundTransport, scaleOut } from '@smmbot/queue-bullmq';

/** What a config with `redis` adds: the BullMQ queues and the outbox's transport to its leader. */
export interface ScaleOutParts {
  plugins: PluginInput[];
  /** Passed to the balancer: send jobs stored by any process reach the one that leads the outbox. */
  transport?: BullOutboundTransport;
}

/**
 * With `redis` in the config, webhooks, turns, scheduled jobs and the outbox are shared through
 * BullMQ by every process of the deployment (roles `web`, `worker`, or `all`); without it, nothing
 * changes: one process does everything in memory queues backed by the store.
 */
export function scaleOutParts(config: HostConfig, logger: Logger): ScaleOutParts {
  if (!config.redis) return { plugins: [] };
  // BullMQ keys get their own prefix, apart from @smmbot/storage-redis's `<prefix>:` keys.
  const prefix = `${config.redis.prefix}-bull`;
  const transport = new BullOutboundTransport({
    connection: config.redis.url,
    prefix,
    logger: logger.child({ plugin: '@smmbot/queue-bullmq:outbound' }),
  });
  const plugin = scaleOut({
    redis: { url: config.redis.url },
    role: config.role,
    prefix,
    inbound: { concurrency: config.redis.concurrency },
  });
  return { plugins: [plugin], transport };
}
