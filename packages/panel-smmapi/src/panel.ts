import {
  type ActionResult,
  type Clock,
  ConfigError,
  type Logger,
  type PanelBalance,
  type PanelCapability,
  type PanelClient,
  type PanelOrder,
  type PanelService,
  silentLogger,
  toNumber,
  type WriteOptions,
} from '@smmbot/core';
import { HttpTransport } from '@smmbot/panel-http';
import { chunk, ClassicApi, each, endpointOf, isEmpty, validIds } from './api.js';
import { badShape, CLASSIC_ACTIONS, type ClassicAction, errorOf } from './errors.js';
import {
  actionResult,
  entriesById,
  idOf,
  isRecord,
  type RefillStatusResult,
  refillStatusOf,
  toOrder,
  toService,
} from './parse.js';

export interface SmmApiPanelOptions {
  /** The panel's site root (`https://panel.com`) or its full API endpoint (`https://panel.com/api/v2`). */
  url: string;
  key: string;
  /** For logs and errors; default: the URL's host name. */
  name?: string;
  /** Path appended when `url` is the site root: `/api/v2` (default) or `/api/v1` (SmartPanel scripts). */
  apiVersion?: 'v2' | 'v1';
  timeoutMs?: number;
  concurrency?: number;
  ratePerSecond?: number;
  retries?: number;
  backoffMs?: number;
  /** The actions this panel implements (default: all seven). `status` is required. */
  actions?: readonly ClassicAction[];
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
}

export type AddOrderResult =
  | { ok: true; orderId: string; raw: unknown }
  | { ok: false; error: string; reason: 'funds' | 'not_found' | 'refused'; raw: unknown };

const CAPABILITY: Partial<Record<ClassicAction, PanelCapability>> = {
  status: 'orders.get',
  refill: 'orders.refill',
  refill_status: 'refills.status',
  cancel: 'orders.cancel',
  balance: 'balance',
  services: 'services',
};

/** The classic customer/reseller "SMM API v2": `POST /api/v2` with `key` and `action` as a form. */
export class SmmApiPanel implements PanelClient {
  readonly name: string;
  readonly endpoint: string;
  readonly actions: ReadonlySet<ClassicAction>;
  readonly capabilities: ReadonlySet<PanelCapability>;
  readonly refill?: (ids: string[], options?: WriteOptions) => Promise<ActionResult[]>;
  readonly cancel?: (ids: string[], options?: WriteOptions) => Promise<ActionResult[]>;
  readonly refillStatus?: (refillIds: string[]) => Promise<RefillStatusResult[]>;
  readonly balance?: () => Promise<PanelBalance>;
  readonly services?: () => Promise<PanelService[]>;
  private readonly api: ClassicApi;

  constructor(options: SmmApiPanelOptions) {
    if (!options.key) throw new ConfigError('panel-smmapi: `key` is required');
    this.endpoint = endpointOf(options.url, options.apiVersion ?? 'v2');
    this.name = options.name ?? new URL(this.endpoint).hostname;
    this.actions = new Set(options.actions ?? CLASSIC_ACTIONS);
    if (!this.actions.has('status')) throw new ConfigError('panel-smmapi: `actions` must include "status"');
    this.capabilities = new Set([...this.actions].flatMap((a) => CAPABILITY[a] ?? []));
    const http = new HttpTransport({
      name: this.name,
      baseUrl: this.endpoint,
      timeoutMs: options.timeoutMs,
      concurrency: options.concurrency,
      ratePerSecond: options.ratePerSecond,
      retries: options.retries,
      backoffMs: options.backoffMs,
      clock: options.clock,
      logger: options.logger,
      fetch: options.fetch,
    });
    const logger = (options.logger ?? silentLogger()).child({ panel: this.name });
    this.api = new ClassicApi(this.name, http, options.key, logger);
    // Optional methods exist exactly when their action (capability) does.
    if (this.actions.has('refill')) this.refill = (ids) => this.writeEach(ids, (b) => this.refillBatch(b));
    if (this.actions.has('cancel')) this.cancel = (ids) => this.writeEach(ids, (b) => this.cancelBatch(b));
    if (this.actions.has('refill_status')) this.refillStatus = (ids) => this.readRefills(ids);
    if (this.actions.has('balance')) this.balance = () => this.readBalance();
    if (this.actions.has('services')) this.services = () => this.readServices();
  }

  /** Orders by id: `orders=` in batches of up to 100, `order=` for one id; unknown ids are absent. */
  async getOrders(ids: string[]): Promise<PanelOrder[]> {
    const wanted = validIds(ids);
    if (wanted.length <= 1 || !this.api.hasMulti('status')) return each(wanted, (id) => this.statusOne(id));
    return (await Promise.all(chunk(wanted).map((b) => this.statusBatch(b)))).flat();
  }

  /** Places an order (provider use). Refusals (funds, bad service, duplicate link) come back as `ok: false`. */
  async addOrder(
    service: string | number,
    link: string,
    quantity: number,
    extra: Record<string, string | number | undefined> = {},
  ): Promise<AddOrderResult> {
    const body = await this.api.call('add', { ...extra, service, link, quantity });
    const err = errorOf(body);
    if (err !== undefined) {
      const cls = this.api.soft('add', err);
      return { ok: false, error: err, reason: cls === 'funds' || cls === 'not_found' ? cls : 'refused', raw: body };
    }
    const orderId = isRecord(body) ? idOf(body.order ?? body.order_id) : undefined;
    if (!orderId) throw badShape(this.name, 'add', body, 'no order id');
    return { ok: true, orderId, raw: body };
  }

  /** A cheap authenticated call: `balance` (or `services` when the panel has no `balance`). */
  async ping(): Promise<void> {
    if (this.actions.has('balance')) await this.readBalance();
    else await this.readServices();
  }

  async close(): Promise<void> {
    await this.api.close();
  }

  private async statusOne(id: string): Promise<PanelOrder | undefined> {
    const body = await this.api.call('status', { order: id });
    if (isEmpty(body)) return undefined;
    if (!isRecord(body)) throw badShape(this.name, 'status', body);
    const err = errorOf(body);
    if (err !== undefined) return this.api.absent('status', id, err);
    // A few scripts answer a single look-up in the multi shape, keyed by id.
    const entry = 'status' in body || 'charge' in body ? body : body[id];
    if (!isRecord(entry)) throw badShape(this.name, 'status', body, 'no status');
    return toOrder(id, entry);
  }

  private async statusBatch(ids: string[]): Promise<PanelOrder[]> {
    if (ids.length === 1) return each(ids, (id) => this.statusOne(id));
    const body = await this.api.call('status', { orders: ids.join(',') });
    if (isEmpty(body)) return [];
    if (!isRecord(body)) throw badShape(this.name, 'status', body);
    const err = errorOf(body);
    if (err !== undefined) {
      // A whole-request error to `orders=`: this panel probably reads only `order=` (BoostPanel...).
      this.api.soft('status', err, true);
      const found = await each(ids, (id) => this.statusOne(id));
      if (found.length > 0) this.api.singleOnly('status', err);
      return found;
    }
    const out: PanelOrder[] = [];
    let answered = 0;
    for (const id of ids) {
      const entry = body[id];
      if (entry === undefined) continue;
      answered++;
      // `{error: "Incorrect order ID"}`, or a bare "Incorrect order ID" (SmartPanel): the id is absent.
      if (!isRecord(entry) || errorOf(entry) !== undefined) continue;
      out.push(toOrder(id, entry));
    }
    if (answered === 0 && Object.keys(body).length > 0) throw badShape(this.name, 'status', body, 'none of the ids');
    return out;
  }

  private async refillBatch(ids: string[]): Promise<ActionResult[]> {
    if (ids.length === 1 || !this.api.hasMulti('refill')) return each(ids, (id) => this.refillOne(id), true);
    const body = await this.api.call('refill', { orders: ids.join(',') });
    const err = errorOf(body);
    if (err !== undefined) {
      // Nothing was done: fall back to one `order=` per id (older templates only have that form).
      this.api.soft('refill', err, true);
      const results = await each(ids, (id) => this.refillOne(id), true);
      if (results.some((r) => r.ok)) this.api.singleOnly('refill', err);
      return results;
    }
    return this.perOrder(ids, body, 'refill');
  }

  private async refillOne(id: string): Promise<ActionResult> {
    const body = await this.api.call('refill', { order: id });
    if (!isRecord(body)) throw badShape(this.name, 'refill', body);
    const err = errorOf(body);
    if (err !== undefined) {
      this.api.soft('refill', err);
      return { orderId: id, ok: false, error: err, raw: body };
    }
    return actionResult(id, body, 'refill');
  }

  private async cancelBatch(ids: string[]): Promise<ActionResult[]> {
    const body = await this.api.call('cancel', { orders: ids.join(',') });
    const err = errorOf(body);
    if (err !== undefined) {
      this.api.soft('cancel', err);
      return ids.map((orderId) => ({ orderId, ok: false, error: err, raw: body }));
    }
    return this.perOrder(ids, body, 'cancel');
  }

  private perOrder(ids: string[], body: unknown, field: 'refill' | 'cancel'): ActionResult[] {
    const byId = entriesById(body, 'order');
    if (!byId) throw badShape(this.name, field, body);
    return ids.map((id) =>
      byId.has(id)
        ? actionResult(id, byId.get(id), field)
        : { orderId: id, ok: false, error: `the panel did not answer for this order`, raw: body },
    );
  }

  private async readRefills(refillIds: string[]): Promise<RefillStatusResult[]> {
    const wanted = validIds(refillIds);
    const one = async (id: string): Promise<RefillStatusResult> => {
      const body = await this.api.call('refill_status', { refill: id });
      if (!isRecord(body)) throw badShape(this.name, 'refill_status', body);
      const err = errorOf(body);
      if (err !== undefined) this.api.soft('refill_status', err);
      return refillStatusOf(id, body);
    };
    if (wanted.length <= 1 || !this.api.hasMulti('refill_status')) return each(wanted, one);
    const batch = async (ids: string[]): Promise<RefillStatusResult[]> => {
      const body = await this.api.call('refill_status', { refills: ids.join(',') });
      const err = errorOf(body);
      if (err !== undefined) {
        this.api.soft('refill_status', err, true);
        const results = await each(ids, one);
        if (results.some((r) => !r.error)) this.api.singleOnly('refill_status', err);
        return results;
      }
      const byId = entriesById(body, 'refill');
      if (!byId) throw badShape(this.name, 'refill_status', body);
      return ids.map((id) => refillStatusOf(id, byId.get(id)));
    };
    return (await Promise.all(chunk(wanted).map(batch))).flat();
  }

  private async readBalance(): Promise<PanelBalance> {
    const body = await this.api.call('balance', {});
    const err = errorOf(body);
    if (err !== undefined) {
      this.api.soft('balance', err);
      throw badShape(this.name, 'balance', body, `an error ("${err}")`);
    }
    const amount = isRecord(body) ? toNumber(body.balance) : undefined;
    if (amount === undefined) throw badShape(this.name, 'balance', body, 'no balance');
    const currency = isRecord(body) && typeof body.currency === 'string' ? body.currency : undefined;
    return currency ? { amount, currency } : { amount };
  }

  private async readServices(): Promise<PanelService[]> {
    const body = await this.api.call('services', {});
    const err = errorOf(body);
    if (err !== undefined) {
      this.api.soft('services', err);
      throw badShape(this.name, 'services', body, `an error ("${err}")`);
    }
    const list = Array.isArray(body) ? body : isRecord(body) ? Object.values(body) : undefined;
    if (!list) throw badShape(this.name, 'services', body);
    return list.flatMap((s) => toService(s) ?? []);
  }

  /** Writes go batch by batch: a refused batch (unsupported, bad key) stops the rest from being sent. */
  private async writeEach(ids: string[], run: (batch: string[]) => Promise<ActionResult[]>): Promise<ActionResult[]> {
    const unique = [...new Set(ids.map((i) => String(i).trim()))];
    const valid = validIds(unique);
    const results = new Map<string, ActionResult>();
    for (const batch of chunk(valid)) for (const r of await run(batch)) results.set(r.orderId, r);
    return unique.map(
      (id) =>
        results.get(id) ?? { orderId: id, ok: false, error: valid.includes(id) ? 'no answer' : 'not an order id' },
    );
  }
}
