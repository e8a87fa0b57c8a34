import { type AiChatMessage, type AiProvider, Tokens, type Turn } from '@smmbot/core';
import { supportState } from '../state.js';

/** How long a reply waits for the model before the manual text goes out. */
export const DEFAULT_AI_TIMEOUT_MS = 15_000;
/** Longer answers are treated as garbage: support replies are short. */
export const MAX_AI_REPLY_CHARS = 3_000;

export type ModelResult = { ok: true; text: string } | { ok: false; why: string };

/** The tenant's AI provider, when one is registered (Tokens.Ai on the tenant's or the root container). */
export function aiOf(turn: Turn | undefined): AiProvider | undefined {
  if (!turn?.services.has(Tokens.Ai)) return undefined;
  try {
    return turn.services.resolve(Tokens.Ai);
  } catch {
    return undefined;
  }
}

/**
 * Asks the model, with a timeout; the answer is only ever text to show (never parsed for actions).
 * Errors, timeouts, empty, non-string or oversized answers come back as `{ ok: false, why }`.
 */
export async function askModel(
  ai: AiProvider,
  turn: Turn,
  messages: AiChatMessage[],
  options: { timeoutMs?: number; maxTokens?: number } = {},
): Promise<ModelResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_AI_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<ModelResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, why: 'timeout' }), timeoutMs);
    (timer as { unref?: () => void }).unref?.();
  });
  const call = ai
    .complete(turn.tenantId, messages, { maxTokens: options.maxTokens ?? 400 })
    .then((text): ModelResult => {
      if (typeof text !== 'string') return { ok: false, why: 'garbage' };
      const cleaned = cleanAnswer(text);
      if (!cleaned || cleaned.length > MAX_AI_REPLY_CHARS) return { ok: false, why: 'garbage' };
      return { ok: true, text: cleaned };
    })
    .catch((err: unknown): ModelResult => {
      turn.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'AI call failed');
      return { ok: false, why: 'error' };
    });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Strips a code fence or quotes wrapped around the whole answer, and outer whitespace. */
function cleanAnswer(text: string): string {
  let t = text.trim();
  const fence = /^```[a-z]*\n([\s\S]*?)\n```$/i.exec(t);
  if (fence) t = fence[1]!.trim();
  if (t.length > 1 && t.startsWith('"') && t.endsWith('"') && !t.slice(1, -1).includes('"')) t = t.slice(1, -1).trim();
  return t;
}

/** Notes on the turn's log draft why an AI reply was not used (`ai_fallback:timeout`), and logs it. */
export function noteFallback(turn: Turn, what: string, why: string): void {
  const log = supportState(turn).log;
  const note = `ai_fallback:${what}:${why}`;
  log.reason = log.reason ? `${log.reason} | ${note}` : note;
  turn.log.info({ what, why }, 'AI reply not used; the manual reply is sent');
}
