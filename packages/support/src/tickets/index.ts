import { type BotConfig, type PluginHooks, type Scheduler, Stage, type TenantId, Tokens } from '@smmbot/core';
import type { InjectionToken } from 'tsyringe';
import type { SupportContext } from '../context.js';
import { logServicesFor } from '../log/index.js';
import { supportState } from '../state.js';
import {
  isTicketChannel,
  TICKET_JOB_ID,
  TICKET_LOCK_TTL_MS,
  TICKET_REPLIED_TTL_MS,
  type TicketHost,
  TicketAi,
  ticketReplyKey,
  ticketReplyText,
} from './ticket-ai.js';

export { DEFAULT_TICKET_SIGNATURE, stripSignOff, withSignature } from './signature.js';
export {
  isTicketChannel,
  NO_AI_NOTE,
  TICKET_ACTIONS,
  TICKET_JOB_ID,
  TICKET_LOCK_TTL_MS,
  TICKET_REPLIED_TTL_MS,
  TicketAi,
  type TicketHost,
  type TicketOutcome,
  type TicketPollResult,
  ticketChannelName,
  ticketLockKey,
  ticketRepliedKey,
  ticketReplyKey,
  ticketReplyText,
} from './ticket-ai.js';

/** The container's TicketAi (e.g. to poll on demand from an admin command or a webhook). */
export const TicketAiToken = Symbol('smmbot.support.TicketAi') as InjectionToken<TicketAi>;

/** The tenant's `ticket-ai` job, planned from its bot_config. */
export interface TicketSchedule {
  /** Re-plans the job after `ticket_ai_enabled` or `ticket_poll_interval` changed (e.g. from the dashboard). True when it changed. */
  reconcile(tenant: TenantId): Promise<boolean>;
}
export const TicketScheduleToken = Symbol('smmbot.support.TicketSchedule') as InjectionToken<TicketSchedule>;

/**
 * Ticket AI: at boot, every tenant with `ticket_ai_enabled` gets the `ticket-ai` job every
 * `ticket_poll_interval` seconds (read at boot, and again by `TicketScheduleToken.reconcile`; the job
 * re-reads `ticket_ai_enabled` each run, so switching it off takes effect at once). Command tickets are logged by the message log
 * like chat commands, with the action renamed `ticket:<command>`.
 */
export function applyTickets(ctx: SupportContext, hooks: PluginHooks, host: TicketHost): TicketAi {
  const { log } = logServicesFor(host.container, ctx);
  const tickets = new TicketAi(ctx, host, log);
  host.container.register(TicketAiToken, { useValue: tickets });

  let scheduler: Scheduler | undefined;
  /** Tenant → the interval its job runs at (0: not scheduled). */
  const planned = new Map<TenantId, number>();
  const plan = (tenant: TenantId, config: BotConfig): boolean => {
    const everyMs = config.ticket_ai_enabled ? config.ticket_poll_interval * 1000 : 0;
    if (!scheduler || (planned.get(tenant) ?? 0) === everyMs) return false;
    planned.set(tenant, everyMs);
    if (everyMs) scheduler.schedule({ id: TICKET_JOB_ID, tenantId: tenant, everyMs, lockTtlMs: TICKET_LOCK_TTL_MS });
    else scheduler.unschedule(TICKET_JOB_ID, tenant);
    return true;
  };
  host.container.register(TicketScheduleToken, {
    useValue: {
      async reconcile(tenant) {
        tickets.ensureChannel(tenant);
        return plan(tenant, await ctx.config.get(tenant));
      },
    },
  });

  hooks.boot.tap('ticket-ai', async () => {
    scheduler = host.container.isRegistered(Tokens.Scheduler, true)
      ? host.container.resolve(Tokens.Scheduler)
      : undefined;
    for (const tenant of tickets.tenants()) {
      tickets.ensureChannel(tenant);
      plan(tenant, await ctx.config.get(tenant));
    }
  });

  hooks.schedule.for(TICKET_JOB_ID).tap('ticket-ai', async (run) => {
    if (!run.tenantId) return;
    const config = await ctx.config.get(run.tenantId);
    if (!config.ticket_ai_enabled) return;
    await tickets.poll(run.tenantId);
  });

  // Settled taps run before the turn's claim says "done": the reply is kept by then, so a worker that
  // dies before posting it leaves it for the next poll (the turn itself is never run twice).
  hooks.settled.tap('ticket-keep-reply', async (turn, result) => {
    if (!isTicketChannel(turn.message.channel) || result.status === 'failed') return;
    const text = ticketReplyText(result.replies);
    if (text) await ctx.kv.set(turn.tenantId, ticketReplyKey(turn.message.id), text, TICKET_REPLIED_TTL_MS);
  });

  // Before the message log writes the line: a ticket's command is logged as `ticket:<command>`.
  hooks.settled.tap(
    'ticket-log-action',
    (turn) => {
      if (!isTicketChannel(turn.message.channel)) return;
      const draft = supportState(turn).log;
      const action = draft.action ?? turn.command?.id;
      if (action && !action.startsWith('ticket:')) draft.action = `ticket:${action}`;
    },
    { stage: Stage.PRE },
  );
  return tickets;
}
