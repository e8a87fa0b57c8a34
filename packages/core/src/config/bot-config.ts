// Placeholder: replaced by the full per-tenant bot_config schema.
import { z } from 'zod';
export const botConfigSchema = z.object({ chat_mode: z.enum(['manual', 'ai', 'custom']).default('manual') });
export type BotConfig = z.output<typeof botConfigSchema>;
export function defaultBotConfig(): BotConfig {
  return botConfigSchema.parse({});
}
