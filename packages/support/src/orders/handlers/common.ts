import {
  type Outcome,
  type PanelClient,
  type ParsedCommand,
  type PluginHooks,
  type ReplyDraft,
  SmmbotError,
  Tokens,
  type Turn,
} from '@smmbot/core';
import type { LogRecord } from '../../records.js';
import { supportState } from '../../state.js';
import { draft, type TemplateKey } from '../../templates/defaults.js';
import type { Cooldowns } from '../cooldown.js';
import { factsOf, formatWait, groupedReply, outcomeLines } from '../format.js';
import { type Actor, actorOf } from '../ownership.js';
import type { OrderRules } from '../rules.js';
import type { OrderOutcome, OrdersDeps, Vars } from '../types.js';

/** What every order handler gets. */
export interface OrdersEnv extends OrdersDeps {
  cooldowns: Cooldowns;
  rules: OrderRules;
}

export type Handler = (turn: Turn, command: ParsedCommand, actor: Actor) => Promise<Outcome>;

/**
 * Taps a command: fills the log draft's action, refuses rapid repeats of the same command (same verb
 * and ids) from the same person, notes truncated id lists, and keeps a dirty command's own words in the
 * log reason. Dirty commands otherwise run exactly like clean ones (the engine already raised priority).
 */
export function onCommand(
  hooks: PluginHooks,
  env: OrdersEnv,
  id: string,
  handler: Handler,
  options: { repeatGuard?: boolean } = {},
): void {
  hooks.command.for(id).tap(`orders:${id}`, async (turn, command) => {
    const state = supportState(turn);
    state.log.action = id;
    const actor = actorOf(turn);
    let outcome: Outcome;
    const wait =
      options.repeatGuard === false
        ? undefined
        : await env.cooldowns.command(turn.tenantId, actor.key, `${id}:${command.ids.join(',')}`);
    if (wait !== undefined) {
      state.log.orderIds = [...command.ids];
      outcome = refusal(turn, 'command_cooldown', { wait: formatWait(wait) });
    } else {
      outcome = await handler(turn, command, actor);
    }
    if (command.truncated) {
      outcome.replies.push(draft('ids_truncated', { max: turn.config.max_ids_per_message }));
    }
    if (command.dirty && command.extraText) {
      state.log.reason = `${state.log.reason ?? outcome.reason ?? id} | customer: "${command.extraText}"`;
    }
    return outcome;
  });
}

/** A whole-command refusal (not linked, permission, missing id, cooldown): one reply, logged as refused. */
export function refusal(turn: Turn, key: TemplateKey, vars: Vars = {}): Outcome {
  const log = supportState(turn).log;
  log.result = 'refused';
  log.reason = key;
  return { reason: key, replies: [draft(key, vars)] };
}

/** The tenant's panel; a tenant without one gets the engine's customer-safe "unavailable" apology. */
export function panelOf(turn: Turn): PanelClient {
  if (!turn.services.has(Tokens.Panel)) {
    throw new SmmbotError('E_UNAVAILABLE', `tenant "${turn.tenantId}" has no panel configured`);
  }
  return turn.services.resolve(Tokens.Panel);
}

/** `submitted ×2, not_owned` from per-order reasons. */
function summarize(outcomes: OrderOutcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.reason, (counts.get(o.reason) ?? 0) + 1);
  return [...counts].map(([r, n]) => (n > 1 ? `${r} x${n}` : r)).join(', ');
}

/** The log result of per-order outcomes; `doneResult` is what all-done means (`ok` for actions, `info` for look-ups). */
export function resultOf(outcomes: OrderOutcome[], doneResult: LogRecord['result']): LogRecord['result'] {
  const done = outcomes.filter((o) => o.kind === 'done').length;
  if (outcomes.length > 0 && done === outcomes.length) return doneResult;
  if (done > 0) return 'partial';
  return outcomes.some((o) => o.kind === 'error') ? 'error' : 'refused';
}

/** Fills the log draft from per-order outcomes (order ids, providers and their order ids, result, reason). */
export function recordOutcomes(turn: Turn, outcomes: OrderOutcome[], doneResult: LogRecord['result']): void {
  const log = supportState(turn).log;
  log.orderIds = outcomes.map((o) => o.orderId);
  const providers = [...new Set(outcomes.flatMap((o) => (o.provider ? [o.provider] : [])))];
  if (providers.length) log.provider = providers.join(', ');
  log.providerOrderIds = outcomes.flatMap((o) => (o.providerOrderId ? [o.providerOrderId] : []));
  log.result = resultOf(outcomes, doneResult);
  log.reason = summarize(outcomes);
}

/** One reply for per-order outcomes, grouped by outcome; `extra` text blocks (order details) go first. */
export function outcomesReply(outcomes: OrderOutcome[], reason: string): Outcome {
  const lines = outcomeLines(outcomes);
  const replies: ReplyDraft[] = lines.length ? [groupedReply(lines, factsOf(outcomes))] : [];
  return { reason, replies };
}
