import { can, type Outcome, type ParsedCommand, type Permission, type PluginHooks, type Turn } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import type { MessageLog } from '../log/message-log.js';
import { redactLoggedText } from '../log/settle.js';
import { supportState } from '../state.js';
import { draft } from '../templates/defaults.js';
import { broadcastOp } from './ops-broadcast.js';
import { configOp, redactConfigText } from './ops-config.js';
import { resolveOp } from './ops-resolve.js';
import { statusOp } from './ops-status.js';

/** What the admin ops share besides the turn. */
export interface AdminDeps {
  ctx: SupportContext;
  log: MessageLog;
  /** When the engine started, on its clock (for `!status` uptime). */
  startedAt(): number;
}

/** What an admin op reads: the parsed command (`adminArgs` when the parser knows the verb) and the raw text after the verb. */
export interface AdminInput {
  command: ParsedCommand;
  /** The message after the verb, as written (case, formatting and line breaks kept). */
  text: string;
}

export type AdminOp = (turn: Turn, input: AdminInput, deps: AdminDeps) => Promise<Outcome>;

interface AdminOpSpec {
  verb: string;
  permission: Permission;
  run: AdminOp;
  /** The text the message log keeps instead of the original, when it holds a secret. */
  redact?: (raw: string) => string | undefined;
}

export const ADMIN_OPS: readonly AdminOpSpec[] = [
  { verb: 'status', permission: 'bot.status', run: statusOp },
  { verb: 'broadcast', permission: 'bot.broadcast', run: broadcastOp },
  { verb: 'resolve', permission: 'bot.resolve', run: resolveOp },
  { verb: 'config', permission: 'bot.config', run: configOp, redact: redactConfigText },
];

/**
 * The text after the admin verb, as written: the fallback when the parser gives no `adminArgs` (the
 * older `!verb` ids), since `normalized` and `args` are lower-cased and `!config set` values keep case.
 */
export function adminArgs(raw: string): string {
  return /^\s*[!/]*\s*\S+\s*([\s\S]*)$/.exec(raw)?.[1]?.trimEnd() ?? '';
}

/**
 * `!status`, `!broadcast`, `!resolve` and `!config` (spec "Admin & Staff Commands"), each checked
 * against the permission table with `can()`. Tapped under the parser's `admin.<verb>` ids and the
 * older `!<verb>` ids, so they work on either parser.
 */
export function applyAdminOps(ctx: SupportContext, hooks: PluginHooks, log: MessageLog): void {
  let startedAt = ctx.clock.now();
  hooks.boot.tap('uptime', () => {
    startedAt = ctx.clock.now();
  });
  const deps: AdminDeps = { ctx, log, startedAt: () => startedAt };
  for (const op of ADMIN_OPS) {
    const handler = (turn: Turn, command: ParsedCommand) => runOp(op, turn, command, deps);
    for (const id of [`admin.${op.verb}`, `!${op.verb}`]) hooks.command.for(id).tap(`admin-${op.verb}`, handler);
  }
}

async function runOp(op: AdminOpSpec, turn: Turn, command: ParsedCommand, deps: AdminDeps): Promise<Outcome> {
  const state = supportState(turn);
  state.log.action = `admin.${op.verb}`;
  const raw = command.raw ?? turn.message.text;
  const redacted = op.redact?.(raw);
  if (redacted !== undefined) redactLoggedText(turn, redacted);
  if (!can(turn.role, op.permission)) {
    state.log.result = 'refused';
    state.log.reason = 'permission_denied';
    return { reason: 'permission_denied', replies: [draft('permission_denied')] };
  }
  return op.run(turn, { command, text: adminArgs(raw) }, deps);
}
