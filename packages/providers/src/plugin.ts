import { type BotPlugin, ConfigError, definePlugin, type Scheduler, type TenantId, Tokens } from '@smmbot/core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { z } from 'zod';
import { defaultConnector } from './connect.js';
import { type ProviderChangedEvent, providerHooks } from './hooks.js';
import { type ProviderInfo, syncJobId } from './records.js';
import { newProviderSchema } from './schemas.js';
import { ProviderService } from './service.js';
import { type ProviderConnector, SYNC_LOCK_TTL_MS } from './sync.js';

export const PLUGIN_NAME = '@smmbot/providers';

/** Where the plugin registers its ProviderService (resolve it in a `boot` tap or later). */
export const ProviderServiceToken = Symbol('smmbot.providers.ProviderService') as InjectionToken<ProviderService>;

const declaredProvider = newProviderSchema.extend({ tenant: z.string().min(1).optional() });

/**
 * Rejects unknown keys of a declared provider by name only: a strict object's issue would carry the
 * whole entry, and core's `definePlugin` (reportInput) would print its plain-text key in the error.
 */
const withoutUnknownKeys = (value: unknown, ctx: { issues: z.core.$ZodRawIssue[] }) => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const known = Object.fromEntries(Object.entries(value).filter(([k]) => k in declaredProvider.shape));
  for (const k of Object.keys(value)) {
    if (!(k in known)) ctx.issues.push({ code: 'custom', message: 'unknown provider option', path: [k], input: k });
  }
  return known;
};

export const providersOptions = z.strictObject({
  /** Providers declared in the config file: upserted by name at every boot, key sealed again. */
  providers: z.array(z.preprocess(withoutUnknownKeys, declaredProvider)).default([]),
  /** Sync every active provider once in the background at boot (boot does not wait). */
  syncOnBoot: z.boolean().default(true),
  /** Builds the client of a provider; default: the classic SMM API (`@smmbot/panel-smmapi`). Code only. */
  connect: z
    .custom<ProviderConnector>((v) => typeof v === 'function', {
      error: 'expected a function (provider) => PanelClient',
    })
    .optional(),
});

/** Up to 5% of the interval, at most 30 s: tenants and providers do not all fire at once. */
export const jitterFor = (everyMs: number) => Math.min(30_000, Math.floor(everyMs / 20));

/**
 * Upstream providers: registers the ProviderService, applies declared providers at boot, schedules
 * `provider-sync:<id>` per active provider and tenant on `Tokens.Scheduler`, and follows runtime
 * changes (added, paused, interval changed, removed) through the service's `changed` hook.
 */
export const providers = definePlugin({
  name: PLUGIN_NAME,
  options: providersOptions,
  setup: (options): BotPlugin => {
    let service: ProviderService | undefined;
    const create = (root: DependencyContainer): ProviderService => {
      if (!root.isRegistered(Tokens.Secrets, true)) {
        throw new ConfigError(
          `${PLUGIN_NAME} stores provider API keys sealed: register a SecretBox under Tokens.Secrets (the host does, from secretKey)`,
        );
      }
      const clock = root.resolve(Tokens.Clock);
      const logger = root.resolve(Tokens.Logger).child({ plugin: PLUGIN_NAME });
      return new ProviderService({
        store: root.resolve(Tokens.Store),
        kv: root.resolve(Tokens.Kv),
        clock,
        logger,
        secrets: root.resolve(Tokens.Secrets),
        connect: options.connect ?? defaultConnector(clock, logger),
        hooks: providerHooks(root),
      });
    };

    return {
      name: PLUGIN_NAME,
      register(container) {
        container.register(ProviderServiceToken, { useFactory: () => (service ??= create(container)) });
      },
      apply(ctx) {
        const log = ctx.logger;
        let scheduler: Scheduler | undefined;
        let stopping = false;
        const planned = new Map<string, number>(); // tenant + job id → interval ms
        const tapped = new Set<string>();
        const inflight = new Set<Promise<unknown>>();
        const svc = () => ctx.container.resolve(ProviderServiceToken);

        const plan = (tenant: TenantId, p: ProviderInfo) => {
          if (!scheduler || stopping) return;
          const jobId = syncJobId(p.id);
          const key = `${tenant}\u0000${jobId}`;
          const everyMs = p.syncIntervalSec * 1000;
          if (!p.isActive) {
            if (planned.delete(key)) scheduler.unschedule(jobId, tenant);
            return;
          }
          if (planned.get(key) === everyMs) return;
          if (!tapped.has(jobId)) {
            tapped.add(jobId);
            ctx.hooks.schedule.for(jobId).tap('sync', async (run) => {
              if (!run.tenantId) return;
              const current = await svc().get(run.tenantId, p.id);
              if (!current?.isActive) return void unplan(run.tenantId, p.id);
              await svc().sync(run.tenantId, p.id);
            });
          }
          planned.set(key, everyMs);
          scheduler.schedule({
            id: jobId,
            tenantId: tenant,
            everyMs,
            jitterMs: jitterFor(everyMs),
            lockTtlMs: SYNC_LOCK_TTL_MS,
          });
        };
        const unplan = (tenant: TenantId, providerId: string) => {
          if (planned.delete(`${tenant}\u0000${syncJobId(providerId)}`))
            scheduler?.unschedule(syncJobId(providerId), tenant);
        };
        const kick = (tenant: TenantId, p: ProviderInfo) => {
          const run = svc()
            .sync(tenant, p.id)
            .catch((err: unknown) =>
              log.warn({ tenant, providerId: p.id, reason: (err as Error).message }, 'boot sync failed'),
            )
            .finally(() => inflight.delete(run));
          inflight.add(run);
        };

        providerHooks(ctx.container).changed.tap(PLUGIN_NAME, (event: ProviderChangedEvent) => {
          if (event.action === 'removed' || !event.provider) unplan(event.tenant, event.providerId);
          else plan(event.tenant, event.provider);
        });

        ctx.hooks.boot.tap('seed-and-schedule', async () => {
          const service = svc();
          scheduler = ctx.container.isRegistered(Tokens.Scheduler, true)
            ? ctx.container.resolve(Tokens.Scheduler)
            : undefined;
          for (const { tenant, ...declared } of options.providers) {
            const target = tenantOf(tenant, ctx.tenants, declared.name);
            const { provider, created } = await service.upsertByName(target, declared);
            log.info(
              { tenant: target, providerId: provider.id, provider: provider.name, created },
              'provider declared',
            );
          }
          for (const tenant of ctx.tenants) {
            for (const p of await service.list(tenant, { activeOnly: true })) {
              plan(tenant, p);
              if (options.syncOnBoot) kick(tenant, p);
            }
          }
        });

        ctx.hooks.shutdown.tap('drain', async () => {
          stopping = true;
          await Promise.allSettled([...inflight]);
        });
      },
    };
  },
});

function tenantOf(tenant: string | undefined, tenants: readonly TenantId[], name: string): TenantId {
  if (tenant) {
    if (!tenants.includes(tenant)) {
      throw new ConfigError(`provider "${name}" names tenant "${tenant}", which this engine does not serve`);
    }
    return tenant;
  }
  if (tenants.length === 1) return tenants[0]!;
  throw new ConfigError(`provider "${name}" needs a tenant: this engine serves ${tenants.length} tenants`);
}
