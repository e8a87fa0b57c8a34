import type { IncomingMessage, ServerResponse } from 'node:http';

/** A parsed request, independent of node:http so route handlers stay pure. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const MAX_BODY = 1_000_000;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function json(value: unknown, status = 200): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

export function text(body: string, status: number, contentType = 'text/plain; charset=utf-8'): SimResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

export function send(res: ServerResponse, response: SimResponse): void {
  if (res.destroyed || res.headersSent) return;
  const body = Buffer.from(response.body, 'utf8');
  res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  res.end(body);
}

/**
 * The request body as an object: JSON when it looks like JSON (whatever the content type, as lenient
 * panels do), else form-urlencoded. `undefined` when a JSON body does not parse.
 */
export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  const body = raw.trim();
  if (!body) return {};
  if ((contentType ?? '').includes('json') || body.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/** Query and body merged into strings (arrays joined with commas), the body winning, like `$_REQUEST`. */
export function mergeParams(query: URLSearchParams, body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(query);
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

/** `"1,2, 3"`, `[1, "2"]`, `3` → `[1, 2, 3]` (non-numbers are kept as NaN for per-id errors). */
export function idList(value: unknown): number[] {
  if (value === undefined || value === null || value === '') return [];
  const parts = Array.isArray(value) ? value : String(value).split(',');
  return parts
    .map((p) => String(p).trim())
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN));
}

/** `YYYY-MM-DD HH:mm:ss` in UTC (what PHP panels print), or ISO-8601. */
export function formatDate(ms: number, style: 'panel' | 'iso'): string {
  const iso = new Date(ms).toISOString();
  return style === 'iso' ? iso : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Money as real panels print it: up to 5 decimals, at least 2. */
export function money(n: number): string {
  return n.toFixed(5).replace(/0{1,3}$/, '');
}

/** A request matched to a route: its name for logs/faults, and how to answer it. */
export interface Routed {
  /** `GET /adminapi/v2/orders/:id`, `action:status`, or `METHOD /path` when nothing matched. */
  route: string;
  /** Every name a fault or a counter may use for this request. */
  keys: string[];
  action?: string;
  /** Answers the request; `wrongKey` makes it behave as if the key were invalid. */
  run(wrongKey: boolean): SimResponse;
}
