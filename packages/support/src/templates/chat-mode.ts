import {
  type ChatMode,
  type OutboundMessage,
  type PluginHooks,
  type ReplyContext,
  Stage,
  type TenantConfigSource,
  type Turn,
} from '@smmbot/core';
import { renderTemplate } from './defaults.js';
import { allowedVars, isTemplateKey, type TemplateStore } from './store.js';

/**
 * AI mode's rewrite of a reply (spec "AI mode": every customer-facing reply reformatted by the LLM,
 * keeping `message.facts`). The AI issue supplies it; until then AI mode sends the manual text.
 */
export type AiRewrite = (message: OutboundMessage, context: ReplyContext) => Promise<OutboundMessage>;

/** The seam AI mode goes through today: the text is left as written. */
export const sendAsWritten: AiRewrite = async (message) => message;

export interface ChatModeOptions {
  templates: TemplateStore;
  config: TenantConfigSource;
  /** What AI mode does to a reply; defaults to `sendAsWritten` (the AI issue replaces it). */
  aiRewrite?: AiRewrite;
}

/** Templates that are the same in every chat mode (spec: "help … always hardcoded"). */
export const FIXED_TEMPLATES: ReadonlySet<string> = new Set(['help']);

/**
 * The `reply` tap (Stage.PRE) that applies the tenant's chat mode:
 * - manual: the handler's text, as written;
 * - custom: a non-blank tenant override of `message.template` is rendered with `message.vars`;
 *   a missing or blank override keeps the handler's (default) text;
 * - ai: `aiRewrite`, for every reply but the fixed ones (a no-op until the AI issue fills it).
 * A message is re-rendered only when its vars are all there (`vars` set, or a template without
 * variables): a text built from several blocks must leave `vars` out, and is then sent as built.
 * Text is never escaped or re-flowed, so WhatsApp formatting in overrides and vars reaches the chat.
 */
export function applyChatModes(hooks: PluginHooks, options: ChatModeOptions): void {
  const aiRewrite = options.aiRewrite ?? sendAsWritten;
  hooks.reply.tap(
    'chat-mode',
    async (message, context) => {
      if (message.template && FIXED_TEMPLATES.has(message.template)) return message;
      const mode = await chatModeOf(message, context.turn, options.config);
      if (mode === 'custom') return renderCustom(message, options.templates);
      if (mode === 'ai') return aiRewrite(message, context);
      return message;
    },
    { stage: Stage.PRE },
  );
}

async function chatModeOf(
  message: OutboundMessage,
  turn: Turn | undefined,
  config: TenantConfigSource,
): Promise<ChatMode> {
  // Scheduled and broadcast messages have no turn: read the tenant's config (cached by the source).
  return (turn?.config ?? (await config.get(message.tenantId))).chat_mode;
}

async function renderCustom(message: OutboundMessage, templates: TemplateStore): Promise<OutboundMessage> {
  const key = message.template;
  if (!key || !isTemplateKey(key)) return message;
  // Without vars only a template that uses none can be rendered (core's `error` apology carries none).
  if (message.vars === undefined && allowedVars(key).length > 0) return message;
  const override = await templates.get(message.tenantId, key);
  if (!override?.trim()) return message;
  return { ...message, text: renderTemplate(override, message.vars ?? {}) };
}
