import type { PluginHooks } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import { Cooldowns } from './cooldown.js';
import { createDispatcher } from './dispatch.js';
import { runAction } from './handlers/actions.js';
import { balance, services, ticket } from './handlers/account.js';
import { type OrdersEnv, onCommand } from './handlers/common.js';
import { orderStatus, refillStatus } from './handlers/lookup.js';
import { providerStatus, refillVerify } from './handlers/staff.js';
import { OrderRules } from './rules.js';
import { ORDER_ACTIONS } from './types.js';

export { ACTION_LABEL, formatWait, STATUS_LABEL } from './format.js';
export { checkEligibility, type Eligibility } from './eligibility.js';
export { type Actor, actorOf, ownsOrder, sameUser } from './ownership.js';
export type { OrderAction, OrderOutcome, RouteResult, RouteStatus } from './types.js';

/**
 * Customer order commands and the staff order tools: ownership, eligibility, cooldowns, dispatch.
 * (`my_username` is answered by the identity work, which also starts verification for unlinked chats.)
 *
 * | command id              | who                        | does                                                 |
 * | ----------------------- | -------------------------- | ---------------------------------------------------- |
 * | order                   | linked customer, staff     | status per id (full ≤ 3 ids, grouped by status above) |
 * | refill, cancel, speedup | linked customer (own), staff | ownership → eligibility → cooldown → dispatch      |
 * | refund, partial         | linked customer (own), staff | same                                               |
 * | fake_complete           | `orders.any_owner` (staff) | same; customers get permission_denied                |
 * | refill_status           | linked customer (own), staff | the refill the bot requested, live when possible   |
 * | balance                 | linked                     | `findUser` balance; `balance_cooldown_seconds`       |
 * | services                | anyone                     | services_url, else the panel's count (+ link)        |
 * | ticket                  | linked (own tickets), staff | getTicket status and subject                        |
 * | staff.refill_verify     | `bot.refill_verify`        | panel counts vs provider's live figures + verdict    |
 * | staff.provider_status   | `bot.provider_status`      | provider order id + provider status, no ownership    |
 */
export function applyOrders(ctx: SupportContext, hooks: PluginHooks): void {
  const env: OrdersEnv = {
    ctx,
    dispatch: createDispatcher(ctx, hooks),
    cooldowns: new Cooldowns(ctx.kv, ctx.clock),
    rules: new OrderRules(ctx.clock, ctx.options.serviceRules),
  };
  for (const action of ORDER_ACTIONS) {
    onCommand(hooks, env, action, (turn, command, actor) => runAction(env, turn, command, actor, action));
  }
  onCommand(hooks, env, 'order', (turn, command, actor) => orderStatus(env, turn, command, actor));
  onCommand(hooks, env, 'refill_status', (turn, command, actor) => refillStatus(env, turn, command, actor));
  // Balance has its own cooldown (balance_cooldown_seconds), which says so in its own words.
  onCommand(hooks, env, 'balance', (turn, command, actor) => balance(env, turn, command, actor), {
    repeatGuard: false,
  });
  onCommand(hooks, env, 'services', (turn) => services(env, turn));
  onCommand(hooks, env, 'ticket', (turn, command, actor) => ticket(env, turn, command, actor));
  onCommand(hooks, env, 'staff.refill_verify', (turn, command) => refillVerify(env, turn, command), {
    repeatGuard: false,
  });
  onCommand(hooks, env, 'staff.provider_status', (turn, command) => providerStatus(env, turn, command), {
    repeatGuard: false,
  });
}
