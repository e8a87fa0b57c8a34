import {
  adminArgsOf,
  ConfigError,
  type Outcome,
  type ParsedCommand,
  type ReplyDraft,
  type Turn,
  utcOffsetMinutes,
} from '@smmbot/core';
import { denied, done, MAX_LIST_LINES } from '../admin/users-common.js';
import type { SupportContext } from '../context.js';
import { supportState } from '../state.js';
import { DEFAULT_TEMPLATES, renderTemplate, type TemplateKey } from '../templates/defaults.js';
import type { MarketingSchedule } from './schedule.js';
import { marketingGroups } from './send.js';
import type { MarketingService } from './service.js';

export interface MarketingCommandDeps {
  ctx: SupportContext;
  service: MarketingService;
  schedule: MarketingSchedule;
}

type MarketingKey = Extract<TemplateKey, `marketing_${string}`>;
const ACTION = 'admin.marketing';
const PREVIEW = 60;

function reply(key: MarketingKey, vars: Record<string, string | number> = {}): ReplyDraft {
  return { text: renderTemplate(DEFAULT_TEMPLATES[key], vars), template: key, vars, priority: 'system' };
}

/** One line of a message: whitespace folded, cut at 60 characters. */
export function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW ? `${line.slice(0, PREVIEW - 1)}…` : line;
}

/** `2026-11-01 16:00 UTC+4`: a time at the tenant's scheduler_timezone. */
export function formatAt(ms: number, timezone: string): string {
  const offset = utcOffsetMinutes(timezone);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 16).replace('T', ' ');
  return `${local} ${timezone}`;
}

/**
 * `!marketing add <text>`, `list`, `remove <n>` (managing messages: staff admin and owner, as the
 * dashboard's Marketing page) and `now` (a broadcast: `bot.broadcast`). `<n>` is the number `list` shows.
 */
export async function marketingCommand(deps: MarketingCommandDeps, turn: Turn, command: ParsedCommand) {
  const args = adminArgsOf(command, 'admin.marketing');
  const refused = denied(turn, ACTION, args?.op === 'now' ? 'bot.broadcast' : 'dashboard.marketing');
  if (refused) return refused;
  if (!args) return done(turn, ACTION, 'refused', 'usage', [reply('marketing_usage')]);
  switch (args.op) {
    case 'add':
      return add(deps, turn, args.text);
    case 'list':
      return list(deps, turn);
    case 'remove':
      return remove(deps, turn, args.index);
    case 'now':
      return now(deps, turn);
  }
}

async function add({ service }: MarketingCommandDeps, turn: Turn, text: string): Promise<Outcome> {
  try {
    const added = await service.add(turn.tenantId, text);
    const all = await service.list(turn.tenantId);
    const number = all.findIndex((m) => m.id === added.id) + 1;
    return done(turn, ACTION, 'ok', 'added', [reply('marketing_added', { number, count: all.length })]);
  } catch (err) {
    if (err instanceof ConfigError)
      return done(turn, ACTION, 'refused', 'invalid', [reply('marketing_error', { error: err.message })]);
    throw err;
  }
}

async function list({ ctx, service, schedule }: MarketingCommandDeps, turn: Turn): Promise<Outcome> {
  const all = await service.list(turn.tenantId);
  if (all.length === 0) return done(turn, ACTION, 'info', 'none', [reply('marketing_list_empty')]);
  const lines = all.slice(0, MAX_LIST_LINES).map((m, i) => `${i + 1}. ${m.enabled ? '' : '(off) '}${preview(m.text)}`);
  if (all.length > MAX_LIST_LINES) lines.push(`…and ${all.length - MAX_LIST_LINES} more: see Dashboard → Marketing.`);
  const groups = (await marketingGroups(ctx, turn.tenantId)).filter((g) => !g.silent).length;
  const { config } = turn;
  const next = schedule.nextRunAt(turn.tenantId);
  const scheduleLine = config.marketing_enabled
    ? `Broadcasts are *on*: every ${config.marketing_interval_hours} h plus 0-${config.marketing_jitter_minutes} min, ` +
      `to ${groups} marketing group(s)${next ? `; next at ${formatAt(next, config.scheduler_timezone)}` : ''}.`
    : `Broadcasts are *off* (!config set marketing_enabled true to start them); ${groups} marketing group(s).`;
  const vars = { count: all.length, list: lines.join('\n'), schedule: scheduleLine };
  return done(turn, ACTION, 'info', 'listed', [reply('marketing_list', vars)]);
}

async function remove({ service }: MarketingCommandDeps, turn: Turn, number: number): Promise<Outcome> {
  const target = (await service.list(turn.tenantId))[number - 1];
  if (!target) return done(turn, ACTION, 'refused', 'not_found', [reply('marketing_not_found', { number })]);
  await service.remove(turn.tenantId, target.id);
  return done(turn, ACTION, 'ok', 'removed', [reply('marketing_removed', { number, preview: preview(target.text) })]);
}

async function now({ service, schedule }: MarketingCommandDeps, turn: Turn): Promise<Outcome> {
  const tenant = turn.tenantId;
  const result = await schedule.sendNow(tenant, turn.message.sender.id);
  if (!result) return done(turn, ACTION, 'info', 'nothing_to_send', [reply('marketing_nothing_to_send')]);
  const { message, delivery } = result;
  const number = (await service.list(tenant)).findIndex((m) => m.id === message.id) + 1;
  const notes = [
    delivery.failed ? `${delivery.failed} group(s) could not be reached.` : '',
    delivery.silent ? `${delivery.silent} silent group(s) skipped.` : '',
    turn.config.marketing_enabled ? '' : 'Scheduled broadcasts are off (marketing_enabled).',
  ].filter(Boolean);
  const details = notes.length ? ` ${notes.join(' ')}` : '';
  const outcome = done(turn, ACTION, delivery.failed ? 'error' : 'ok', 'sent', [
    reply('marketing_sent', { number, count: delivery.sent, details }),
  ]);
  if (delivery.failed && delivery.sent) supportState(turn).log.result = 'partial';
  return outcome;
}
