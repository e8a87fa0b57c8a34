import {
  type BotPlugin,
  type Clock,
  definePlugin,
  type KeyValueStore,
  type Logger,
  ResilientPanel,
  SystemClock,
  silentLogger,
  Tokens,
} from '@smmbot/core';
import { z } from 'zod';
import { CLASSIC_ACTIONS } from './errors.js';
import { SmmApiPanel } from './panel.js';

export const PLUGIN_NAME = '@smmbot/panel-smmapi';

const ACTION = z.enum(CLASSIC_ACTIONS);

/** A key written as a number in YAML is still a key: accepted, so a validation message never echoes it. */
const KEY = z
  .union([z.string(), z.number().transform(String)])
  .pipe(z.string().trim().min(1, 'expected the API key (a non-empty string)'));

export const smmApiOptions = z.object({
  url: z.url({
    protocol: /^https?$/,
    error: 'expected the panel URL, e.g. https://panel.com or https://panel.com/api/v2',
  }),
  key: KEY,
  name: z.string().trim().min(1).optional(),
  apiVersion: z.enum(['v2', 'v1']).default('v2'),
  timeoutMs: z.number().int().positive().default(10_000),
  concurrency: z.number().int().positive().default(4),
  ratePerSecond: z.number().positive().default(5),
  retries: z.number().int().min(0).default(2),
  /** The actions the panel implements, when it lacks some (BoostPanel: services, add, status, balance). */
  actions: z
    .array(ACTION)
    .min(1)
    .refine((a) => a.includes('status'), 'must include "status"')
    .optional(),
  /** The tenant this panel belongs to (the host sets `plugin.tenant` itself for tenants' panels). */
  tenant: z.string().trim().min(1).optional(),
});

/**
 * Registers `Tokens.Panel`: a ResilientPanel (batched, cached reads; idempotent writes) over an
 * SmmApiPanel. Built on first resolve with the container's Clock, Logger and Kv.
 */
export const smmApi = definePlugin({
  name: PLUGIN_NAME,
  options: smmApiOptions,
  setup: (options) => {
    let panel: ResilientPanel | undefined;
    const plugin: BotPlugin = {
      name: options.tenant ? `${PLUGIN_NAME}@${options.tenant}` : PLUGIN_NAME,
      ...(options.tenant ? { tenant: options.tenant } : {}),
      register(container) {
        // `this` is the plugin object the engine holds: the host copies it with `tenant` set.
        const tenant = this?.tenant ?? options.tenant ?? 'default';
        container.register(Tokens.Panel, {
          useFactory: (c) => {
            if (panel) return panel;
            const clock: Clock = c.isRegistered(Tokens.Clock, true) ? c.resolve(Tokens.Clock) : new SystemClock();
            const logger: Logger = c.isRegistered(Tokens.Logger, true) ? c.resolve(Tokens.Logger) : silentLogger();
            const kv: KeyValueStore | undefined = c.isRegistered(Tokens.Kv, true) ? c.resolve(Tokens.Kv) : undefined;
            const { tenant: _t, ...rest } = options;
            const inner = new SmmApiPanel({
              ...rest,
              clock,
              logger: logger.child({ plugin: PLUGIN_NAME, tenant }),
            });
            panel = new ResilientPanel(inner, { tenant, clock, kv });
            return panel;
          },
        });
      },
    };
    return plugin;
  },
});

export default smmApi;
