import type { TenantId } from './storage.js';

/** The AI interface; the AI issue fills it out (usage, limits, rewriting). */
export interface AiChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface AiProvider {
  readonly name: string;
  complete(tenant: TenantId, messages: AiChatMessage[], options?: { maxTokens?: number }): Promise<string>;
}
