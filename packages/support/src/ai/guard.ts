import type { Turn } from '@smmbot/core';
import { PROMPT_LINES } from './prompts.js';

const SECRET_KEYS = ['panel_api_key', 'ai_api_key', 'ticket_webhook_key'] as const;

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Why a model answer must not reach the customer, or undefined when it may: it repeats the system prompt
 * (a line of it, or the quote markers of the user prompt), or carries one of the tenant's keys.
 */
export function leakIn(answer: string, turn: Turn, extraSecrets: readonly string[] = []): string | undefined {
  const text = squash(answer);
  if (/<<<|>>>/.test(answer) || /\b(reply|customer message) ?\(?data/i.test(answer)) return 'prompt_echo';
  for (const line of PROMPT_LINES) {
    const l = squash(line);
    if (l.length >= 20 && text.includes(l.slice(0, 60))) return 'prompt_echo';
  }
  const config = turn.config as unknown as Record<string, unknown>;
  const secrets = [...SECRET_KEYS.map((k) => config[k]), ...extraSecrets];
  for (const s of secrets) {
    if (typeof s === 'string' && s.length >= 6 && answer.includes(s)) return 'secret';
  }
  return undefined;
}
