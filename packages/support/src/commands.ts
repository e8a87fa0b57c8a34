import type { CommandId, CommandLexicon, PluginHooks } from '@smmbot/core';
import type { SupportOptions } from './options.js';
import { supportState } from './state.js';

/** The command words each tenant adds: global aliases/custom commands plus that tenant's own. */
export function tenantWords(options: SupportOptions, tenant: string) {
  const own = options.tenants[tenant];
  const aliases = { ...options.aliases, ...(own?.aliases ?? {}) } as Record<string, CommandId>;
  const custom = { ...options.customCommands, ...(own?.customCommands ?? {}) };
  return { aliases, custom };
}

/** Tells the engine's parser each tenant's words (one cached object per tenant, as the parser wants). */
export function commandLexicon(options: SupportOptions): CommandLexicon {
  const cache = new Map<string, { aliases: Record<string, CommandId>; custom: string[] }>();
  return {
    forTenant(tenant) {
      let words = cache.get(tenant);
      if (!words) {
        const { aliases, custom } = tenantWords(options, tenant);
        words = { aliases, custom: Object.keys(custom) };
        cache.set(tenant, words);
      }
      return words;
    },
  };
}

/** Answers each custom command with its configured text (in that tenant only). */
export function applyCustomCommands(options: SupportOptions, hooks: PluginHooks): void {
  const triggers = new Set([
    ...Object.keys(options.customCommands),
    ...Object.values(options.tenants).flatMap((t) => Object.keys(t.customCommands)),
  ]);
  for (const trigger of triggers) {
    hooks.command.for(`custom:${trigger}`).tap('custom-command', (turn) => {
      const text = tenantWords(options, turn.tenantId).custom[trigger];
      if (text === undefined) return undefined;
      supportState(turn).log.action = `custom:${trigger}`;
      supportState(turn).log.result = 'info';
      return { reason: 'custom_command', replies: [{ text, template: `custom:${trigger}` }] };
    });
  }
}
