import type { Clock } from '../clock.js';
import { PanelError, SmmbotError } from '../errors.js';
import type { KeyValueStore, TenantId } from '../storage.js';
import type { ActionResult, PanelCapability, PanelClient, PanelOrder, WriteOptions } from './types.js';

export interface ResilientPanelOptions {
  tenant: TenantId;
  clock: Clock;
  /** Where write idempotency records live; without it, idempotency keys are ignored. */
  kv?: KeyValueStore;
  /** How long an order read is served from memory. Default 3 s; 0 disables the cache. */
  cacheTtlMs?: number;
  /** Most orders cached at once. Default 10,000. */
  cacheSize?: number;
  /** How long an idempotency record is kept. Default 24 h. */
  idempotencyTtlMs?: number;
}

type WriteName = 'refill' | 'cancel' | 'speedUp' | 'refund' | 'markCompleted';
interface IdemRecord {
  state: 'pending' | 'done' | 'unknown';
  result?: ActionResult[];
}

/**
 * Wraps any panel adapter with what every adapter needs: concurrent order look-ups made in one
 * event-loop turn become one batched call (a busy group asking for 1,000 single orders costs a
 * handful of requests), a short TTL cache for order reads, and idempotent writes — a command retried
 * with the same idempotency key never acts twice, and a write whose outcome is unknown (a timeout)
 * is not blindly repeated.
 */
export class ResilientPanel implements PanelClient {
  readonly name: string;
  readonly capabilities: ReadonlySet<PanelCapability>;
  private readonly cache = new Map<string, { order: PanelOrder; at: number }>();
  private pending = new Map<string, { resolve: (o: PanelOrder | undefined) => void; reject: (e: unknown) => void }[]>();
  private flushScheduled = false;

  // Present exactly when the wrapped adapter has them (set in the constructor).
  declare ordersOfUser?: PanelClient['ordersOfUser'];
  declare findUser?: PanelClient['findUser'];
  declare refill?: PanelClient['refill'];
  declare cancel?: PanelClient['cancel'];
  declare speedUp?: PanelClient['speedUp'];
  declare refund?: PanelClient['refund'];
  declare setPartial?: PanelClient['setPartial'];
  declare markCompleted?: PanelClient['markCompleted'];
  declare refillStatus?: PanelClient['refillStatus'];
  declare balance?: PanelClient['balance'];
  declare services?: PanelClient['services'];
  declare listTickets?: PanelClient['listTickets'];
  declare getTicket?: PanelClient['getTicket'];
  declare replyTicket?: PanelClient['replyTicket'];
  declare createTicket?: PanelClient['createTicket'];
  declare ping?: PanelClient['ping'];
  declare close?: PanelClient['close'];

  constructor(
    readonly inner: PanelClient,
    private readonly options: ResilientPanelOptions,
  ) {
    this.name = inner.name;
    this.capabilities = inner.capabilities;
    // Optional capabilities are passed through as they are; writes get the idempotency guard.
    for (const method of [
      'ordersOfUser',
      'findUser',
      'refillStatus',
      'balance',
      'services',
      'listTickets',
      'getTicket',
      'replyTicket',
      'createTicket',
      'ping',
      'close',
    ] as const) {
      const fn = inner[method];
      if (fn) (this as Record<string, unknown>)[method] = fn.bind(inner);
    }
    const setPartial = inner.setPartial?.bind(inner);
    if (setPartial) {
      this.setPartial = async (id, remains, o) =>
        (await this.guarded('setPartial', [id], o ?? {}, async () => [await setPartial(id, remains, o)]))[0]!;
    }
    for (const method of ['refill', 'cancel', 'speedUp', 'refund', 'markCompleted'] as const) {
      if (inner[method])
        (this as Record<string, unknown>)[method] = (ids: string[], o?: WriteOptions) => this.write(method, ids, o);
    }
  }

  async getOrders(ids: string[]): Promise<PanelOrder[]> {
    const unique = [...new Set(ids)];
    const found = await Promise.all(unique.map((id) => this.getOne(id)));
    return found.filter((o): o is PanelOrder => o !== undefined);
  }

  private getOne(id: string): Promise<PanelOrder | undefined> {
    const ttl = this.options.cacheTtlMs ?? 3_000;
    const hit = this.cache.get(id);
    if (hit && ttl > 0 && this.options.clock.now() - hit.at < ttl) return Promise.resolve(hit.order);
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(id) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(id, waiters);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Everything asked for in this event-loop turn goes out as one call.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.flushScheduled = false;
    try {
      const orders = await this.inner.getOrders([...batch.keys()]);
      const byId = new Map(orders.map((o) => [o.id, o]));
      const now = this.options.clock.now();
      for (const [id, waiters] of batch) {
        const order = byId.get(id);
        if (order) this.remember(id, order, now);
        for (const w of waiters) w.resolve(order);
      }
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    }
  }

  private remember(id: string, order: PanelOrder, at: number): void {
    if ((this.options.cacheTtlMs ?? 3_000) <= 0) return;
    this.cache.delete(id);
    this.cache.set(id, { order, at });
    const max = this.options.cacheSize ?? 10_000;
    if (this.cache.size > max) this.cache.delete(this.cache.keys().next().value as string);
  }

  private write(method: WriteName, ids: string[], options: WriteOptions = {}): Promise<ActionResult[]> {
    const call = () =>
      (this.inner[method] as (i: string[], o?: WriteOptions) => Promise<ActionResult[]>).call(this.inner, ids, options);
    return this.guarded(method, ids, options, call);
  }

  /** Runs a write under its idempotency record (with a key and a store), invalidating cached reads. */
  private async guarded(
    method: string,
    ids: string[],
    options: WriteOptions,
    call: () => Promise<ActionResult[]>,
  ): Promise<ActionResult[]> {
    for (const id of ids) this.cache.delete(id);
    const { kv, tenant } = this.options;
    if (!options.idempotencyKey || !kv) return call();

    const key = `panel-idem:${method}:${options.idempotencyKey}`;
    const ttl = this.options.idempotencyTtlMs ?? 24 * 60 * 60_000;
    if (!(await kv.setIfAbsent(tenant, key, { state: 'pending' } satisfies IdemRecord, ttl))) {
      const seen = await kv.get<IdemRecord>(tenant, key);
      if (seen?.state === 'done' && seen.result) return seen.result;
      throw new SmmbotError(
        'E_IN_PROGRESS',
        `${method} ${ids.join(',')} is already ${seen?.state === 'unknown' ? 'sent with an unknown outcome' : 'in progress'}`,
        {
          details: { idempotencyKey: options.idempotencyKey, state: seen?.state },
        },
      );
    }
    try {
      const result = await call();
      await kv.set(tenant, key, { state: 'done', result } satisfies IdemRecord, ttl);
      return result;
    } catch (err) {
      // The panel may have acted before the answer was lost (timeout, 5xx, unreadable answer): keep the
      // record so a retry does not repeat the write blindly. A refusal (bad key, unsupported, rejected)
      // surely did nothing, so a retry may go ahead.
      const maybeActed =
        err instanceof PanelError &&
        (err.kind === 'timeout' || err.kind === 'unavailable' || err.kind === 'bad_response');
      if (maybeActed) await kv.set(tenant, key, { state: 'unknown' } satisfies IdemRecord, ttl);
      else await kv.delete(tenant, key);
      throw err;
    }
  }
}
