import {
  type BotPlugin,
  type Clock,
  cachedFactory,
  definePlugin,
  type KeyValueStore,
  type Logger,
  SystemClock,
  silentLogger,
  Tokens,
} from '@smmbot/core';
import { z } from 'zod';
import { OpenAiProvider } from './provider.js';

export const PLUGIN_NAME = '@smmbot/ai-openai';

const limits = z
  .object({
    tokensPerDay: z.number().int().positive().optional(),
    costPerDayUsd: z.number().positive().optional(),
  })
  .strict();

export const openAiOptions = z
  .object({
    model: z.string().trim().min(1, 'expected the model name, e.g. gpt-4o-mini or llama3.1'),
    baseURL: z
      .url({ protocol: /^https?$/, error: 'expected the server URL, e.g. http://127.0.0.1:8080/v1' })
      .optional(),
    /** Any non-empty dummy for local servers. A number in YAML is still a key (never echoed). */
    apiKey: z
      .union([z.string(), z.number().transform(String)])
      .pipe(z.string().trim().min(1, 'expected the API key (any non-empty dummy for local servers)')),
    timeoutMs: z.number().int().positive().default(15_000),
    retries: z.number().int().min(0).max(5).default(1),
    maxTokensPerReply: z.number().int().positive().default(400),
    temperature: z.number().min(0).max(2).optional(),
    limits: limits.default({}),
    tenantLimits: z.record(z.string(), limits).optional(),
    pricing: z
      .object({ promptPer1k: z.number().min(0), completionPer1k: z.number().min(0) })
      .strict()
      .optional(),
    usageRetentionDays: z.number().int().positive().default(90),
    name: z.string().trim().min(1).optional(),
  })
  .strict();

/**
 * Registers `Tokens.Ai`: one OpenAiProvider (built on first resolve) with the container's Kv for
 * usage, Clock for days and Logger for failures.
 */
export const openAi = definePlugin({
  name: PLUGIN_NAME,
  options: openAiOptions,
  setup: (options) => {
    const plugin: BotPlugin = {
      name: PLUGIN_NAME,
      register(container) {
        container.register(Tokens.Ai, {
          useFactory: cachedFactory((c) => {
            const clock: Clock = c.isRegistered(Tokens.Clock, true) ? c.resolve(Tokens.Clock) : new SystemClock();
            const logger: Logger = c.isRegistered(Tokens.Logger, true) ? c.resolve(Tokens.Logger) : silentLogger();
            const kv: KeyValueStore | undefined = c.isRegistered(Tokens.Kv, true) ? c.resolve(Tokens.Kv) : undefined;
            if (!kv) logger.warn({ plugin: PLUGIN_NAME }, 'no Kv registered: AI usage is kept in memory only');
            return new OpenAiProvider({ ...options, clock, kv, logger: logger.child({ plugin: PLUGIN_NAME }) });
          }),
        });
      },
    };
    return plugin;
  },
});

export default openAi;
