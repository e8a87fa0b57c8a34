import { BalancerToken } from '@smmbot/balancer';
import { createLogger, type Engine } from '@smmbot/core';
import { ApiKeyServiceToken } from '@smmbot/send-api';
import { composeEngine } from '../compose.js';
import type { CliContext } from './context.js';

/** Composes the configured engine quietly (no background jobs), runs `fn`, then stops. */
async function withEngine(ctx: CliContext, fn: (engine: Engine, tenant: string) => Promise<number>): Promise<number> {
  const { config } = await ctx.loadConfig();
  const engine = await composeEngine(config, {
    cwd: ctx.cwd,
    logger: createLogger({ level: 'warn' }),
    syncOnBoot: false,
  });
  await engine.start();
  try {
    return await fn(engine, ctx.tenant ?? config.tenants[0]?.id ?? 'default');
  } finally {
    await engine.stop();
  }
}

/** `smmbot keys [create [label] | revoke <id>]`: the tenant's send-API keys (a new key is shown once). */
export function keysCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub = 'list', ...rest] = args;
  return withEngine(ctx, async (engine, tenant) => {
    if (!engine.container.isRegistered(ApiKeyServiceToken, true)) {
      ctx.error('the send API is not enabled: add @smmbot/send-api to the config file');
      return 1;
    }
    const keys = engine.container.resolve(ApiKeyServiceToken);
    if (sub === 'list') {
      const all = await keys.list(tenant);
      if (all.length === 0)
        ctx.print(`tenant ${tenant} has no runtime API keys (keys in the config file are not listed)`);
      for (const k of all)
        ctx.print(`${k.id}  ${k.prefix}…  ${k.label ?? ''}  created ${new Date(k.createdAt).toISOString()}`);
      return 0;
    }
    if (sub === 'create') {
      const created = await keys.create(tenant, { label: rest.join(' ') || undefined });
      ctx.print(`API key for tenant ${tenant} (id ${created.id}); it is shown only this once:\n${created.key}`);
      return 0;
    }
    if (sub === 'revoke' && rest[0]) {
      const ok = await keys.revoke(tenant, rest[0]);
      ctx.print(ok ? `revoked ${rest[0]}` : `no key with id ${rest[0]}`);
      return ok ? 0 : 1;
    }
    ctx.error(`unknown subcommand "${sub}": expected "list", "create [label]" or "revoke <id>"`);
    return 2;
  });
}

/** `smmbot balancer`: phones, caps, scores and alerts as the store knows them (live view: GET /api/v1/balancer). */
export function balancerCommand(ctx: CliContext): Promise<number> {
  return withEngine(ctx, async (engine, tenant) => {
    const snap = await engine.container.resolve(BalancerToken).snapshot(tenant);
    if (snap.phones.length === 0)
      ctx.print(`tenant ${tenant} has no anti-ban phones (WhatsApp via Baileys or Green API)`);
    for (const p of snap.phones) {
      ctx.print(
        `${p.channel.padEnd(20)} ${p.state.padEnd(12)} age ${String(p.ageDays).padStart(3)} d  seniority ${p.seniority.toFixed(2)}  ` +
          `score ${p.score.toFixed(1).padStart(6)}  today ${p.todaySent}/${p.dailyCap ?? '∞'}  total ${p.totalSent}  ` +
          `fail ${(p.failRate * 100).toFixed(0)}% (${p.consecutiveFails} in a row)`,
      );
    }
    ctx.print(`next to send: ${snap.nextPhone ?? 'none'}; queued ${snap.queue.queued}, waiting ${snap.queue.pending}`);
    for (const a of snap.alerts) ctx.print(`[${a.severity}] ${a.type} ${a.phone}: ${a.details}`);
    return 0;
  });
}
