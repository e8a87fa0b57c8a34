import { type Outcome, Tokens, type Turn } from '@smmbot/core';
import { supportState } from '../state.js';
import { draft } from '../templates/defaults.js';
import type { AdminDeps, AdminInput } from './ops.js';

/** `14h 32m`, with days in front once there are any (`2d 3h 5m`). */
export function formatUptime(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = `${hours}h ${minutes % 60}m`;
  return days ? `${days}d ${rest}` : rest;
}

/** `OpenAI GPT-4o-mini` from ai_provider and ai_model; else the registered AI provider's name; else `none`. */
export function aiProviderLabel(turn: Turn): string {
  const named = [turn.config.ai_provider, turn.config.ai_model].filter(Boolean).join(' ');
  if (named) return named;
  return turn.services.has(Tokens.Ai) ? turn.services.resolve(Tokens.Ai).name : 'none';
}

/**
 * `!status` (spec example):
 * Status: Online | Uptime: 14h 32m
 * Verified Users: 142 | Active Groups: 8
 * AI Provider: OpenAI GPT-4o-mini
 * Chat Mode: ai
 * Verified users are active identities linked to a panel user; active groups are support-enabled ones.
 */
export async function statusOp(turn: Turn, _input: AdminInput, { ctx, startedAt }: AdminDeps): Promise<Outcome> {
  const tenant = turn.tenantId;
  const [verified, groups] = await Promise.all([
    ctx.identities.count(tenant, { panelUser: { ne: null }, status: 'active' }),
    ctx.groups.count(tenant, { supportEnabled: true }),
  ]);
  const state = supportState(turn);
  state.log.result = 'info';
  state.log.reason = 'status';
  const vars = {
    uptime: formatUptime(ctx.clock.now() - startedAt()),
    verified_users: verified,
    active_groups: groups,
    ai_provider: aiProviderLabel(turn),
    chat_mode: turn.config.chat_mode,
  };
  return { reason: 'status', replies: [draft('admin_status', vars)] };
}
