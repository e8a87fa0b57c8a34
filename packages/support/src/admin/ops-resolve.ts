import { adminArgsOf, type Outcome, type Turn } from '@smmbot/core';
import { type LogRecord, SUPPORT_STATUSES, type SupportStatus } from '../records.js';
import { supportState } from '../state.js';
import { draft } from '../templates/defaults.js';
import type { AdminDeps, AdminInput } from './ops.js';
import { escalate } from './ops-escalate.js';

export interface ResolveArgs {
  /** `#1247` is always a serial; a bare number is a serial if one exists, else an order id. */
  ids: { value: string; serialOnly: boolean }[];
  /** Normalized (`ticket-created` → `ticket created`); undefined when not a valid status. */
  status?: SupportStatus;
}

/** Verb forms the parser also accepts (`!resolve 54321 escalate`). */
const STATUS_WORDS: Record<string, SupportStatus> = { escalate: 'escalated', resolve: 'resolved', ignore: 'ignored' };

/** `!resolve 54321, #12 ticket created` → ids and status; the status may also come first. */
export function parseResolveArgs(args: string): ResolveArgs {
  const ids: ResolveArgs['ids'] = [];
  const words: string[] = [];
  for (const token of args.split(/[\s,;]+/).filter(Boolean)) {
    const id = /^(#?)(\d{1,12})$/.exec(token);
    if (!id) words.push(token);
    else if (!ids.some((known) => known.value === id[2])) ids.push({ value: id[2]!, serialOnly: id[1] === '#' });
  }
  const normalized = words.join(' ').toLowerCase().replace(/[-_]/g, ' ').replace(/\s+/g, ' ').trim();
  const status = SUPPORT_STATUSES.find((s) => s === normalized) ?? STATUS_WORDS[normalized];
  return { ids, ...(status ? { status } : {}) };
}

/** Entries of admin commands (an earlier `!resolve`) are not what an order id refers to. */
const isCustomerEntry = (r: LogRecord) => !r.action.startsWith('admin.') && !r.action.startsWith('!');

/**
 * `!resolve <ids> <status>` (spec "Support Status Progression"): sets the support status of log
 * entries. An id that is a log serial names that entry; otherwise it is an order id and names the
 * newest customer entry with that order. `escalated` also sends the provider order ids to each
 * provider's mapped group (see `escalate`).
 */
export async function resolveOp(turn: Turn, input: AdminInput, deps: AdminDeps): Promise<Outcome> {
  const state = supportState(turn);
  // Ids come from the text itself: the parser's `ids` drop the `#` that marks a serial.
  const parsed = parseResolveArgs(input.text);
  const status = adminArgsOf(input.command, 'admin.resolve')?.status ?? parsed.status;
  if (!parsed.ids.length || !status) {
    state.log.result = 'refused';
    state.log.reason = 'resolve_usage';
    return {
      reason: 'resolve_usage',
      replies: [draft('admin_resolve_usage', { statuses: SUPPORT_STATUSES.join(' | ') })],
    };
  }
  const tenant = turn.tenantId;
  const targets = new Map<number, LogRecord>();
  const missing: string[] = [];
  for (const id of parsed.ids) {
    const entry =
      (await deps.log.get(tenant, Number(id.value))) ??
      (id.serialOnly ? undefined : await deps.log.latestForOrder(tenant, id.value, isCustomerEntry));
    if (entry) targets.set(entry.serial, entry);
    else missing.push(id.serialOnly ? `#${id.value}` : id.value);
  }
  state.log.orderIds = parsed.ids.filter((id) => !id.serialOnly).map((id) => id.value);
  if (!targets.size) {
    state.log.result = 'refused';
    state.log.reason = 'resolve_not_found';
    return { reason: 'resolve_not_found', replies: [draft('admin_resolve_not_found', { ids: missing.join(', ') })] };
  }

  const updated = await deps.log.setStatus(tenant, [...targets.keys()], status);
  state.log.orderIds = [...new Set(updated.flatMap((r) => r.orderIds))];
  const lines = missing.length ? [`Not found: ${missing.join(', ')}.`] : [];
  let problems = 0;
  if (status === 'escalated') {
    const report = await escalate(turn, updated, deps.ctx);
    lines.push(...report.lines);
    problems = report.problems;
    state.log.providerOrderIds = report.providerOrderIds;
    if (report.providers.length === 1) state.log.provider = report.providers[0];
  }
  state.log.result = missing.length || problems ? 'partial' : 'ok';
  state.log.reason = `resolve_${status.replace(' ', '_')}`;
  const vars = {
    count: updated.length,
    status,
    serials: updated.map((r) => `#${r.serial}`).join(', '),
    details: lines.length ? `\n${lines.join('\n')}` : '',
  };
  return { reason: state.log.reason, replies: [draft('admin_resolve_done', vars)] };
}
