import { adminArgsOf, type Outcome, type Turn } from '@smmbot/core';
import { supportState } from '../state.js';
import { draft } from '../templates/defaults.js';
import type { AdminDeps, AdminInput } from './ops.js';

/**
 * `!broadcast <message>`: sends the message, exactly as written (WhatsApp formatting and line breaks
 * kept), to every support-enabled group of the tenant through the outbox at `system` priority: an
 * urgent announcement goes before scheduled marketing traffic. Each group's send has the id
 * `bc:<channel>:<inbound message id>:<group>`, so a retried turn is recognisable to the outbox.
 * Silent groups are skipped: they asked the bot to say nothing.
 * A group whose channel cannot take the message is counted as failed; the others still get it.
 */
export async function broadcastOp(turn: Turn, input: AdminInput, { ctx }: AdminDeps): Promise<Outcome> {
  const state = supportState(turn);
  const text = (adminArgsOf(input.command, 'admin.broadcast')?.message ?? input.text).trim();
  if (!text) {
    state.log.result = 'refused';
    state.log.reason = 'broadcast_usage';
    return { reason: 'broadcast_usage', replies: [draft('admin_broadcast_usage')] };
  }
  const tenant = turn.tenantId;
  const { items } = await ctx.groups.find(tenant, { where: { supportEnabled: true }, sort: [{ field: 'chatId' }] });
  let sent = 0;
  let failed = 0;
  let silent = 0;
  for (const group of items) {
    if (group.silent) {
      silent++;
      continue;
    }
    try {
      await ctx.outbox.send({
        id: `bc:${turn.message.channel}:${turn.message.id}:${group.id}`,
        tenantId: tenant,
        channel: group.channel,
        chatId: group.chatId,
        text,
        priority: 'system',
        meta: { kind: 'broadcast', by: turn.message.sender.id },
      });
      sent++;
    } catch (err) {
      failed++;
      turn.log.warn({ err, channel: group.channel, chatId: group.chatId }, 'broadcast to a group failed');
    }
  }
  const notes = [
    failed ? `${failed} group(s) could not be reached.` : '',
    silent ? `${silent} silent group(s) skipped.` : '',
  ].filter(Boolean);
  state.log.result = failed && sent ? 'partial' : failed ? 'error' : 'ok';
  state.log.reason = 'broadcast';
  const details = notes.length ? ` ${notes.join(' ')}` : '';
  return { reason: 'broadcast', replies: [draft('admin_broadcast_sent', { count: sent, details })] };
}
