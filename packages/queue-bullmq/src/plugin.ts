import { cachedFactory, ConfigError, definePlugin, Tokens } from '@smmbot/core';
import { z } from 'zod';
import { RedisConnectionFactory } from './connection.js';
import { BullInboundQueue } from './inbound-queue.js';
import { BullScheduler } from './scheduler.js';

export const PLUGIN_NAME = '@smmbot/queue-bullmq';
export const DEFAULT_PREFIX = 'smmbot-bull';

const ms = z.number().int().positive();
const count = z.number().int().positive();

export const scaleOutOptions = z.object({
  redis: z.object({
    url: z
      .string()
      .trim()
      .regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL'),
  }),
  /**
   * A guard, not a switch: the engine's `role` (EngineOptions) decides what this process runs. When
   * given, it must match it, so a host that passes the role to both cannot start half-configured.
   */
  role: z.enum(['all', 'web', 'worker']).optional(),
  /**
   * BullMQ's key prefix; every process of one deployment uses the same one. Its own by default, so
   * queue keys never share a prefix with `@smmbot/storage-redis` keys (`smmbot:`) on the same server.
   */
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "-" or "." (no ":")')
    .default(DEFAULT_PREFIX),
  inbound: z
    .object({
      concurrency: count.default(16),
      attempts: count.default(20),
      backoffMs: ms.default(1000),
      maxBackoffMs: ms.default(30_000),
      lockDurationMs: ms.default(30_000),
      stalledIntervalMs: ms.default(30_000),
      maxStalledCount: z.number().int().nonnegative().default(1),
    })
    .prefault({}),
  scheduler: z
    .object({
      concurrency: count.default(4),
      lockDurationMs: ms.default(30_000),
      stalledIntervalMs: ms.default(30_000),
    })
    .prefault({}),
});

export type ScaleOutOptions = z.input<typeof scaleOutOptions>;

/**
 * Scale-out on Redis with BullMQ: registers the inbound queue (`Tokens.InboundQueue`: web processes
 * store and queue webhooks, workers run the turns) and the scheduler (`Tokens.Scheduler`: each
 * scheduled job runs once per slot across all workers). Both share one ioredis connection, opened
 * on first use and closed when the engine stops. The Redis password never reaches a log line.
 */
export const scaleOut = definePlugin({
  name: PLUGIN_NAME,
  options: scaleOutOptions,
  setup: (options) => {
    const connections = new RedisConnectionFactory(options.redis.url);
    const release = () => connections.release();
    return {
      name: PLUGIN_NAME,
      register(container) {
        container.register(Tokens.InboundQueue, {
          useFactory: cachedFactory(
            (c) =>
              new BullInboundQueue({
                ...options.inbound,
                connection: connections.acquire(),
                prefix: options.prefix,
                logger: c.resolve(Tokens.Logger).child({ plugin: PLUGIN_NAME }),
                onStopped: release,
              }),
          ),
        });
        container.register(Tokens.Scheduler, {
          useFactory: cachedFactory(
            (c) =>
              new BullScheduler({
                ...options.scheduler,
                connection: connections.acquire(),
                prefix: options.prefix,
                hooks: c.resolve(Tokens.Hooks),
                kv: c.resolve(Tokens.Kv),
                clock: c.resolve(Tokens.Clock),
                logger: c.resolve(Tokens.Logger).child({ plugin: PLUGIN_NAME }),
                onStopped: release,
              }),
          ),
        });
      },
      apply(ctx) {
        if (options.role && options.role !== ctx.role) {
          throw new ConfigError(
            `plugin "${PLUGIN_NAME}" was configured for role "${options.role}" but the engine runs as "${ctx.role}"`,
          );
        }
        ctx.logger.info(
          { redis: connections.label, prefix: options.prefix, role: ctx.role },
          'scale-out on BullMQ: inbound queue and scheduler on Redis',
        );
      },
    };
  },
});
