import {
  type ActionResult,
  type Clock,
  ConfigError,
  type Logger,
  type PanelBalance,
  type PanelCapability,
  type PanelClient,
  PanelError,
  type PanelOrder,
  type PanelService,
  silentLogger,
  toNumber,
  type WriteOptions,
} from '@smmbot/core';
import { HttpTransport } from '@smmbot/panel-http';
import { badShape, CLASSIC_ACTIONS, type ClassicAction, classifyError, errorOf, hardError, isHard } from './errors.js';
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

/** Most ids a multi `status`/`refill`/`refill_status`/`cancel` call carries. */
export const BATCH_SIZE = 100;
const READS = new Set<ClassicAction>(['services', 'status', 'balance', 'refill_status']);
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
  private readonly http: HttpTransport;
  private readonly logger: Logger;
  private readonly key: string;
  /** Cleared once a panel shows it only understands the single-id form (`order=`, `refill=`). */
  private readonly multi = new Set<ClassicAction>(['status', 'refill', 'refill_status']);

  constructor(options: SmmApiPanelOptions) {
    if (!options.key) throw new ConfigError('panel-smmapi: `key` is required');
    this.endpoint = endpointOf(options.url, options.apiVersion ?? 'v2');
    this.name = options.name ?? new URL(this.endpoint).hostname;
    this.key = options.key;
    this.actions = new Set(options.actions ?? CLASSIC_ACTIONS);
    if (!this.actions.has('status')) throw new ConfigError('panel-smmapi: `actions` must include "status"');
    this.capabilities = new Set([...this.actions].flatMap((a) => CAPABILITY[a] ?? []));
    this.logger = (options.logger ?? silentLogger()).child({ panel: this.name });
    this.http = new HttpTransport({
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
    if (wanted.length <= 1 || !this.multi.has('status')) return this.each(wanted, (id) => this.statusOne(id));
    return (await Promise.all(chunk(wanted).map((b) => this.statusBatch(b)))).flat();
  }

  /** Places an order (provider use). Refusals (funds, bad service, duplicate link) come back as `ok: false`. */
  async addOrder(
    service: string | number,
    link: string,
    quantity: number,
    extra: Record<string, string | number | undefined> = {},
  ): Promise<AddOrderResult> {
    const body = await this.call('add', { ...extra, service, link, quantity });
    const err = errorOf(body);
    if (err !== undefined) {
      const cls = this.soft('add', err);
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
    await this.http.close();
  }

  private async statusOne(id: string): Promise<PanelOrder | undefined> {
    const body = await this.call('status', { order: id });
    if (isEmpty(body)) return undefined;
    if (!isRecord(body)) throw badShape(this.name, 'status', body);
    const err = errorOf(body);
    if (err !== undefined) return this.absent('status', id, err);
    // A few scripts answer a single look-up in the multi shape, keyed by id.
    const entry = 'status' in body || 'charge' in body ? body : body[id];
    if (!isRecord(entry)) throw badShape(this.name, 'status', body, 'no status');
    return toOrder(id, entry);
  }

  private async statusBatch(ids: string[]): Promise<PanelOrder[]> {
    if (ids.length === 1) return this.each(ids, (id) => this.statusOne(id));
    const body = await this.call('status', { orders: ids.join(',') });
    if (isEmpty(body)) return [];
    if (!isRecord(body)) throw badShape(this.name, 'status', body);
    const err = errorOf(body);
    if (err !== undefined) {
      // A whole-request error to `orders=`: this panel probably reads only `order=` (BoostPanel...).
      this.soft('status', err, ['unsupported']);
      const found = await this.each(ids, (id) => this.statusOne(id));
      if (found.length > 0) this.singleOnly('status', err);
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
    if (ids.length === 1 || !this.multi.has('refill')) return this.each(ids, (id) => this.refillOne(id), true);
    const body = await this.call('refill', { orders: ids.join(',') });
    const err = errorOf(body);
    if (err !== undefined) {
      // Nothing was done: fall back to one `order=` per id (older templates only have that form).
      this.soft('refill', err, ['unsupported']);
      const results = await this.each(ids, (id) => this.refillOne(id), true);
      if (results.some((r) => r.ok)) this.singleOnly('refill', err);
      return results;
    }
    return this.perOrder(ids, body, 'refill');
  }

  private async refillOne(id: string): Promise<ActionResult> {
    const body = await this.call('refill', { order: id });
    if (!isRecord(body)) throw badShape(this.name, 'refill', body);
    const err = errorOf(body);
    if (err !== undefined) {
      this.soft('refill', err);
      return { orderId: id, ok: false, error: err, raw: body };
    }
    return actionResult(id, body, 'refill');
  }

  private async cancelBatch(ids: string[]): Promise<ActionResult[]> {
    const body = await this.call('cancel', { orders: ids.join(',') });
    const err = errorOf(body);
    if (err !== undefined) {
      this.soft('cancel', err);
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
      const body = await this.call('refill_status', { refill: id });
      if (!isRecord(body)) throw badShape(this.name, 'refill_status', body);
      const err = errorOf(body);
      if (err !== undefined) this.soft('refill_status', err);
      return refillStatusOf(id, body);
    };
    if (wanted.length <= 1 || !this.multi.has('refill_status')) return this.each(wanted, one);
    const batch = async (ids: string[]): Promise<RefillStatusResult[]> => {
      const body = await this.call('refill_status', { refills: ids.join(',') });
      const err = errorOf(body);
      if (err !== undefined) {
        this.soft('refill_status', err, ['unsupported']);
        const results = await this.each(ids, one);
        if (results.some((r) => !r.error)) this.singleOnly('refill_status', err);
        return results;
      }
      const byId = entriesById(body, 'refill');
      if (!byId) throw badShape(this.name, 'refill_status', body);
      return ids.map((id) => refillStatusOf(id, byId.get(id)));
    };
    return (await Promise.all(chunk(wanted).map(batch))).flat();
  }

  private async readBalance(): Promise<PanelBalance> {
    const body = await this.call('balance', {});
    const err = errorOf(body);
    if (err !== undefined) {
      this.soft('balance', err);
      throw badShape(this.name, 'balance', body, `an error ("${err}")`);
    }
    const amount = isRecord(body) ? toNumber(body.balance) : undefined;
    if (amount === undefined) throw badShape(this.name, 'balance', body, 'no balance');
    const currency = isRecord(body) && typeof body.currency === 'string' ? body.currency : undefined;
    return currency ? { amount, currency } : { amount };
  }

  private async readServices(): Promise<PanelService[]> {
    const body = await this.call('services', {});
    const err = errorOf(body);
    if (err !== undefined) {
      this.soft('services', err);
      throw badShape(this.name, 'services', body, `an error ("${err}")`);
    }
    const list = Array.isArray(body) ? body : isRecord(body) ? Object.values(body) : undefined;
    if (!list) throw badShape(this.name, 'services', body);
    return list.flatMap((s) => toService(s) ?? []);
  }

  /** One API call. 4xx answers with a JSON body (newer servers send `{error}` with 400/404/422) are returned as answers. */
  private async call(action: ClassicAction, params: Record<string, string | number | undefined>): Promise<unknown> {
    const kind = READS.has(action) ? 'read' : 'write';
    try {
      const { body } = await this.http.request({
        method: 'POST',
        path: '',
        form: { key: this.key, action, ...params },
        kind,
      });
      return body;
    } catch (err) {
      const body = errorBody(err);
      if (body === undefined) throw err;
      return body;
    }
  }

  /** Throws the typed error for a hard class (minus `except`); returns the soft class otherwise. */
  private soft(action: ClassicAction, text: string, except: ReadonlyArray<'unsupported'> = []) {
    const cls = classifyError(text);
    if (isHard(cls) && !except.includes(cls as 'unsupported')) throw hardError(this.name, action, cls, text);
    return cls;
  }

  private absent(action: ClassicAction, id: string, text: string): undefined {
    const cls = this.soft(action, text);
    if (cls !== 'not_found') this.logger.debug({ action, id, error: text }, 'panel refused a look-up');
    return undefined;
  }

  private singleOnly(action: ClassicAction, text: string): void {
    this.multi.delete(action);
    this.logger.info({ action, error: text }, 'panel answers only single-id requests for this action');
  }

  /** Runs `fn` over ids: in parallel for reads, one after another for writes. */
  private async each<T>(ids: string[], fn: (id: string) => Promise<T | undefined>, serial = false): Promise<T[]> {
    const out: (T | undefined)[] = [];
    if (serial) for (const id of ids) out.push(await fn(id));
    else out.push(...(await Promise.all(ids.map(fn))));
    return out.filter((x): x is T => x !== undefined);
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

/** The site root gets `/api/v2` (or `/api/v1`); `…/api` gets the version; any other path is the endpoint. */
export function endpointOf(url: string, version: 'v2' | 'v1'): string {
  if (!URL.canParse(url)) throw new ConfigError(`panel-smmapi: \`url\` is not a URL: ${JSON.stringify(url)}`);
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  if (path === '') u.pathname = `/api/${version}`;
  else if (path === '/api') u.pathname = `/api/${version}`;
  else u.pathname = path;
  return u.toString();
}

/** `[]` (PHP's empty array) or `{}`: nothing found. */
function isEmpty(body: unknown): boolean {
  return (Array.isArray(body) && body.length === 0) || (isRecord(body) && Object.keys(body).length === 0);
}

function validIds(ids: string[]): string[] {
  return [...new Set(ids.map((i) => String(i).trim()))].filter((id) => /^[^\s,]+$/.test(id));
}

function chunk(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) out.push(ids.slice(i, i + BATCH_SIZE));
  return out;
}

/** The JSON `{error}` body of a 4xx the transport turned into an error (401/403/429 keep their meaning). */
function errorBody(err: unknown): unknown {
  if (!(err instanceof PanelError)) return undefined;
  const { status, body } = err.details as { status?: number; body?: string };
  if (typeof status !== 'number' || status < 400 || status >= 500 || [401, 403, 429].includes(status)) return undefined;
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    return errorOf(parsed) === undefined ? undefined : parsed;
  } catch {
    return undefined;
  }
}
