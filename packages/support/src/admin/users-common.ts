import {
  type AdminArgsMap,
  adminArgsOf,
  can,
  type Outcome,
  type ParsedCommand,
  type Permission,
  type ReplyDraft,
  type Turn,
} from '@smmbot/core';
import { supportState } from '../state.js';
import { DEFAULT_TEMPLATES, draft, renderTemplate } from '../templates/defaults.js';

/**
 * Reply texts of the user/group admin commands. (Candidates for templates/defaults.ts as `admin_*`
 * keys; kept here until they move, under the same keys.)
 */
/** The user/group admin replies: keys of the shared template table (so custom mode can word them). */
export const ADMIN_USER_KEYS = [
  'admin_group_only',
  'admin_verify_users_usage',
  'admin_verify_users_not_found',
  'admin_verify_users_done',
  'admin_remove_users_usage',
  'admin_remove_users_done',
  'admin_remove_users_none',
  'admin_users',
  'admin_users_none',
  'admin_groups',
  'admin_groups_none',
  'admin_group_flag_usage',
  'admin_group_flag_done',
  'admin_lookup_unavailable',
] as const;

export type AdminUserTextKey = (typeof ADMIN_USER_KEYS)[number];

export function adminReply(key: AdminUserTextKey, vars: Record<string, string | number> = {}): ReplyDraft {
  return { text: renderTemplate(DEFAULT_TEMPLATES[key], vars), template: key, vars, priority: 'system' };
}

/** Marks the log line and wraps the replies. */
export function done(
  turn: Turn,
  action: string,
  result: 'ok' | 'refused' | 'error' | 'info',
  reason: string,
  replies: ReplyDraft[],
): Outcome {
  Object.assign(supportState(turn).log, { action, result, reason });
  return { reason, replies };
}

/** `permission_denied` (logged as refused) unless the sender's role has the permission. */
export function denied(turn: Turn, action: string, permission: Permission): Outcome | undefined {
  if (can(turn.role, permission)) return undefined;
  return done(turn, action, 'refused', 'permission_denied', [draft('permission_denied')]);
}

/** The lower-cased words after the verb (`!verify-users JohnDoe` → ['johndoe']), from the text itself. */
export function wordsAfterVerb(command: ParsedCommand): string[] {
  return command.normalized
    .replace(/^[!/]+/, '')
    .split(' ')
    .filter(Boolean)
    .slice(1);
}

/** The username argument: the parser's structured args when it has them, else the first word after the verb. */
export function usernameArg(
  command: ParsedCommand,
  id: keyof Pick<AdminArgsMap, 'admin.verify_users' | 'admin.remove_users'>,
): string | undefined {
  const parsed = adminArgsOf(command, id)?.username;
  if (parsed) return parsed.trim().replace(/^@/, '').toLowerCase();
  const word = wordsAfterVerb(command)[0];
  return word ? word.replace(/^@/, '') : undefined;
}

/** `2026-11-01 12:00 UTC`. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** Replies longer than this are cut with a pointer to the dashboard. */
export const MAX_LIST_LINES = 30;
