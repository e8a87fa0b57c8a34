import {
  type Clock,
  type Collection,
  ConfigError,
  formatIssues,
  type KeyValueStore,
  type Page,
  type RecordFields,
  type TenantId,
  type Where,
} from '@smmbot/core';
import { z } from 'zod';
import { type LogRecord, SUPPORT_STATUSES, type SupportStatus } from '../records.js';

/** A log line to write: the service adds the serial, the timestamps and (unless given) status `open`. */
export type NewLogEntry = Omit<RecordFields<LogRecord>, 'serial' | 'supportStatus' | 'createdAt' | 'updatedAt'> &
  Partial<Pick<LogRecord, 'supportStatus' | 'createdAt'>>;

/** `GET /api/v1/logs` filters: `from` inclusive, `to` exclusive (epoch ms); pages count from 1. */
export const logQuerySchema = z.strictObject({
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
  action: z.string().trim().min(1).optional(),
  status: z.enum(SUPPORT_STATUSES).optional(),
  priority: z.boolean().optional(),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type LogQuery = z.input<typeof logQuerySchema>;

/** The kv key of the per-tenant serial counter. */
export const LOG_SERIAL_KEY = 'log-serial';
/** How long the order id → serials index remembers an entry (`!resolve <order id>`). */
export const ORDER_INDEX_TTL_MS = 400 * 86_400_000;
/** When the order index has nothing, this many of the latest entries are searched instead. */
const ORDER_SCAN_LIMIT = 1000;
const orderKey = (orderId: string) => `log:order:${orderId}`;

export interface MessageLogDeps {
  logs: Collection<LogRecord>;
  kv: KeyValueStore;
  clock: Clock;
}

/**
 * The message log (spec "Message logs"): one record per command with a per-tenant serial staff refer to
 * (`#1247`), queried with the LOGS indexes, and its support status (open → escalated / ticket created /
 * resolved / ignored). Write every entry through `record`: it keeps the serial and the order index.
 */
/** Log pages count their matches up to this many. */
export const LOG_TOTAL_CAP = 10_000;

export class MessageLog {
  private readonly floors = new Map<TenantId, Promise<void>>();

  constructor(private readonly deps: MessageLogDeps) {}

  async record(tenant: TenantId, entry: NewLogEntry): Promise<LogRecord> {
    const { logs, kv, clock } = this.deps;
    await this.serialFloor(tenant);
    const serial = await kv.increment(tenant, LOG_SERIAL_KEY);
    const createdAt = entry.createdAt ?? clock.now();
    const record = await logs.insert(tenant, {
      ...entry,
      serial,
      supportStatus: entry.supportStatus ?? 'open',
      createdAt,
      updatedAt: createdAt,
    });
    for (const orderId of new Set(record.orderIds)) {
      await kv.setAdd(tenant, orderKey(orderId), String(serial), ORDER_INDEX_TTL_MS);
    }
    return record;
  }

  async get(tenant: TenantId, serial: number): Promise<LogRecord | undefined> {
    if (!Number.isSafeInteger(serial)) return undefined;
    return (await this.deps.logs.find(tenant, { where: { serial }, limit: 1 })).items[0];
  }

  /** Newest first; `total` counts matches up to LOG_TOTAL_CAP (`totalCapped` when there are more). Throws ConfigError on an invalid query. */
  async query(tenant: TenantId, input: LogQuery = {}): Promise<Page<LogRecord>> {
    const parsed = logQuerySchema.safeParse(input, { reportInput: true });
    if (!parsed.success) {
      const issues = formatIssues(parsed.error);
      throw new ConfigError(`invalid log query: ${issues.join('; ')}`, { issues });
    }
    const q = parsed.data;
    const where: Where<LogRecord> = {};
    if (q.action !== undefined) where.action = q.action;
    if (q.status !== undefined) where.supportStatus = q.status;
    if (q.priority !== undefined) where.priority = q.priority;
    if (q.from !== undefined || q.to !== undefined) {
      where.createdAt = {
        ...(q.from === undefined ? {} : { gte: q.from }),
        ...(q.to === undefined ? {} : { lt: q.to }),
      };
    }
    return this.deps.logs.find(tenant, {
      where,
      sort: [
        { field: 'createdAt', direction: 'desc' },
        { field: 'serial', direction: 'desc' },
      ],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
      // Beyond this the total reads "10,000+": an exact count of a big log costs more than the page.
      countLimit: LOG_TOTAL_CAP,
    });
  }

  /** Sets the support status of the entries with these serials; returns the updated ones (unknown serials are skipped). */
  async setStatus(tenant: TenantId, serials: number[], status: SupportStatus): Promise<LogRecord[]> {
    if (!SUPPORT_STATUSES.includes(status)) {
      const line = `unknown support status ${JSON.stringify(status)}; expected one of ${SUPPORT_STATUSES.join(', ')}`;
      throw new ConfigError(line, { issues: [line] });
    }
    const wanted = [...new Set(serials)].filter(Number.isSafeInteger);
    if (wanted.length === 0) return [];
    const { items } = await this.deps.logs.find(tenant, {
      where: { serial: { in: wanted } },
      sort: [{ field: 'serial' }],
    });
    const now = this.deps.clock.now();
    const updated: LogRecord[] = [];
    for (const item of items) {
      const next = await this.deps.logs.update(tenant, item.id, { supportStatus: status, updatedAt: now });
      if (next) updated.push(next);
    }
    return updated;
  }

  /** The newest entry naming `orderId` that `accept` takes (e.g. not an admin command). */
  async latestForOrder(
    tenant: TenantId,
    orderId: string,
    accept: (record: LogRecord) => boolean = () => true,
  ): Promise<LogRecord | undefined> {
    const { logs, kv } = this.deps;
    const serials = (await kv.setMembers(tenant, orderKey(orderId))).map(Number).filter(Number.isSafeInteger);
    const { items } = serials.length
      ? await logs.find(tenant, { where: { serial: { in: serials } }, sort: [{ field: 'serial', direction: 'desc' }] })
      : await logs.find(tenant, { sort: [{ field: 'serial', direction: 'desc' }], limit: ORDER_SCAN_LIMIT });
    return items.find((r) => r.orderIds.includes(orderId) && accept(r));
  }

  /**
   * Once per tenant and process: if the counter is behind the stored serials (a key-value store that
   * was emptied while the records were kept), move it past them so serials stay unique.
   */
  private serialFloor(tenant: TenantId): Promise<void> {
    let done = this.floors.get(tenant);
    if (!done) {
      done = (async () => {
        const { items } = await this.deps.logs.find(tenant, {
          sort: [{ field: 'serial', direction: 'desc' }],
          limit: 1,
        });
        const highest = items[0]?.serial ?? 0;
        const current = (await this.deps.kv.get<number>(tenant, LOG_SERIAL_KEY)) ?? 0;
        if (highest > current) await this.deps.kv.increment(tenant, LOG_SERIAL_KEY, highest - current);
      })();
      done.catch(() => this.floors.delete(tenant));
      this.floors.set(tenant, done);
    }
    return done;
  }
}
