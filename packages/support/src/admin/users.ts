import { type Outcome, type ParsedCommand, type PluginHooks, Tokens, type Turn } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import { membersKey } from '../identity/resolve.js';
import { type IdentityService, normalizeUsername } from '../identity/service.js';
import { groupId, type IdentityRecord } from '../records.js';
import { supportState } from '../state.js';
import { adminReply, denied, done, formatTime, MAX_LIST_LINES, usernameArg } from './users-common.js';
import { groupFlagCommand, groupsCommand } from './users-groups.js';

/**
 * Command ids each handler answers: the parser's canonical `admin.*` ids and the `!verb` ids of the
 * older parser (`!verify-users` → `!verify-users`), so either parser works.
 */
export const USER_ADMIN_COMMANDS = {
  verifyUsers: ['admin.verify_users', '!verify-users', '!verify_users', '!verifyusers'],
  removeUsers: ['admin.remove_users', '!remove-users', '!remove_users', '!removeusers'],
  users: ['admin.users', '!users'],
  groups: ['admin.groups', '!groups'],
  groupFlag: ['admin.group_flag', '!support', '!marketing', '!silent'],
} as const;

type Handler = (turn: Turn, command: ParsedCommand) => Promise<Outcome>;

/** Taps `!verify-users`, `!remove-users`, `!users`, `!groups` and `!support|!marketing|!silent enable|disable`. */
export function applyUserAdmin(ctx: SupportContext, hooks: PluginHooks, service: IdentityService): void {
  const handlers: [readonly string[], string, Handler][] = [
    [USER_ADMIN_COMMANDS.verifyUsers, 'verify-users', (t, c) => verifyUsers(ctx, service, t, c)],
    [USER_ADMIN_COMMANDS.removeUsers, 'remove-users', (t, c) => removeUsers(service, t, c)],
    [USER_ADMIN_COMMANDS.users, 'users', (t) => listUsers(ctx, t)],
    [USER_ADMIN_COMMANDS.groups, 'groups', (t) => groupsCommand(ctx, t)],
    [USER_ADMIN_COMMANDS.groupFlag, 'group-flag', (t, c) => groupFlagCommand(ctx, t, c)],
  ];
  for (const [ids, name, handler] of handlers) {
    for (const id of ids) hooks.command.for(id).tap(name, handler);
  }
}

/** `!verify-users <username>`: links every customer seen in this group to the (existing) panel user. */
async function verifyUsers(ctx: SupportContext, service: IdentityService, turn: Turn, command: ParsedCommand) {
  const action = 'admin.verify_users';
  const refused = denied(turn, action, 'bot.bulk_verify');
  if (refused) return refused;
  const { chat, channel } = turn.message;
  if (chat.kind !== 'group') {
    return done(turn, action, 'refused', 'group_only', [adminReply('admin_group_only', { command: '!verify-users' })]);
  }
  const typed = usernameArg(command, 'admin.verify_users');
  if (!typed) return done(turn, action, 'refused', 'usage', [adminReply('admin_verify_users_usage')]);
  const username = normalizeUsername(typed);
  const panel = turn.services.has(Tokens.Panel) ? turn.services.resolve(Tokens.Panel) : undefined;
  if (!panel?.capabilities.has('users.get') || !panel.findUser) {
    return done(turn, action, 'error', 'capability_missing:users.get', [adminReply('admin_lookup_unavailable')]);
  }
  if (!(await panel.findUser(username))) {
    return done(turn, action, 'refused', 'user_not_found', [adminReply('admin_verify_users_not_found', { username })]);
  }

  const tenant = turn.tenantId;
  const memberIds = await ctx.kv.setMembers(tenant, membersKey(groupId(channel, chat.id)));
  const members = (await Promise.all(memberIds.map((id) => service.get(tenant, id)))).filter(
    (r): r is IdentityRecord => r !== undefined,
  );
  const staff = await staffAddresses(ctx, tenant, channel, members);
  let count = 0;
  let other = 0;
  let blocked = 0;
  for (const member of members) {
    if (staff.has(member.address)) continue;
    if (member.status === 'blocked') blocked++;
    else if (member.panelUser && member.panelUser !== username) other++;
    else if (member.panelUser !== username || member.verifiedBy !== 'bulk') {
      await service.link(tenant, member, username, 'bulk');
      count++;
    } else count++;
  }
  const notes = [
    other ? `${other} already linked to another user (unchanged)` : '',
    blocked ? `${blocked} blocked (skipped)` : '',
  ].filter(Boolean);
  const details = notes.length ? `\n${notes.join('; ')}.` : '';
  supportState(turn).log.reason = `verified:${count}`;
  return done(turn, action, 'ok', 'bulk_verified', [
    adminReply('admin_verify_users_done', { count, username, details }),
  ]);
}

/** Addresses of the tenant's staff among the members: staff are never linked to a customer's account. */
async function staffAddresses(ctx: SupportContext, tenant: string, channel: string, members: IdentityRecord[]) {
  if (members.length === 0) return new Set<string>();
  const addresses = members.flatMap((m) => [m.address, ...m.aliases]);
  const { items } = await ctx.admins.find(tenant, { where: { channel, address: { in: addresses } }, limit: 1000 });
  const admins = new Set(items.map((a) => a.address));
  return new Set(members.filter((m) => [m.address, ...m.aliases].some((a) => admins.has(a))).map((m) => m.address));
}

/** `!remove-users <username>`: unlinks every identity linked to the panel user, in any chat. */
async function removeUsers(service: IdentityService, turn: Turn, command: ParsedCommand) {
  const action = 'admin.remove_users';
  const refused = denied(turn, action, 'bot.bulk_verify');
  if (refused) return refused;
  const typed = usernameArg(command, 'admin.remove_users');
  if (!typed) return done(turn, action, 'refused', 'usage', [adminReply('admin_remove_users_usage')]);
  const username = normalizeUsername(typed);
  const count = await service.unlinkUser(turn.tenantId, username);
  if (count === 0)
    return done(turn, action, 'info', 'none_linked', [adminReply('admin_remove_users_none', { username })]);
  return done(turn, action, 'ok', 'unlinked', [adminReply('admin_remove_users_done', { count, username })]);
}

/** `!users`: verified panel users, most recently active first, with their chats and last activity. */
async function listUsers(ctx: SupportContext, turn: Turn) {
  const action = 'admin.users';
  const refused = denied(turn, action, 'bot.users');
  if (refused) return refused;
  const { items, total } = await ctx.identities.find(turn.tenantId, {
    where: { panelUser: { ne: null } },
    sort: [{ field: 'lastActiveAt', direction: 'desc' }],
    limit: 500,
  });
  if (total === 0) return done(turn, action, 'info', 'none', [adminReply('admin_users_none')]);
  const byUser = new Map<string, { chats: number; lastActiveAt: number; by: Set<string> }>();
  for (const r of items) {
    const entry = byUser.get(r.panelUser!) ?? { chats: 0, lastActiveAt: 0, by: new Set<string>() };
    entry.chats++;
    entry.lastActiveAt = Math.max(entry.lastActiveAt, r.lastActiveAt);
    if (r.verifiedBy) entry.by.add(r.verifiedBy);
    byUser.set(r.panelUser!, entry);
  }
  const lines = [...byUser].map(
    ([name, e]) =>
      `• *${name}* — last active ${formatTime(e.lastActiveAt)}` +
      (e.chats > 1 ? ` — ${e.chats} chats` : '') +
      (e.by.size ? ` (${[...e.by].join(', ')})` : ''),
  );
  const shown = lines.slice(0, MAX_LIST_LINES);
  const partial = total > items.length;
  if (partial || shown.length < lines.length) shown.push('…and more: see Dashboard → Customers.');
  const count = `${byUser.size}${partial ? '+' : ''}`;
  return done(turn, action, 'info', 'listed', [adminReply('admin_users', { count, list: shown.join('\n') })]);
}
