import type { PluginHooks, Turn, TurnResult } from '@smmbot/core';
import type { LogRecord } from '../records.js';
import { supportState } from '../state.js';
import type { MessageLog, NewLogEntry } from './message-log.js';

const loggedText = new WeakMap<Turn, string>();

/**
 * Replaces the text the log keeps for this turn (e.g. `!config set ai_api_key …` with the key hidden).
 * Logs are read by staff who may not see secrets; the original text is never stored.
 */
export function redactLoggedText(turn: Turn, text: string): void {
  loggedText.set(turn, text);
}

/**
 * The log line of a settled turn, or undefined when the turn is not worth one: the handlers said so
 * (`log.skip`), nothing named an action and no command was parsed (dropped early), or it was chatter
 * in a group that got no answer.
 */
export function logEntryOf(turn: Turn, result: TurnResult): NewLogEntry | undefined {
  const state = supportState(turn);
  const log = state.log;
  if (log.skip) return undefined;
  const action = log.action ?? turn.command?.id;
  if (!action) return undefined;
  const group = turn.message.chat.kind === 'group';
  if (group && action === 'unknown' && result.replies.length === 0) return undefined;
  const panelUser = turn.panelUser ?? state.identity?.panelUser;
  return {
    ...(state.identity ? { identityId: state.identity.id } : {}),
    channel: turn.message.channel,
    chatId: turn.message.chat.id,
    senderId: turn.message.sender.id,
    ...(panelUser ? { panelUser } : {}),
    role: turn.role,
    action,
    orderIds: log.orderIds.length ? [...log.orderIds] : [...(turn.command?.ids ?? [])],
    ...(log.provider ? { provider: log.provider } : {}),
    providerOrderIds: [...log.providerOrderIds],
    result: resultOf(log.result, result),
    ...reasonOf(log.reason, result),
    priority: turn.priority,
    rawText: loggedText.get(turn) ?? turn.message.text,
    // Silent turns build their replies without sending them: the log keeps what would have been said.
    reply: result.replies.map((r) => r.text).join('\n\n'),
  };
}

function resultOf(drafted: LogRecord['result'] | undefined, result: TurnResult): LogRecord['result'] {
  if (result.status === 'failed') return 'error';
  if (drafted) return drafted;
  return result.status === 'dropped' ? 'refused' : 'ok';
}

function reasonOf(drafted: string | undefined, result: TurnResult): { reason?: string } {
  // A failed turn's error code says more than the reason the handler had noted before it threw.
  const reason = result.status === 'failed' ? (result.reason ?? drafted) : (drafted ?? result.reason);
  return reason ? { reason } : {};
}

/** The `settled` tap: one log line per command turn, answered, silent, dropped or failed. */
export function applyMessageLogging(hooks: PluginHooks, log: MessageLog): void {
  hooks.settled.tap('message-log', async (turn, result) => {
    const entry = logEntryOf(turn, result);
    if (entry) await log.record(turn.tenantId, entry);
  });
}
