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
import { draft, renderTemplate } from '../templates/defaults.js';

/**
 * Reply texts of the user/group admin commands. (Candidates for templates/defaults.ts as `admin_*`
 * keys; kept here until they move, under the same keys.)
 */
export const ADMIN_USER_TEXTS = {
  admin_group_only: 'Please run {command} inside the group it is meant for.',
  admin_verify_users_usage: 'Usage: !verify-users <username> (inside the group whose members you want to verify)',
  admin_verify_users_not_found: 'Panel user *{username}* was not found, nobody was verified.',
  admin_verify_users_done: 'Verified {count} member(s) of this group as *{username}*.{details}',
  admin_remove_users_usage: 'Usage: !remove-users <username>',
  admin_remove_users_done: 'Removed the verification of {count} chat(s) linked to *{username}*.',
  admin_remove_users_none: 'No chats are linked to *{username}*.',
  admin_users: '*Verified users* ({count})\n{list}',
  admin_users_none: 'No verified users yet.',
  admin_groups: '*Groups* ({count})\n{list}',
  admin_groups_none: 'No groups yet: groups appear after the bot receives their first message.',
  admin_group_flag_usage: 'Usage: !{flag} enable|disable (inside the group)',
  admin_group_flag_done: '{flag_name} is now *{state}* for this group.',
  admin_lookup_unavailable: 'This panel cannot look up users, so usernames cannot be checked here.',
} as const;

export type AdminUserTextKey = keyof typeof ADMIN_USER_TEXTS;

export function adminReply(key: AdminUserTextKey, vars: Record<string, string | number> = {}): ReplyDraft {
  return { text: renderTemplate(ADMIN_USER_TEXTS[key], vars), template: key, vars, priority: 'system' };
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
