import { ConfigError, formatIssues } from '@smmbot/core';
import { z } from 'zod';

export const escalationGroupSchema = z.strictObject({
  channel: z.string().trim().min(1),
  chatId: z.string().trim().min(1),
});

const name = z.string().trim().min(1).max(100);
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL of the provider API' });
// No max length: a failed check would echo the key into the error text.
const key = z.string().trim().min(1, 'expected the provider API key');
const aliases = z.array(z.string().trim().min(1).max(200)).max(50);
const syncIntervalSec = z
  .number()
  .int()
  .min(60, 'sync at most once a minute')
  .max(7 * 86_400);

export const newProviderSchema = z.strictObject({
  name,
  url,
  key,
  aliases: aliases.default([]),
  escalationGroup: escalationGroupSchema.optional(),
  syncIntervalSec: syncIntervalSec.default(3600),
  isActive: z.boolean().default(true),
});
export type NewProviderInput = z.input<typeof newProviderSchema>;

/** A patch; `escalationGroup: null` unmaps the group, `key` is re-sealed. */
export const providerPatchSchema = z
  .strictObject({
    name,
    url,
    key,
    aliases,
    escalationGroup: escalationGroupSchema.nullable(),
    syncIntervalSec,
    isActive: z.boolean(),
  })
  .partial();
export type ProviderPatch = z.input<typeof providerPatchSchema>;

export const searchQuerySchema = z.strictObject({
  /** A provider service id (exact) or a fragment of the name (case-insensitive). */
  q: z.string().trim().max(200).optional(),
  providerId: z.string().min(1).optional(),
  sort: z.enum(['name', 'rate', 'updatedAt']).default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  limit: z.number().int().min(1).max(100).default(20),
  offset: z.number().int().min(0).default(0),
  /** Also return services that vanished from their provider's catalog. */
  includeRemoved: z.boolean().default(false),
  /** Only services tagged new. */
  onlyNew: z.boolean().optional(),
});
export type ServiceSearchQuery = z.input<typeof searchQuerySchema>;

/** Parses or throws a ConfigError naming each bad field (the offending values are not echoed). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error, what);
    throw new ConfigError(`invalid ${what}:\n  ${issues.join('\n  ')}`, { issues });
  }
  return parsed.data;
}
