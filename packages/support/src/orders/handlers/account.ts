import { type Outcome, type ParsedCommand, type TicketStatus, Tokens, type Turn } from '@smmbot/core';
import { supportState } from '../../state.js';
import { draft, type TemplateKey } from '../../templates/defaults.js';
import { factsOf, formatWait } from '../format.js';
import { type Actor, sameUser } from '../ownership.js';
import type { OrderOutcome, Vars } from '../types.js';
import { type OrdersEnv, outcomesReply, panelOf, recordOutcomes, refusal } from './common.js';

/** A successful information reply, logged as `info`. */
function info(turn: Turn, key: TemplateKey, vars: Vars, facts: string[] = []): Outcome {
  const log = supportState(turn).log;
  log.result = 'info';
  log.reason = key;
  return { reason: key, replies: [{ ...draft(key, vars), facts }] };
}

/** `balance`: the linked user's panel balance (`findUser`), at most once per `balance_cooldown_seconds`. */
export async function balance(env: OrdersEnv, turn: Turn, _command: ParsedCommand, actor: Actor): Promise<Outcome> {
  if (!actor.panelUser) return refusal(turn, 'not_linked');
  const wait = await env.cooldowns.balanceWait(turn.tenantId, actor.key);
  if (wait !== undefined) return refusal(turn, 'balance_cooldown', { wait: formatWait(wait) });
  const panel = panelOf(turn);
  if (!panel.findUser || !panel.capabilities.has('users.get')) {
    return refusal(turn, 'action_unavailable', { action: 'balance' });
  }
  const user = await panel.findUser(actor.panelUser);
  if (!user || user.balance === undefined) {
    const outcome = refusal(turn, 'balance_unknown', { username: actor.panelUser });
    supportState(turn).log.result = 'error';
    return outcome;
  }
  await env.cooldowns.markBalance(turn.tenantId, actor.key, turn.config.balance_cooldown_seconds * 1000);
  const amount = user.balance.toFixed(2);
  const outcome = info(turn, 'balance', { balance: amount, currency: user.currency ?? '' }, [amount]);
  // No currency reported: "*12.50*", not "*12.50 *".
  for (const r of outcome.replies) r.text = r.text.replace(/ \*$/, '*');
  return outcome;
}

/** `services`: the configured services link, else the panel's service count (with the panel link if known). */
export async function services(_env: OrdersEnv, turn: Turn): Promise<Outcome> {
  const url = turn.config.services_url;
  if (url) return info(turn, 'services', { url }, [url]);
  const panel = turn.services.has(Tokens.Panel) ? panelOf(turn) : undefined;
  if (panel?.services && panel.capabilities.has('services')) {
    const count = (await panel.services()).length;
    const panelUrl = turn.config.panel_url?.replace(/\/+$/, '');
    return panelUrl
      ? info(turn, 'services_count', { count, url: `${panelUrl}/services` }, [String(count)])
      : info(turn, 'services_count_only', { count }, [String(count)]);
  }
  return info(turn, 'services_missing', {});
}

const TICKET_LABEL: Record<TicketStatus, string> = {
  open: 'Open',
  pending: 'Pending',
  answered: 'Answered',
  closed: 'Closed',
  unknown: 'Unknown',
};
/** Most tickets looked up from one message. */
const MAX_TICKETS = 10;

/** `ticket <ids>`: status and subject of the asker's own panel tickets (staff: any ticket). */
export async function ticket(_env: OrdersEnv, turn: Turn, command: ParsedCommand, actor: Actor): Promise<Outcome> {
  if (!actor.anyOwner && !actor.panelUser) return refusal(turn, 'not_linked');
  if (command.ids.length === 0) return refusal(turn, 'ticket_missing_id');
  const panel = panelOf(turn);
  if (!panel.getTicket || !panel.capabilities.has('tickets.get')) {
    return refusal(turn, 'action_unavailable', { action: 'ticket' });
  }
  const outcomes: OrderOutcome[] = [];
  for (const id of command.ids.slice(0, MAX_TICKETS)) {
    const found = await panel.getTicket(id);
    const vars = { ticket_id: id };
    if (!found)
      outcomes.push({ orderId: id, kind: 'refused', key: 'ticket_not_found', vars, reason: 'ticket_not_found' });
    else if (!actor.anyOwner && !sameUser(found.user, actor.panelUser)) {
      outcomes.push({ orderId: id, kind: 'refused', key: 'ticket_not_owned', vars, reason: 'ticket_not_owned' });
    } else {
      const status = TICKET_LABEL[found.status];
      const done = { ...vars, status, subject: found.subject || '-' };
      outcomes.push({ orderId: id, kind: 'done', key: 'ticket_status', vars: done, reason: 'ticket_status' });
    }
  }
  recordOutcomes(turn, outcomes, 'info');
  // Ticket ids are not order ids: keep the log's order ids for orders.
  supportState(turn).log.orderIds = [];
  const reply = outcomesReply(outcomes, 'ticket_status');
  for (const r of reply.replies) r.facts = factsOf(outcomes);
  return reply;
}
