import { type FaultKind, normalizeRoute } from './faults.js';

export interface RequestEntry {
  seq: number;
  /** Sim clock time. */
  at: number;
  method: string;
  path: string;
  /** `GET /adminapi/v2/orders/:id`, `action:status`, or `METHOD /path` for unknown routes. */
  route: string;
  action?: string;
  faults: FaultKind[];
}

const KEEP = 2000;

/**
 * Every API request the sim answered (or hung on), counted under each of its route keys, so
 * `count('action:status')`, `count('GET /adminapi/v2/orders/:id')`, `count('/api/v2')` and
 * `count()` (all) all work. `/__sim/*` calls are not counted. The last 2000 entries are kept.
 */
export class RequestLog {
  private counts = new Map<string, number>();
  private routes = new Map<string, number>();
  private log: RequestEntry[] = [];
  private seq = 0;

  record(entry: Omit<RequestEntry, 'seq'>, keys: readonly string[]): RequestEntry {
    const full: RequestEntry = { ...entry, seq: ++this.seq };
    this.log.push(full);
    if (this.log.length > KEEP) this.log.splice(0, this.log.length - KEEP);
    for (const key of new Set(['*', ...keys])) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.routes.set(entry.route, (this.routes.get(entry.route) ?? 0) + 1);
    return full;
  }

  /** Requests matching a route pattern (same syntax as faults); all requests without one. */
  count(route = '*'): number {
    return this.counts.get(normalizeRoute(route)) ?? 0;
  }

  get total(): number {
    return this.count('*');
  }

  /** Counts per route (`action:…` for the classic API, the template for the Admin API). */
  byRoute(): Record<string, number> {
    return Object.fromEntries(this.routes);
  }

  get entries(): readonly RequestEntry[] {
    return this.log;
  }

  reset(): void {
    this.counts.clear();
    this.routes.clear();
    this.log = [];
  }
}
