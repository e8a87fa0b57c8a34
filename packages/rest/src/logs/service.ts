import { type TenantId, Tokens, utcOffsetMinutes } from '@smmbot/core';
import { EscalationToken, type LogRecord, MessageLogToken, type SupportStatus } from '@smmbot/support';
import { iso, notFound } from '../http.js';
import type { Scope } from '../scope.js';

const SUPPORT = '@smmbot/support';
const DAY = 86_400_000;

export interface LogFilter {
  /** YYYY-MM-DD, a day in the workspace's `scheduler_timezone`. */
  date?: string;
  action?: string;
  status?: SupportStatus;
  priority?: boolean;
  page: number;
  limit: number;
}

export function logItem(r: LogRecord) {
  return {
    id: r.serial,
    serial: r.serial,
    channel: r.channel,
    chat_id: r.chatId,
    sender_id: r.senderId,
    panel_user: r.panelUser ?? null,
    role: r.role,
    action: r.action,
    order_ids: r.orderIds,
    provider: r.provider ?? null,
    provider_order_ids: r.providerOrderIds,
    result: r.result,
    reason: r.reason ?? null,
    support_status: r.supportStatus,
    priority: r.priority,
    raw_text: r.rawText,
    reply: r.reply,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

export interface EscalationSummary {
  lines: string[];
  problems: number;
  provider_order_ids: string[];
}

/**
 * Message Logs: the support workflow's log (`MessageLogToken`), filtered and paged; support status by
 * serial (the `#1247` staff refer to). `escalated` also notifies the providers' groups, as `!resolve` does.
 */
export class LogsService {
  constructor(private readonly scope: Scope) {}

  private log() {
    return this.scope.need(MessageLogToken, SUPPORT);
  }

  async query(tenant: TenantId, filter: LogFilter) {
    const range = filter.date ? await this.dayRange(tenant, filter.date) : {};
    const page = await this.log().query(tenant, {
      ...range,
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.priority !== undefined ? { priority: filter.priority } : {}),
      page: filter.page,
      pageSize: filter.limit,
    });
    return {
      items: page.items.map(logItem),
      total: page.total,
      total_capped: page.totalCapped === true,
      page: filter.page,
      limit: filter.limit,
    };
  }

  async setStatus(tenant: TenantId, serial: number, status: SupportStatus) {
    const log = this.log();
    if (!(await log.get(tenant, serial))) throw notFound(`log entry #${serial}`);
    const updated = await log.setStatus(tenant, [serial], status);
    const item = updated[0];
    if (!item) throw notFound(`log entry #${serial}`);
    return { item: logItem(item), escalation: await this.escalate(tenant, updated, status) };
  }

  async bulkStatus(tenant: TenantId, serials: number[], status: SupportStatus) {
    const updated = await this.log().setStatus(tenant, serials, status);
    const found = new Set(updated.map((r) => r.serial));
    return {
      updated: updated.map((r) => r.serial),
      not_found: [...new Set(serials)].filter((s) => !found.has(s)),
      escalation: await this.escalate(tenant, updated, status),
    };
  }

  private async escalate(
    tenant: TenantId,
    records: LogRecord[],
    status: SupportStatus,
  ): Promise<EscalationSummary | null> {
    if (status !== 'escalated' || records.length === 0) return null;
    const escalation = this.scope.optional(EscalationToken);
    if (!escalation) return null;
    const scope = {
      tenantId: tenant,
      services: this.scope.servicesOf(tenant),
      log: this.scope.logger.child({ tenant }),
    };
    const report = await escalation.escalate(scope, records);
    return { lines: report.lines, problems: report.problems, provider_order_ids: report.providerOrderIds };
  }

  /** The day's start and end (epoch ms) at the workspace's UTC offset. */
  private async dayRange(tenant: TenantId, date: string): Promise<{ from: number; to: number }> {
    const config = await this.scope.need(Tokens.TenantConfig, 'a bot_config source').get(tenant);
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const from = Date.UTC(y, m - 1, d) - utcOffsetMinutes(config.scheduler_timezone) * 60_000;
    return { from, to: from + DAY };
  }
}
