import { createLogger, type Engine } from '@smmbot/core';
import { type ProviderInfo, ProviderServiceToken } from '@smmbot/providers';
import { composeEngine } from '../compose.js';
import type { CliContext } from './context.js';

/** Composes the configured engine quietly, runs `fn` with the provider service, then stops. */
async function withProviders(
  ctx: CliContext,
  fn: (engine: Engine, tenant: string) => Promise<number>,
): Promise<number> {
  const { config } = await ctx.loadConfig();
  const engine = await composeEngine(config, {
    cwd: ctx.cwd,
    logger: createLogger({ level: 'warn' }),
    syncOnBoot: false,
  });
  await engine.start();
  try {
    if (!engine.container.isRegistered(ProviderServiceToken, true)) {
      ctx.error('no providers are configured: add the @smmbot/providers plugin to the config file');
      return 1;
    }
    return await fn(engine, ctx.tenant ?? config.tenants[0]?.id ?? 'default');
  } finally {
    await engine.stop();
  }
}

const line = (p: ProviderInfo) =>
  `${p.name.padEnd(24)} ${String(p.serviceCount).padStart(6)} services  balance ${p.balance ?? '-'} ${p.currency ?? ''}  ` +
  `${p.lastSyncAt ? `synced ${new Date(p.lastSyncAt).toISOString()}` : 'never synced'}${p.lastSyncError ? `  last error: ${p.lastSyncError}` : ''}`;

/** `smmbot providers [sync [name]]`: list the tenant's providers, or sync them now. */
export function providersCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...names] = args;
  return withProviders(ctx, async (engine, tenant) => {
    const service = engine.container.resolve(ProviderServiceToken);
    const all = await service.list(tenant);
    if (sub === undefined || sub === 'list') {
      if (all.length === 0) ctx.print(`tenant ${tenant} has no providers`);
      for (const p of all) ctx.print(line(p));
      return 0;
    }
    if (sub !== 'sync') {
      ctx.error(`unknown subcommand "${sub}": expected "list" or "sync [name]"`);
      return 2;
    }
    const chosen = names.length ? all.filter((p) => names.some((n) => n.toLowerCase() === p.name.toLowerCase())) : all;
    if (chosen.length === 0) {
      ctx.error(`no provider named ${names.join(', ')}`);
      return 1;
    }
    let failed = 0;
    for (const p of chosen) {
      try {
        const r = await service.sync(tenant, p.id);
        if ('skipped' in r) ctx.print(`${p.name}: skipped, another process is syncing it`);
        else
          ctx.print(
            `${p.name}: ${r.baseline ? 'baseline ' : ''}+${r.added} added, ${r.changed} changed, ${r.removed} removed, ${r.unchanged} unchanged in ${r.durationMs} ms`,
          );
      } catch (err) {
        failed++;
        ctx.print(`${p.name}: sync failed: ${(err as Error).message}`);
      }
    }
    return failed ? 1 : 0;
  });
}

/** `smmbot services "<query>" [--limit n]`: search the synced catalogs by name fragment or service id. */
export function servicesCommand(ctx: CliContext, query: string | undefined, limit: number): Promise<number> {
  return withProviders(ctx, async (engine, tenant) => {
    const service = engine.container.resolve(ProviderServiceToken);
    const names = new Map((await service.list(tenant)).map((p) => [p.id, p.name]));
    const page = await service.searchServices(tenant, { q: query, limit });
    if (page.total === 0 && names.size > 0 && [...(await service.list(tenant))].every((p) => !p.lastSyncAt)) {
      ctx.print('no services yet: run `smmbot providers sync` first');
      return 0;
    }
    for (const s of page.items) {
      ctx.print(
        `${s.serviceId.padStart(6)}  ${(names.get(s.providerId) ?? '?').padEnd(20)}  ${String(s.rate ?? '-').padStart(8)}  ${s.isNew ? '[new] ' : ''}${s.name}`,
      );
    }
    ctx.print(`${page.items.length} of ${page.total} service(s)${query ? ` matching "${query}"` : ''}`);
    return 0;
  });
}
