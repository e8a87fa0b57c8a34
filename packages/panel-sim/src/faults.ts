import { type SimResponse, text } from './http.js';

export type FaultKind = 'latency' | '5xx' | '429' | 'html' | 'malformed' | 'hang' | 'wrong-key';

export const FAULT_KINDS: readonly FaultKind[] = ['latency', '5xx', '429', 'html', 'malformed', 'hang', 'wrong-key'];

export interface FaultSpec {
  /**
   * Which requests: `*`, `GET /adminapi/v2/orders/:id` (route template), `GET /adminapi/v2/orders/1003`
   * (exact path), `/adminapi/v2/orders` (any method), `action:status` (classic API action), `POST /api/v2`.
   */
  route: string;
  kind: FaultKind;
  /** `latency`: delay in ms of the sim clock (default 1000). */
  ms?: number;
  /** `5xx`: 500/502/503/504 (default 503). `html`: 200 or 403 (default 403). */
  status?: number;
  /** `429`: the Retry-After header in seconds (default 30). */
  retryAfter?: number;
  /** Apply to the next N matching requests, then remove itself. Default: until cleared. */
  times?: number;
}

export interface Fault extends FaultSpec {
  readonly id: number;
  /** How many requests it has hit so far. */
  hits: number;
}

/** Normalises a route pattern: upper-case method, no trailing slash. */
export function normalizeRoute(route: string): string {
  const trimmed = route.trim();
  const m = /^([a-z]+)\s+(\S+)$/i.exec(trimmed);
  const strip = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  if (m?.[1] && m[2]) return `${m[1].toUpperCase()} ${strip(m[2])}`;
  return trimmed.startsWith('/') ? strip(trimmed) : trimmed;
}

export function validateFault(input: unknown): FaultSpec {
  if (!input || typeof input !== 'object') throw new Error('a fault is an object { route, kind, ... }');
  const f = input as Record<string, unknown>;
  if (typeof f.route !== 'string' || !f.route.trim()) throw new Error('fault.route must be a non-empty string');
  if (!FAULT_KINDS.includes(f.kind as FaultKind))
    throw new Error(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
  const spec: FaultSpec = { route: normalizeRoute(f.route), kind: f.kind as FaultKind };
  for (const key of ['ms', 'status', 'retryAfter', 'times'] as const) {
    const v = f[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`fault.${key} must be an integer ≥ 0`);
    spec[key] = v;
  }
  if (spec.times === 0) throw new Error('fault.times must be ≥ 1 (omit it for "until cleared")');
  if (spec.kind === '5xx' && spec.status !== undefined && (spec.status < 500 || spec.status > 599)) {
    throw new Error('fault.status of a 5xx fault must be 500–599');
  }
  if (spec.kind === 'html' && spec.status !== undefined && spec.status !== 200 && spec.status !== 403) {
    throw new Error('fault.status of an html fault must be 200 or 403');
  }
  return spec;
}

/** Faults waiting for requests. The first matching non-latency fault wins; latency faults add up. */
export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  /** Checks a fault (from JSON, say) and returns it normalised; throws with a readable message. */
  validate(input: unknown): FaultSpec {
    return validateFault(input);
  }

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...validateFault(spec), id: this.nextId++, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Picks the faults for a request with these route keys and counts them down. */
  take(keys: readonly string[]): Fault[] {
    const taken: Fault[] = [];
    let terminal = false;
    for (const f of this.faults) {
      if (f.route !== '*' && !keys.includes(f.route)) continue;
      if (f.kind !== 'latency') {
        if (terminal) continue;
        terminal = true;
      }
      taken.push(f);
    }
    for (const f of taken) {
      f.hits++;
      if (f.times !== undefined && f.hits >= f.times) this.remove(f.id);
    }
    return taken.map((f) => ({ ...f }));
  }
}

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

export function serverErrorResponse(status = 503): SimResponse {
  const title = `${status} ${STATUS_TEXT[status] ?? 'Server Error'}`;
  return text(`${title}\n`, status);
}

export function tooManyRequestsResponse(retryAfter = 30): SimResponse {
  const res = text('Too Many Requests\n', 429);
  res.headers['retry-after'] = String(retryAfter);
  return res;
}

/** A Cloudflare "Attention Required" challenge page, as panels behind Cloudflare return to bots. */
export function cloudflareResponse(status = 403): SimResponse {
  const html = `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<html class="no-js" lang="en-US">
<head>
<title>Attention Required! | Cloudflare</title>
<meta charset="UTF-8" />
<meta name="robots" content="noindex, nofollow" />
</head>
<body>
<div id="cf-wrapper">
  <div id="cf-error-details" class="cf-error-details-wrapper">
    <h1 data-translate="block_headline">Sorry, you have been blocked</h1>
    <h2 class="cf-subheadline">You are unable to access this panel</h2>
    <p>This website is using a security service to protect itself from online attacks.</p>
    <span class="cf-footer-item">Cloudflare Ray ID: <strong>8c1f2e3d4b5a6978</strong></span>
  </div>
</div>
</body>
</html>
`;
  const res = text(html, status, 'text/html; charset=UTF-8');
  res.headers.server = 'cloudflare';
  res.headers['cf-ray'] = '8c1f2e3d4b5a6978-FRA';
  return res;
}

/** The real answer cut in half (still labelled JSON), or a broken fragment when it is tiny. */
export function malformed(response: SimResponse): SimResponse {
  const cut = response.body.length > 8 ? response.body.slice(0, Math.floor(response.body.length / 2)) : '{"data":';
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: cut };
}
