import {
  type ActionResult,
  type PanelBalance,
  type PanelCapability,
  type PanelClient,
  PanelError,
  type PanelOrder,
  type PanelService,
  type PanelTicket,
  type PanelUser,
  type TicketFilter,
  type WriteOptions,
  silentLogger,
  toNumber,
} from '@smmbot/core';
import { HttpTransport } from '@smmbot/panel-http';
import { actionResult, actionResults, idList } from './actions.js';
import { envelopeError, inspect, isObject, rowsOf, unwrap } from './envelope.js';
import { OrderLookup, orderPath } from './lookup.js';
import { mapOrder, mapService, mapTicket, mapUser, str } from './map.js';
import {
  DEFAULT_BODIES,
  DEFAULT_PATHS,
  type PerfectPanelBodies,
  type PerfectPanelOptions,
  type PerfectPanelPaths,
  type ProbeResult,
} from './options.js';
import { runProbe } from './probe.js';

const METHODS: [PanelCapability, keyof PanelClient][] = [
  ['orders.byUser', 'ordersOfUser'],
  ['users.get', 'findUser'],
  ['orders.refill', 'refill'],
  ['orders.cancel', 'cancel'],
  ['orders.speedup', 'speedUp'],
  ['orders.setPartial', 'setPartial'],
  ['orders.complete', 'markCompleted'],
  ['services', 'services'],
  ['balance', 'balance'],
  ['tickets.list', 'listTickets'],
  ['tickets.get', 'getTicket'],
  ['tickets.reply', 'replyTicket'],
  ['tickets.create', 'createTicket'],
];

const ORDER_ID = /^\d{1,18}$/;
const sameUser = (a: string | undefined, b: string) => a?.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * PerfectPanel Admin API v2 (`<url>/adminapi/v2`, header `X-Api-Key`). Every request goes through
 * HttpTransport (time budget, rate limit, read retries, typed errors). Endpoints the research could
 * only infer or guess are configurable through `paths` and `bodies`; `probe()` checks them safely.
 */
export class PerfectPanelAdmin implements PanelClient {
  readonly name: string;
  readonly capabilities: ReadonlySet<PanelCapability>;
  readonly paths: PerfectPanelPaths;
  readonly bodies: PerfectPanelBodies;
  readonly lookup: OrderLookup;
  private readonly http: HttpTransport;
  private readonly classic?: HttpTransport;
  private readonly servicesApiKey?: string;
  private readonly batchSize: number;

  constructor(options: PerfectPanelOptions) {
    const root = options.url
      .trim()
      .replace(/\/+$/, '')
      .replace(/\/adminapi\/v2$/, '');
    this.name = options.name ?? new URL(root).host;
    this.paths = { ...DEFAULT_PATHS, ...options.paths };
    this.bodies = { ...DEFAULT_BODIES, ...options.bodies };
    this.batchSize = Math.max(1, options.batchSize ?? 100);
    this.servicesApiKey = options.servicesApiKey || undefined;
    const logger = options.logger ?? silentLogger();
    const common = {
      name: this.name,
      timeoutMs: options.timeoutMs,
      concurrency: options.concurrency,
      ratePerSecond: options.ratePerSecond ?? 3,
      retries: options.retries,
      backoffMs: options.backoffMs,
      clock: options.clock,
      logger,
      fetch: options.fetch,
    };
    this.http = new HttpTransport({
      ...common,
      baseUrl: `${root}/adminapi/v2`,
      headers: { 'X-Api-Key': options.adminKey },
    });
    if (this.servicesApiKey) this.classic = new HttpTransport({ ...common, baseUrl: root + this.paths.classicApi });
    this.lookup = new OrderLookup({
      http: this.http,
      name: this.name,
      paths: this.paths,
      bodies: this.bodies,
      batchSize: this.batchSize,
      logger: logger.child({ panel: this.name }),
    });

    const caps = new Set<PanelCapability>(['orders.get', ...METHODS.map(([cap]) => cap)]);
    if (!this.servicesApiKey) for (const cap of ['services', 'balance'] as const) caps.delete(cap);
    for (const cap of options.disable ?? []) if (cap !== 'orders.get') caps.delete(cap);
    // An undeclared capability has no method: callers (and the conformance suite) check both.
    for (const [cap, method] of METHODS) if (!caps.has(cap)) Object.defineProperty(this, method, { value: undefined });
    this.capabilities = caps;
  }

  getOrders(ids: string[]): Promise<PanelOrder[]> {
    return this.lookup.get(ids);
  }

  async ordersOfUser(username: string, options: { limit?: number; offset?: number } = {}): Promise<PanelOrder[]> {
    const query = {
      [this.bodies.userFilter]: username.trim(),
      limit: options.limit ?? 100,
      offset: options.offset ?? 0,
      sort: 'date-desc',
    };
    const data = await this.get(this.paths.orders, query, true);
    // Never trust the filter alone: a panel that ignores it would hand out other customers' orders.
    return rowsOf(data)
      .flatMap((row) => mapOrder(row) ?? [])
      .filter((o) => sameUser(o.user, username));
  }

  async findUser(username: string): Promise<PanelUser | undefined> {
    const data = await this.get(this.paths.users, { username: username.trim(), limit: 10, offset: 0 }, true);
    const users = rowsOf(data).flatMap((row) => mapUser(row) ?? []);
    return users.find((u) => sameUser(u.username, username));
  }

  refill(ids: string[], _options?: WriteOptions): Promise<ActionResult[]> {
    return this.batchWrite(this.paths.refill, ids, (chunk) => ({ [this.bodies.refillIds]: chunk }));
  }

  cancel(ids: string[], options: WriteOptions = {}): Promise<ActionResult[]> {
    return this.batchWrite(this.paths.cancel, ids, (chunk) => ({
      [this.bodies.cancelIds]: chunk,
      ...(options.reason ? { [this.bodies.cancelReason]: options.reason } : {}),
    }));
  }

  speedUp(ids: string[], _options?: WriteOptions): Promise<ActionResult[]> {
    return this.batchWrite(this.paths.resend, ids, (chunk) => ({ [this.bodies.resendIds]: chunk }));
  }

  markCompleted(ids: string[], _options?: WriteOptions): Promise<ActionResult[]> {
    return this.batchWrite(this.paths.changeStatus, ids, (chunk) => ({
      [this.bodies.changeStatusIds]: chunk,
      [this.bodies.changeStatusField]: this.bodies.completedValue,
    }));
  }

  async setPartial(id: string, remains: number, _options?: WriteOptions): Promise<ActionResult> {
    if (!ORDER_ID.test(id.trim())) return { orderId: id, ok: false, error: 'not an order id' };
    const path = orderPath(this.paths.setPartial, id.trim());
    const body = await this.post(path, { [this.bodies.partialRemains]: remains });
    return actionResult(this.name, `POST ${this.paths.setPartial}`, id, body);
  }

  async services(): Promise<PanelService[]> {
    const body = await this.classicCall('services');
    if (!Array.isArray(body)) throw envelopeError(this.name, 'services', { ok: false, kind: 'malformed' });
    return body.filter(isObject).flatMap((row) => mapService(row) ?? []);
  }

  async balance(): Promise<PanelBalance> {
    const body = await this.classicCall('balance');
    const amount = isObject(body) ? toNumber(body.balance) : undefined;
    if (amount === undefined) throw envelopeError(this.name, 'balance', { ok: false, kind: 'malformed' });
    return { amount, currency: isObject(body) ? str(body.currency) : undefined };
  }

  async listTickets(filter: TicketFilter = {}): Promise<PanelTicket[]> {
    const query = {
      [this.bodies.ticketSubjectFilter]: filter.subject,
      [this.bodies.ticketStatusFilter]: filter.status,
      limit: filter.limit ?? 100,
      offset: filter.offset ?? 0,
    };
    const data = await this.get(this.paths.tickets, query, true);
    const subject = filter.subject?.toLowerCase();
    return rowsOf(data)
      .flatMap((row) => mapTicket(row) ?? [])
      .filter(
        (t) =>
          (!subject || t.subject.toLowerCase().includes(subject)) && (!filter.status || t.status === filter.status),
      );
  }

  async getTicket(id: string): Promise<PanelTicket | undefined> {
    const data = await this.get(orderPath(this.paths.ticket, id.trim()), {}, true);
    return isObject(data) ? mapTicket(data) : undefined;
  }

  async replyTicket(id: string, message: string, options: { staffName?: string } = {}): Promise<void> {
    const body = await this.post(orderPath(this.paths.ticketReply, id.trim()), {
      [this.bodies.ticketMessage]: message,
      ...(options.staffName ? { [this.bodies.ticketStaffName]: options.staffName } : {}),
    });
    unwrap(this.name, `POST ${this.paths.ticketReply}`, body);
  }

  async createTicket(username: string, subject: string, message: string): Promise<{ id: string }> {
    const body = await this.post(this.paths.ticketAdd, {
      [this.bodies.ticketUsername]: username,
      [this.bodies.ticketSubject]: subject,
      [this.bodies.ticketMessage]: message,
    });
    const data = unwrap(this.name, `POST ${this.paths.ticketAdd}`, body);
    const ticket = isObject(data) && isObject(data.ticket) ? data.ticket : data;
    const id = isObject(ticket) ? (str(ticket.id) ?? str(ticket.ticket_id)) : str(ticket);
    if (!id) throw new PanelError('bad_response', `POST ${this.paths.ticketAdd}: no ticket id in the answer`);
    return { id };
  }

  async ping(): Promise<void> {
    await this.get(this.paths.orders, { limit: 1 }, true);
  }

  /** Checks each endpoint without changing anything; `smmbot doctor` prints the report. */
  probe(): Promise<ProbeResult[]> {
    return runProbe(this, (path, query) => this.get(path, query, true), this.servicesApiKey !== undefined);
  }

  async close(): Promise<void> {
    await Promise.all([this.http.close(), this.classic?.close()]);
  }

  private async get(path: string, query: Record<string, string | number | undefined>, lenient: boolean) {
    const { body } = await this.http.request({ method: 'GET', path, query, kind: 'read' });
    return unwrap(this.name, `GET ${path}`, body, lenient);
  }

  private async post(path: string, json: Record<string, unknown>): Promise<unknown> {
    return (await this.http.request({ method: 'POST', path, json, kind: 'write' })).body;
  }

  private async batchWrite(path: string, ids: string[], body: (ids: unknown) => Record<string, unknown>) {
    const valid = [...new Set(ids.map((id) => id.trim()))].filter((id) => ORDER_ID.test(id));
    const results: ActionResult[] = ids
      .filter((id) => !ORDER_ID.test(id.trim()))
      .map((orderId) => ({ orderId, ok: false, error: 'not an order id' }));
    for (let i = 0; i < valid.length; i += this.batchSize) {
      const chunk = valid.slice(i, i + this.batchSize);
      const answer = await this.post(path, body(idList(chunk, this.bodies.idsFormat)));
      results.push(...actionResults(this.name, `POST ${path}`, chunk, answer));
    }
    return results;
  }

  private async classicCall(action: 'services' | 'balance'): Promise<unknown> {
    if (!this.classic || !this.servicesApiKey) throw new PanelError('unsupported', `${action}: no servicesApiKey set`);
    const form = { key: this.servicesApiKey, action };
    const { body } = await this.classic.request({ method: 'POST', path: '', form, kind: 'read' });
    if (isObject(body) && 'error' in body) {
      const r = inspect({ error: String(body.error) });
      throw envelopeError(
        this.name,
        `${this.paths.classicApi} action=${action}`,
        r.ok ? { ok: false, kind: 'malformed' } : r,
      );
    }
    return body;
  }
}
