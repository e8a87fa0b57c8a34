import { type PluginHooks, Stage } from '@smmbot/core';
import type { AiRewrite } from '../templates/chat-mode.js';
import { supportState } from '../state.js';
import { answerUnknown } from './answer.js';
import { detectLanguage } from './language.js';
import { aiOf } from './model.js';
import { type AiReplyOptions, consoleReply, createAiRewrite } from './rewrite.js';

export { answerUnknown, CONTEXT_ORDERS, customerOrders } from './answer.js';
export { checkFacts, extractFacts, type FactCheck, factList, keepsFacts, type ReplyFacts } from './facts.js';
export { leakIn } from './guard.js';
export { detectLanguage, LANGUAGE_NAMES, languageName } from './language.js';
export { aiOf, askModel, DEFAULT_AI_TIMEOUT_MS, noteFallback } from './model.js';
export { ANSWER_SYSTEM_PROMPT, CONSOLATION_LINE, REWRITE_SYSTEM_PROMPT } from './prompts.js';
export { AI_TEMPLATES, type AiReplyOptions, consoleReply, createAiRewrite, wantsConsolation } from './rewrite.js';

/**
 * The AI side of support replies (spec "Chat Modes" → AI mode, and "AI consolation"), active per turn only
 * when an AI provider is registered (`Tokens.Ai`, on the tenant's container or the root one):
 * - `inbound`: the reply language (`turn.locale`): the configured one, or detected when `language: auto`;
 * - `command:unknown` (Stage.POST, before the not_understood fallback): AI mode answers free text of
 *   verified customers in private chats, with their own recent orders as context;
 * - `reply` (after the chat mode): dirty commands get one merged empathetic reply in manual and custom
 *   mode (AI mode merges it in its rewrite);
 * Returns AI mode's rewrite for `applyLog(..., { aiRewrite })`. Model output is only ever shown, after
 * the fact check and the leak filter; actions come from the command parser alone.
 */
export function applyAi(hooks: PluginHooks, options: AiReplyOptions = {}): { aiRewrite: AiRewrite } {
  hooks.inbound.tap('ai-language', (message, turn) => {
    const configured = turn.config.language;
    if (configured && configured !== 'auto') turn.locale = configured;
    else turn.locale = detectLanguage(message.text) ?? turn.locale;
    return message;
  });
  hooks.command.for('unknown').tap(
    'ai-answer',
    async (turn) => {
      if (turn.config.chat_mode !== 'ai' || turn.message.chat.kind !== 'private') return undefined;
      if (turn.role !== 'customer' || !turn.panelUser || !aiOf(turn)) return undefined;
      const text = await answerUnknown(turn, options);
      if (text === undefined) return undefined;
      const log = supportState(turn).log;
      log.action = 'unknown';
      log.result = 'info';
      log.reason = 'ai_answer';
      return { reason: 'ai_answer', replies: [{ text, template: 'ai_answer' }] };
    },
    { stage: Stage.POST },
  );
  hooks.reply.tap('ai-consolation', (message, context) => consoleReply(message, context, options), {
    stage: Stage.PRE + 1,
  });
  return { aiRewrite: createAiRewrite(options) };
}
