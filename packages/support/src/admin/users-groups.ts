import { adminArgsOf, type GroupFlag, type ParsedCommand, type Turn } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import { type GroupRecord, groupId } from '../records.js';
import { supportState } from '../state.js';
import { adminReply, denied, done, MAX_LIST_LINES, wordsAfterVerb } from './users-common.js';

const FIELD: Record<GroupFlag, 'supportEnabled' | 'marketingEnabled' | 'silent'> = {
  support: 'supportEnabled',
  marketing: 'marketingEnabled',
  silent: 'silent',
};
const ON = new Set(['enable', 'enabled', 'on', 'true', 'yes']);
const OFF = new Set(['disable', 'disabled', 'off', 'false', 'no']);
const onOff = (v: boolean) => (v ? 'on' : 'off');

/** `!groups`: the groups the bot has seen, most recently active first, with their flags. */
export async function groupsCommand(ctx: SupportContext, turn: Turn) {
  const action = 'admin.groups';
  const refused = denied(turn, action, 'bot.groups');
  if (refused) return refused;
  const { items, total } = await ctx.groups.find(turn.tenantId, {
    sort: [{ field: 'lastMessageAt', direction: 'desc' }],
    limit: MAX_LIST_LINES,
  });
  if (total === 0) return done(turn, action, 'info', 'none', [adminReply('admin_groups_none')]);
  const lines = items.map(
    (g: GroupRecord) =>
      `• *${g.title ?? g.chatId}* (${g.chatId}) — support ${onOff(g.supportEnabled)}, ` +
      `marketing ${onOff(g.marketingEnabled)}, silent ${onOff(g.silent)}`,
  );
  if (total > items.length) lines.push(`…and ${total - items.length} more: see Dashboard → Groups.`);
  return done(turn, action, 'info', 'listed', [adminReply('admin_groups', { count: total, list: lines.join('\n') })]);
}

/** Which flag and value the command asks for: the parser's structured args, else the text. */
function flagArgs(command: ParsedCommand): { flag?: GroupFlag; enable?: boolean } {
  const parsed = adminArgsOf(command, 'admin.group_flag');
  if (parsed) return parsed;
  const verb = command.normalized.replace(/^[!/]+/, '').split(' ')[0] ?? '';
  const flag = verb in FIELD ? (verb as GroupFlag) : undefined;
  const value = wordsAfterVerb(command)[0] ?? '';
  return { flag, enable: ON.has(value) ? true : OFF.has(value) ? false : undefined };
}

/** `!support|!marketing|!silent enable|disable`, inside the group; applies from the next message. */
export async function groupFlagCommand(ctx: SupportContext, turn: Turn, command: ParsedCommand) {
  const action = 'admin.group_flag';
  const refused = denied(turn, action, 'bot.group_flags');
  if (refused) return refused;
  const { flag, enable } = flagArgs(command);
  if (!flag || enable === undefined) {
    return done(turn, action, 'refused', 'usage', [adminReply('admin_group_flag_usage', { flag: flag ?? 'support' })]);
  }
  const { chat, channel } = turn.message;
  if (chat.kind !== 'group') {
    return done(turn, action, 'refused', 'group_only', [adminReply('admin_group_only', { command: `!${flag}` })]);
  }
  const id = groupId(channel, chat.id);
  const state = supportState(turn);
  // The inbound tap registered the group; a missing record (deleted meanwhile) is created again.
  const current = state.group ?? (await ctx.groups.get(turn.tenantId, id));
  const patch = { [FIELD[flag]]: enable } as Partial<GroupRecord>;
  if (current) {
    await ctx.groups.update(turn.tenantId, id, patch);
  } else {
    const now = ctx.clock.now();
    await ctx.groups.upsert(turn.tenantId, {
      id,
      channel,
      chatId: chat.id,
      ...(chat.title ? { title: chat.title } : {}),
      supportEnabled: true,
      marketingEnabled: false,
      silent: false,
      firstSeenAt: now,
      lastMessageAt: now,
      ...patch,
    });
  }
  ctx.logger.info({ tenant: turn.tenantId, group: id, flag, enable }, 'group flag changed');
  const name = flag[0]!.toUpperCase() + flag.slice(1);
  const reply = adminReply('admin_group_flag_done', { flag_name: name, state: enable ? 'enabled' : 'disabled' });
  return done(turn, action, 'ok', `${flag}_${enable ? 'enabled' : 'disabled'}`, [reply]);
}
