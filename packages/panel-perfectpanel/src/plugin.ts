import {
  type BotPlugin,
  definePlugin,
  PANEL_CAPABILITIES,
  type PanelClient,
  ResilientPanel,
  Tokens,
} from '@smmbot/core';
import { z } from 'zod';
import { PerfectPanelAdmin } from './admin.js';
import {
  DEFAULT_BODIES,
  DEFAULT_PATHS,
  type PerfectPanelBodies,
  type PerfectPanelPaths,
  type ProbeResult,
} from './options.js';

export const PLUGIN_NAME = '@smmbot/panel-perfectpanel';

/**
 * A key field: a non-empty string. Its issues never carry the input (definePlugin prints `found …`
 * for every issue, and a mistyped key must not end up in a terminal or a log).
 */
const secret = (what: string) =>
  z.unknown().transform((value, ctx) => {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    ctx.addIssue({ code: 'custom', message: `expected ${what} (a non-empty string)`, input: '[redacted]' });
    return z.NEVER;
  });

const path = z.string().regex(/^\/\S*$/, 'expected a path starting with "/"');
const pathShape = Object.fromEntries(Object.keys(DEFAULT_PATHS).map((k) => [k, path.optional()])) as Record<
  keyof PerfectPanelPaths,
  z.ZodOptional<typeof path>
>;
const field = z.string().min(1);
const bodyShape = Object.fromEntries(
  Object.keys(DEFAULT_BODIES)
    .filter((k) => k !== 'idsFormat')
    .map((k) => [k, field.optional()]),
) as Record<Exclude<keyof PerfectPanelBodies, 'idsFormat'>, z.ZodOptional<typeof field>>;

export const optionsSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'expected the panel address, e.g. https://yourpanel.com' }),
    adminKey: secret('the admin API key'),
    servicesApiKey: secret('a user API key').optional(),
    name: z.string().min(1).optional(),
    timeoutMs: z.number().int().min(100).default(10_000),
    concurrency: z.number().int().min(1).max(64).default(4),
    ratePerSecond: z.number().positive().max(100).default(3),
    retries: z.number().int().min(0).max(10).default(2),
    batchSize: z.number().int().min(1).max(1000).default(100),
    paths: z.object(pathShape).strict().optional(),
    bodies: z
      .object({ ...bodyShape, idsFormat: z.enum(['array', 'csv']).optional() })
      .strict()
      .optional(),
    disable: z.array(z.enum(PANEL_CAPABILITIES)).optional(),
    /** The tenant whose idempotency records the panel keeps; default: the tenant the host binds it to. */
    tenant: z.string().min(1).optional(),
  })
  .strict();

export type PerfectPanelPluginOptions = z.input<typeof optionsSchema>;

/**
 * Registers `Tokens.Panel`: a PerfectPanelAdmin wrapped in ResilientPanel (batched, cached reads and
 * idempotent writes), built on first resolve with the container's Clock, Logger and Kv, once per
 * container.
 */
export const perfectPanel = definePlugin({
  name: PLUGIN_NAME,
  options: optionsSchema,
  setup: (options) => {
    const { tenant: configuredTenant, ...adapter } = options;
    return {
      name: PLUGIN_NAME,
      register(this: BotPlugin, container) {
        // The host binds a tenant's panel plugin with `tenant` set on the plugin object.
        const tenant = configuredTenant ?? this.tenant ?? 'default';
        let panel: PanelClient | undefined;
        // One panel per registration (its queue and cache are shared), built from the registering
        // container's services on first resolve.
        container.register(Tokens.Panel, {
          useFactory: () => {
            if (panel) return panel;
            const clock = container.resolve(Tokens.Clock);
            const logger = container.resolve(Tokens.Logger).child({ plugin: PLUGIN_NAME, tenant });
            const kv = container.isRegistered(Tokens.Kv, true) ? container.resolve(Tokens.Kv) : undefined;
            panel = new ResilientPanel(new PerfectPanelAdmin({ ...adapter, clock, logger }), { tenant, clock, kv });
            return panel;
          },
        });
      },
    };
  },
});

/** The capability report of a panel from this package, also when wrapped in ResilientPanel. */
export async function probePanel(panel: PanelClient): Promise<ProbeResult[] | undefined> {
  const inner = panel instanceof ResilientPanel ? panel.inner : panel;
  return inner instanceof PerfectPanelAdmin ? inner.probe() : undefined;
}
