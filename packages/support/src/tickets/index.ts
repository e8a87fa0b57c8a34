import { type PluginHooks, Stage, Tokens } from '@smmbot/core';
import type { InjectionToken } from 'tsyringe';
import type { SupportContext } from '../context.js';
import { logServicesFor } from '../log/index.js';
import { supportState } from '../state.js';
import { isTicketChannel, TICKET_JOB_ID, TICKET_LOCK_TTL_MS, type TicketHost, TicketAi } from './ticket-ai.js';

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
} from './ticket-ai.js';

/** The container's TicketAi (e.g. to poll on demand from an admin command or a webhook). */
export const TicketAiToken = Symbol('smmbot.support.TicketAi') as InjectionToken<TicketAi>;

/**
 * Ticket AI: at boot, every tenant with `ticket_ai_enabled` gets the `ticket-ai` job every
 * `ticket_poll_interval` seconds (the interval is read at boot; the job re-reads `ticket_ai_enabled`
 * each run, so switching it off takes effect at once). Command tickets are logged by the message log
 * like chat commands, with the action renamed `ticket:<command>`.
 */
export function applyTickets(ctx: SupportContext, hooks: PluginHooks, host: TicketHost): TicketAi {
  const { log } = logServicesFor(host.container, ctx);
  const tickets = new TicketAi(ctx, host, log);
  host.container.register(TicketAiToken, { useValue: tickets });

  hooks.boot.tap('ticket-ai', async () => {
    const scheduler = host.container.isRegistered(Tokens.Scheduler, true)
      ? host.container.resolve(Tokens.Scheduler)
      : undefined;
    for (const tenant of tickets.tenants()) {
      tickets.ensureChannel(tenant);
      const config = await ctx.config.get(tenant);
      if (!config.ticket_ai_enabled || !scheduler) continue;
      scheduler.schedule({
        id: TICKET_JOB_ID,
        tenantId: tenant,
        everyMs: config.ticket_poll_interval * 1000,
        lockTtlMs: TICKET_LOCK_TTL_MS,
      });
    }
  });

  hooks.schedule.for(TICKET_JOB_ID).tap('ticket-ai', async (run) => {
    if (!run.tenantId) return;
    const config = await ctx.config.get(run.tenantId);
    if (!config.ticket_ai_enabled) return;
    await tickets.poll(run.tenantId);
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
