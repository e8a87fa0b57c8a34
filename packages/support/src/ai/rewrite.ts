import { Tokens, type OutboundMessage, type ReplyContext, type Turn } from '@smmbot/core';
import { FIXED_TEMPLATES } from '../templates/chat-mode.js';
import type { AiRewrite } from '../templates/chat-mode.js';
import { supportState } from '../state.js';
import { checkFacts, extractFacts, factList } from './facts.js';
import { leakIn } from './guard.js';
import { aiOf, askModel, noteFallback } from './model.js';
import { CONSOLATION_LINE, REWRITE_SYSTEM_PROMPT, rewriteUserPrompt } from './prompts.js';

/** Templates whose text the model wrote already (answers to free text): never rewritten again. */
export const AI_TEMPLATES: ReadonlySet<string> = new Set(['ai_answer']);

export interface AiReplyOptions {
  timeoutMs?: number;
  /** Strings a reply must never carry besides the tenant's configured keys (e.g. the panel's admin key). */
  secrets?: readonly string[];
}

const consoled = new WeakSet<Turn>();

/** A reply to the customer of this turn (not a staff answer, not a message to another chat). */
function customerReply(message: OutboundMessage, turn: Turn): boolean {
  return turn.role === 'customer' && message.chatId === turn.message.chat.id;
}

/**
 * Whether this reply should carry the consolation: a dirty command whose handler ran (the action came
 * first), consolation enabled, AI configured, and only the first such reply of the turn.
 */
export function wantsConsolation(message: OutboundMessage, turn: Turn): boolean {
  const command = turn.command;
  if (!command?.dirty || !turn.config.ai_consolation_enabled || consoled.has(turn)) return false;
  if (message.template && (FIXED_TEMPLATES.has(message.template) || AI_TEMPLATES.has(message.template))) return false;
  if (supportState(turn).log.action !== command.id) return false;
  return customerReply(message, turn) && turn.services.has(Tokens.Ai);
}

/**
 * Rewrites (and for dirty commands merges a consolation into) one reply through the model. The answer is
 * used only when it keeps every fact of the manual text, adds none, and leaks nothing; otherwise the
 * manual text (plus the fixed consolation line when one was asked for) goes out and the reason is logged.
 */
async function viaModel(
  message: OutboundMessage,
  turn: Turn,
  consolation: boolean,
  options: AiReplyOptions,
): Promise<OutboundMessage> {
  const fallback = consolation ? { ...message, text: `${message.text}\n\n${CONSOLATION_LINE}` } : message;
  const what = consolation ? 'consolation' : 'rewrite';
  if (consolation) consoled.add(turn);
  const ai = aiOf(turn);
  if (!ai) return fallback;
  const facts = factList(extractFacts(message.text, message.facts ?? []));
  const answer = await askModel(
    ai,
    turn,
    [
      { role: 'system', content: REWRITE_SYSTEM_PROMPT },
      { role: 'user', content: rewriteUserPrompt(turn, message.text, facts, consolation) },
    ],
    options,
  );
  if (!answer.ok) {
    noteFallback(turn, what, answer.why);
    return fallback;
  }
  const leak = leakIn(answer.text, turn, options.secrets);
  if (leak) {
    noteFallback(turn, what, leak);
    return fallback;
  }
  const check = checkFacts(message.text, answer.text, message.facts ?? []);
  if (!check.ok) {
    noteFallback(turn, what, `facts(${check.problems.slice(0, 3).join(',')})`);
    return fallback;
  }
  return { ...message, text: answer.text, meta: { ...message.meta, ai: what } };
}

/** AI mode's rewrite (the `AiRewrite` seam of chat-mode.ts); a no-op without an AI provider. */
export function createAiRewrite(options: AiReplyOptions = {}): AiRewrite {
  return async (message: OutboundMessage, context: ReplyContext) => {
    const turn = context.turn;
    if (!turn || !aiOf(turn) || !customerReply(message, turn)) return message;
    if (message.template && AI_TEMPLATES.has(message.template)) return message;
    return viaModel(message, turn, wantsConsolation(message, turn), options);
  };
}

/** The consolation of a dirty command's reply in manual and custom mode (AI mode merges it in the rewrite). */
export async function consoleReply(
  message: OutboundMessage,
  context: ReplyContext,
  options: AiReplyOptions = {},
): Promise<OutboundMessage> {
  const turn = context.turn;
  if (!turn || !wantsConsolation(message, turn)) return message;
  return viaModel(message, turn, true, options);
}
