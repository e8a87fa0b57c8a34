import { definePlugin, HELP_TEXT, Stage } from '@smmbot/core';
import { createSupportContext } from './context.js';
import { applyIdentity } from './identity/index.js';
import { applyLog } from './log/index.js';
import { supportOptions } from './options.js';
import { applyOrders } from './orders/index.js';
import { supportState } from './state.js';
import { draft } from './templates/defaults.js';

export const PLUGIN_NAME = '@smmbot/support';

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
    apply({ hooks, container, logger }) {
      const ctx = createSupportContext(container, options, logger);
      applyIdentity(ctx, hooks);
      applyLog(ctx, hooks);
      applyOrders(ctx, hooks);
      hooks.command.for('help').tap('help', (turn) => {
        supportState(turn).log.action = 'help';
        return { reason: 'help', replies: [{ text: HELP_TEXT, template: 'help' }] };
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
