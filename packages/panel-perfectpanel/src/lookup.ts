import { type Logger, PanelError, type PanelOrder } from '@smmbot/core';
import type { HttpTransport } from '@smmbot/panel-http';
import { rowsOf, unwrap } from './envelope.js';
import { mapOrder } from './map.js';
import type { PerfectPanelBodies, PerfectPanelPaths } from './options.js';

export interface LookupContext {
  http: HttpTransport;
  name: string;
  paths: PerfectPanelPaths;
  bodies: PerfectPanelBodies;
  batchSize: number;
  logger: Logger;
}

export type LookupMode = 'unknown' | 'ids' | 'per-id';

/** Errors that say "this panel does not take `ids`", as opposed to "the panel is unwell right now". */
function meansIdsUnsupported(err: unknown): boolean {
  if (!(err instanceof PanelError)) return false;
  if (err.kind === 'unsupported') return true;
  const { errorCode, status } = err.details as { errorCode?: unknown; status?: number };
  return err.kind === 'bad_response' && (errorCode !== undefined || status === 400 || status === 422);
}

export const orderPath = (template: string, id: string) => template.replace('{id}', encodeURIComponent(id));

/**
 * Order look-ups by id. `GET /orders?ids=1,2` [G] answers a batch in one request; a panel that
 * refuses `ids` (an error, a 404) or ignores it (answers orders nobody asked for) is served by
 * `GET /orders/{id}` [C] per id instead — in parallel within the transport's queue — and that choice
 * is remembered. Once `ids` has worked, its errors are real errors and never cause a fallback.
 */
export class OrderLookup {
  mode: LookupMode = 'unknown';
  /** Requests made so far (tests and the probe read it). */
  requests = 0;

  constructor(private readonly ctx: LookupContext) {}

  async get(ids: string[]): Promise<PanelOrder[]> {
    // Admin order ids are integers: anything else cannot exist and would only earn an error.
    const wanted = [...new Set(ids.map((id) => id.trim()).filter((id) => /^\d{1,18}$/.test(id)))];
    const chunks: string[][] = [];
    for (let i = 0; i < wanted.length; i += this.ctx.batchSize) chunks.push(wanted.slice(i, i + this.ctx.batchSize));
    return (await Promise.all(chunks.map((chunk) => this.chunk(chunk)))).flat();
  }

  private async chunk(ids: string[]): Promise<PanelOrder[]> {
    if (this.mode !== 'per-id') {
      let reason: string;
      try {
        const found = await this.byIds(ids);
        if (found) {
          this.mode = 'ids';
          return found;
        }
        reason = 'the panel ignored the ids filter';
      } catch (err) {
        if (this.mode === 'ids' || !meansIdsUnsupported(err)) throw err;
        reason = (err as Error).message;
      }
      if (this.mode === 'unknown') {
        this.ctx.logger.warn({ reason }, 'batch order look-up unsupported: using one request per order');
        this.mode = 'per-id';
      }
    }
    return (await Promise.all(ids.map((id) => this.one(id)))).flatMap((o) => o ?? []);
  }

  /** The batch answer, or undefined when the panel evidently ignored the filter. */
  private async byIds(ids: string[]): Promise<PanelOrder[] | undefined> {
    const { http, name, paths, bodies } = this.ctx;
    this.requests++;
    const { body } = await http.request({
      method: 'GET',
      path: paths.orders,
      query: { [bodies.lookupIds]: ids.join(','), limit: ids.length },
      kind: 'read',
    });
    const orders = rowsOf(unwrap(name, `GET ${paths.orders}`, body, true)).flatMap((row) => mapOrder(row) ?? []);
    const asked = new Set(ids);
    return orders.every((o) => asked.has(o.id)) ? orders : undefined;
  }

  private async one(id: string): Promise<PanelOrder | undefined> {
    const { http, name, paths } = this.ctx;
    this.requests++;
    try {
      const { body } = await http.request({ method: 'GET', path: orderPath(paths.order, id), kind: 'read' });
      const rows = rowsOf(unwrap(name, `GET ${paths.order}`, body, true));
      return rows.flatMap((row) => mapOrder(row) ?? []).find((o) => o.id === id);
    } catch (err) {
      // `GET /orders/{id}` is confirmed to exist, so a 404 there means "no such order".
      if (err instanceof PanelError && err.kind === 'unsupported') return undefined;
      throw err;
    }
  }
}
