import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { botConfigPatchSchema, closestMatches } from './bot-config.js';
import { formatIssues } from './format-issues.js';

/**
 * The host config file (`smmbot.config.ts|json|yaml`): process-wide settings plus the tenants it serves.
 * Every key has a default, so `{}` is valid and is what a host runs with when there is no file.
 */

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const DEFAULT_TENANT = { id: 'default', name: 'Default workspace' } as const;

/** A whole number; numeric strings (from `${VAR}` interpolation) are accepted too. */
const wholeNumber = (min: number, max: number, what: string) =>
  z
    .union(
      [
        z.number(),
        z
          .string()
          .trim()
          .regex(/^-?\d+$/)
          .transform(Number),
      ],
      { error: `expected ${what}` },
    )
    .pipe(
      z
        .number()
        .int(`expected ${what}`)
        .min(min, `expected ${what} of at least ${min}`)
        .max(max, `expected ${what} of at most ${max}`),
    );

const slug = z
  .string({ error: 'expected an id' })
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected a slug: lowercase letters, digits, - and _ (at most 63 characters)');
const options = z.record(z.string(), z.unknown(), { error: 'expected an object of options' });
const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, `expected ${what}`);

/** Digits of a phone in international form (E.164: 8 to 15 digits, no leading 0); spaces, dashes, dots, brackets allowed. */
const phoneDigits = (raw: string) => (/^\+?[\d\s().-]+$/.test(raw) ? raw.replace(/\D/g, '') : '');
const phone = z
  .string({ error: 'expected a phone number' })
  .trim()
  .refine((raw) => /^[1-9]\d{7,14}$/.test(phoneDigits(raw)), {
    error: 'expected a phone number in international form, e.g. +8801711000000',
  });

export const tenantConfigSchema = z
  .strictObject({
    id: slug,
    /** Shown in logs and the dashboard; defaults to the id. */
    name: nonEmpty('a tenant name').optional(),
    /**
     * The workspace owner: at boot this phone gets an owner account for the tenant's dashboard, with
     * no password until it is set with "forgot password" (phone + one-time code).
     */
    owner: z.strictObject({ phone }).optional(),
    /** Overrides of the bot_config defaults for this tenant. */
    botConfig: botConfigPatchSchema.default({}),
    panel: z.strictObject({ use: nonEmpty('a panel package name or path'), options: options.default({}) }).optional(),
  })
  .transform((tenant) => ({ ...tenant, name: tenant.name ?? tenant.id }));

export const pluginEntrySchema = z.strictObject({
  /** Package name or path of the plugin module. */
  use: nonEmpty('a plugin package name or path'),
  options: options.default({}),
  /** Install for this tenant only; all tenants when omitted. */
  tenant: slug.optional(),
});

const storageSchema = z.discriminatedUnion('driver', [
  /** `path` defaults to `<dataDir>/smmbot.db`; the loader resolves it against the working directory. */
  z.strictObject({ driver: z.literal('sqlite'), path: nonEmpty('a database file path').optional() }),
  z.strictObject({ driver: z.literal('memory') }),
  /** Records (and, without `redis`, the key-value side) on PostgreSQL: the scaled-out setup. */
  z.strictObject({
    driver: z.literal('postgres'),
    /** `postgresql://user:password@host:5432/db`; use `${DATABASE_URL}`. Never logged. */
    url: nonEmpty('a postgresql:// URL').regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// URL'),
    schema: nonEmpty('a schema name').optional(),
    /** Connections per process. */
    poolMax: wholeNumber(1, 1000, 'a number of connections').optional(),
  }),
]);

/**
 * Redis for many processes: the key-value side (dedupe claims, locks, cooldowns) and the BullMQ
 * queues (webhooks accepted by `web` processes, turns, scheduled jobs and the outbox run by workers).
 */
const redisSchema = z.strictObject({
  /** `redis://[:password@]host:6379[/db]`; use `${REDIS_URL}`. Never logged. */
  url: nonEmpty('a redis:// URL').regex(/^rediss?:\/\//, 'expected a redis:// URL'),
  /** Key and queue prefix: several installations can share one Redis. */
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - (at most 40)')
    .default('smmbot'),
  /** Turns one worker process runs at once from the inbound queue. */
  concurrency: wholeNumber(1, 10_000, 'a number of turns').default(32),
});

const baseSchema = z.strictObject({
  logLevel: z.enum(LOG_LEVELS).default('info'),
  dataDir: nonEmpty('a directory path').default('./.smmbot'),
  http: z
    .strictObject({
      host: nonEmpty('a host name or address').default('127.0.0.1'),
      port: wholeNumber(0, 65_535, 'a port number').default(3000),
    })
    .prefault({}),
  storage: storageSchema.prefault({ driver: 'sqlite' }),
  redis: redisSchema.optional(),
  /**
   * What this process does (`smmbot start --role` overrides): `all` (one process, the default);
   * `web` accepts webhooks and serves the API and dashboard; `worker` runs turns, scheduled jobs and
   * the outbox. `web` and `worker` need `redis` (and a shared store: PostgreSQL).
   */
  role: z.enum(['all', 'web', 'worker'], { error: 'expected all, web or worker' }).default('all'),
  /** Global cap on turns in flight across all tenants. */
  concurrency: wholeNumber(1, 100_000, 'a number of turns').default(64),
  /** Encrypts secrets at rest. */
  secretKey: z
    .string({ error: 'expected a string' })
    .min(32, 'expected at least 32 characters (generate one with: openssl rand -base64 32)')
    .optional(),
  tenants: z
    .array(tenantConfigSchema, { error: 'expected a list of tenants' })
    .min(1, 'expected at least one tenant')
    .superRefine((tenants, ctx) => {
      const seen = new Map<string, number>();
      const owners = new Map<string, number>();
      tenants.forEach((tenant, i) => {
        const first = seen.get(tenant.id);
        if (first === undefined) seen.set(tenant.id, i);
        else {
          const message = `duplicate tenant id, already used by tenants[${first}]; tenant ids must be unique`;
          ctx.addIssue({ code: 'custom', path: [i, 'id'], message, input: tenant.id });
        }
        if (!tenant.owner) return;
        const digits = phoneDigits(tenant.owner.phone);
        const owning = owners.get(digits);
        if (owning === undefined) owners.set(digits, i);
        else {
          const message = `this phone already owns tenants[${owning}]; a phone holds one account in the installation`;
          ctx.addIssue({ code: 'custom', path: [i, 'owner', 'phone'], message, input: tenant.owner.phone });
        }
      });
    })
    .prefault([DEFAULT_TENANT]),
  plugins: z.array(pluginEntrySchema, { error: 'expected a list of plugins' }).default([]),
  shutdownTimeoutMs: wholeNumber(0, 600_000, 'milliseconds').default(10_000),
  /**
   * The bundled panel simulator (@smmbot/panel-sim) on loopback, as the panel of every tenant that has
   * none. On by default only when the host runs without a config file (the embedded default).
   */
  simulator: z
    .strictObject({
      enabled: z.boolean({ error: 'expected true or false' }).optional(),
      port: wholeNumber(0, 65_535, 'a port number').default(0),
      seed: wholeNumber(0, 2 ** 31, 'a seed number').default(1),
    })
    .prefault({}),
});

export const hostConfigSchema = baseSchema
  .superRefine((config, ctx) => {
    if (config.role !== 'all' && !config.redis) {
      const message = `role "${config.role}" shares work through Redis: set redis.url (or run with role all)`;
      ctx.addIssue({ code: 'custom', path: ['redis'], message, input: undefined });
    }
    if (config.role !== 'all' && config.storage.driver !== 'postgres') {
      const message = `role "${config.role}" needs a store every process shares: storage.driver postgres`;
      ctx.addIssue({ code: 'custom', path: ['storage', 'driver'], message, input: config.storage.driver });
    }
    const ids = config.tenants.map((t) => t.id);
    config.plugins.forEach((plugin, i) => {
      if (plugin.tenant === undefined || ids.includes(plugin.tenant)) return;
      const message = `expected one of the tenant ids (${ids.join(', ')})`;
      ctx.addIssue({ code: 'custom', path: ['plugins', i, 'tenant'], message, input: plugin.tenant });
    });
  })
  .transform((config) => {
    const storage: StorageConfig =
      config.storage.driver === 'sqlite'
        ? { driver: 'sqlite', path: config.storage.path ?? `${config.dataDir.replace(/[\\/]+$/, '')}/smmbot.db` }
        : config.storage;
    return { ...config, storage };
  });

export type StorageConfig =
  | { driver: 'sqlite'; path: string }
  | { driver: 'memory' }
  | { driver: 'postgres'; url: string; schema?: string; poolMax?: number };
export type TenantConfig = z.output<typeof tenantConfigSchema>;
export type PluginEntry = z.output<typeof pluginEntrySchema>;
export type HostConfig = z.output<typeof hostConfigSchema>;
export type HostConfigInput = z.input<typeof hostConfigSchema>;

/** Identity helper that types a `smmbot.config.ts` default export. */
export function defineConfig(config: HostConfigInput): HostConfigInput {
  return config;
}

/** The config a host runs with when there is no config file. */
export function defaultHostConfig(): HostConfig {
  return hostConfigSchema.parse({});
}

/** Issue messages phrased as "expected X" so formatted issues read `path: expected X; found Y`. */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  const list = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `expected ${list(issue.values)}` : `expected one of ${list(issue.values)}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      const unit = issue.origin === 'string' ? ' character' : issue.origin === 'array' ? ' item' : '';
      return `expected ${bound}${unit}${unit && !/ 1$/.test(bound) ? 's' : ''}`;
    }
    case 'invalid_format':
      return issue.format === 'regex' ? `expected text matching ${issue.pattern}` : `expected a valid ${issue.format}`;
    case 'invalid_union':
      return 'discriminator' in issue && issue.discriminator
        ? `expected ${issue.discriminator} to be one of ${list((issue.options as unknown[]) ?? [])}`
        : undefined;
    case 'unrecognized_keys': {
      const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape ?? {};
      return issue.keys
        .map((key) => {
          const near = closestMatches(key, Object.keys(shape), 1)[0];
          return `unknown key ${JSON.stringify(key)}${near ? `; did you mean ${JSON.stringify(near)}?` : ''}`;
        })
        .join('; ');
    }
    default:
      return undefined;
  }
};

const SECRET_SEGMENT = /secret|password|token|api_?key/i;

/** Makes issues printable: no secret values, discriminator issues show the bad value, unknown keys show no input. */
function tidy(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  const { input, ...rest } = issue as z.core.$ZodIssue & { input?: unknown };
  if (!('input' in issue) || issue.code === 'unrecognized_keys') return rest as z.core.$ZodIssue;
  const last = issue.path[issue.path.length - 1];
  if (typeof last === 'string' && SECRET_SEGMENT.test(last))
    return { ...rest, input: '[redacted]' } as z.core.$ZodIssue;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && input && typeof input === 'object') {
    return { ...rest, input: (input as Record<string, unknown>)[String(issue.discriminator)] } as z.core.$ZodIssue;
  }
  return issue;
}

export interface ParseHostConfigOptions {
  /** Names where the config came from; the error message starts with it. */
  source?: string;
  /** Formatted path (`http.port`) → where its value came from (`env SMMBOT__http__port`), appended to issues. */
  origins?: Record<string, string>;
}

/** Validates a raw host config; throws ConfigError listing each issue as `path: expected X; found Y`. */
export function parseHostConfig(input: unknown, options: ParseHostConfigOptions = {}): HostConfig {
  const result = hostConfigSchema.safeParse(input, { reportInput: true, error: configErrorMap });
  if (result.success) return result.data;
  const origins = Object.entries(options.origins ?? {});
  const issues = formatIssues(new z.ZodError(result.error.issues.map(tidy))).map((line) => {
    const hit = origins.find(([path]) => [':', '.', '['].some((next) => line.startsWith(path + next)));
    return hit ? `${line} (from ${hit[1]})` : line;
  });
  const source = options.source ?? 'host config';
  throw new ConfigError(`${source}: invalid configuration\n  - ${issues.join('\n  - ')}`, { issues });
}
