import { definePlugin, HELP_TEXT, Stage, Tokens } from '@smmbot/core';
import { type EscalationReport, type EscalationScope, escalate } from './admin/ops-escalate.js';
import { applyCustomCommands, commandLexicon } from './commands.js';
import { applyAi } from './ai/index.js';
import { createSupportContext } from './context.js';
import { applyIdentity, type IdentityService } from './identity/index.js';
import type { InjectionToken } from 'tsyringe';
import { applyLog, logServicesFor } from './log/index.js';
import { applyMarketing } from './marketing/index.js';
import { supportOptions } from './options.js';
import type { LogRecord } from './records.js';
import { applyOrders } from './orders/index.js';
import { supportState } from './state.js';
import { applyTickets } from './tickets/index.js';
import { draft } from './templates/defaults.js';

export const PLUGIN_NAME = '@smmbot/support';

/** The customer/identity service (block, unblock, verify manually, list customers) for the dashboard. */
export const IdentityServiceToken = Symbol('smmbot.support.IdentityService') as InjectionToken<IdentityService>;

/** Sends escalated log entries' provider order ids to the providers' groups (what `!resolve … escalated` does). */
export interface Escalation {
  escalate(scope: EscalationScope, records: LogRecord[]): Promise<EscalationReport>;
}

/** The escalation of log entries, for the dashboard's status changes (the REST API). */
export const EscalationToken = Symbol('smmbot.support.Escalation') as InjectionToken<Escalation>;

/**
 * The support workflow: who is talking (identities, roles, verification), what they may do
 * (ownership, eligibility, cooldowns), doing it (panel or provider group), the message log, reply
 * templates and the admin commands. Replaces `basicCommands` from core.
 */
export const support = definePlugin({
  name: PLUGIN_NAME,
  options: supportOptions,
  setup: (options) => ({
    name: PLUGIN_NAME,
    register(container) {
      container.register(Tokens.CommandLexicon, { useValue: commandLexicon(options) });
    },
    apply({ hooks, container, containerFor, logger, receive, tenants }) {
      const ctx = createSupportContext(container, options, logger);
      const identities = applyIdentity(ctx, hooks);
      container.register(IdentityServiceToken, { useValue: identities });
      container.register(EscalationToken, {
        useValue: { escalate: (scope, records) => escalate(scope, records, ctx) },
      });
      // AI mode's rewrite, free-text answers and consolation: each a no-op on turns without Tokens.Ai.
      const { aiRewrite } = applyAi(hooks);
      applyLog(ctx, hooks, { services: logServicesFor(container, ctx), aiRewrite });
      applyOrders(ctx, hooks);
      applyTickets(ctx, hooks, { container, containerFor, receive, tenants });
      applyMarketing(ctx, hooks, { container, tenants });
      applyCustomCommands(options, hooks);
      hooks.command.for('help').tap('help', (turn) => {
        supportState(turn).log.action = 'help';
        return { reason: 'help', replies: [{ text: HELP_TEXT, template: 'help' }] };
      });
      hooks.command.for('greeting').tap('greeting', (turn) => {
        supportState(turn).log.action = 'greeting';
        supportState(turn).log.result = 'info';
        // Greetings in groups are not answered once the sender is verified: people greet each other there.
        if (turn.message.chat.kind === 'group') return { reason: 'group_greeting', replies: [] };
        return { reason: 'greeting', replies: [draft('greeting')] };
      });
      hooks.command.for('unknown').tap(
        'not-understood',
        (turn) => {
          const state = supportState(turn);
          state.log.action = 'unknown';
          state.log.result = 'info';
          // Chatter in groups is not answered; in a private chat the customer gets a pointer to help.
          if (turn.message.chat.kind === 'group') return { reason: 'group_chatter', replies: [] };
          return { reason: 'not_understood', replies: [draft('not_understood')] };
        },
        { stage: Stage.FALLBACK },
      );
    },
  }),
});
