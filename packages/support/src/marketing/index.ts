import { type PluginHooks, type TenantId, Tokens } from '@smmbot/core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { SupportContext } from '../context.js';
import { MARKETING_MESSAGES, type MarketingMessageRecord } from '../records.js';
import { marketingCommand } from './commands.js';
import { MARKETING_JOB, MarketingSchedule } from './schedule.js';
import { MarketingService } from './service.js';

export { formatAt, preview } from './commands.js';
export {
  CATCH_UP_DELAY_MS,
  MARKETING_JOB,
  type MarketingBroadcast,
  type MarketingRunOutcome,
  MarketingSchedule,
  marketingJobSpec,
} from './schedule.js';
export { type MarketingDelivery, marketingGroups, marketingSendId, sendToMarketingGroups } from './send.js';
export { MAX_MARKETING_TEXT, type MarketingPatch, MarketingService } from './service.js';

/** The tenant's marketing messages (add, list, update, remove, reorder, rotation), for the dashboard. */
export const MarketingServiceToken = Symbol('smmbot.support.MarketingService') as InjectionToken<MarketingService>;
/** The scheduled broadcasts: `reconcile(tenant)` after a config change made outside chat, `sendNow(tenant)`. */
export const MarketingScheduleToken = Symbol('smmbot.support.MarketingSchedule') as InjectionToken<MarketingSchedule>;

/**
 * Marketing broadcasts (spec "Marketing Broadcasts"): the messages and their rotation, one scheduled
 * job per tenant, and `!marketing add|list|remove|now`. `!marketing enable|disable` (the group flag)
 * is in admin/users-groups.ts.
 */
export function applyMarketing(
  ctx: SupportContext,
  hooks: PluginHooks,
  { container, tenants }: { container: DependencyContainer; tenants: readonly TenantId[] },
): MarketingService {
  const service = new MarketingService(
    container.resolve(Tokens.Store).collection<MarketingMessageRecord>(MARKETING_MESSAGES),
    ctx.kv,
    ctx.clock,
  );
  const schedule = new MarketingSchedule(ctx, service);
  container.register(MarketingServiceToken, { useValue: service });
  container.register(MarketingScheduleToken, { useValue: schedule });

  hooks.schedule.for(MARKETING_JOB).tap('marketing-broadcast', async (run) => {
    await schedule.run(run);
  });
  hooks.command
    .for('admin.marketing')
    .tap('marketing', (turn, command) => marketingCommand({ ctx, service, schedule }, turn, command));
  // `!config set marketing_interval_hours 2` re-schedules at once; a change made elsewhere (dashboard,
  // another process) is picked up at the next run.
  hooks.settled.tap('marketing-config', async (turn) => {
    const { command, tenantId } = turn;
    if (command?.id === 'admin.config' && command.adminArgs && tenants.includes(tenantId))
      await schedule.reconcile(tenantId);
  });
  hooks.boot.tap('marketing-schedule', async ({ signal }) => {
    signal.addEventListener('abort', () => schedule.stop(), { once: true });
    const scheduler = container.isRegistered(Tokens.Scheduler, true) ? container.resolve(Tokens.Scheduler) : undefined;
    await schedule.start(scheduler, tenants);
  });
  hooks.shutdown.tap('marketing-schedule', () => schedule.stop());
  return service;
}
