import { ConfigError, type Logger, PanelError } from '@smmbot/core';
import type { HttpTransport } from '@smmbot/panel-http';
import { type ClassicAction, classifyError, type ErrorClass, errorOf, hardError, isHard } from './errors.js';
import { isRecord } from './parse.js';

/** Most ids a multi `status`/`refill`/`refill_status`/`cancel` call carries. */
export const BATCH_SIZE = 100;
const READS = new Set<ClassicAction>(['services', 'status', 'balance', 'refill_status']);

/**
 * The wire side of the classic API: one form POST per call (`key`, `action`, params) through the
 * shared HttpTransport, `{error}` texts sorted into hard errors and per-order refusals, and which
 * actions this panel turned out to accept only in their single-id form.
 */
export class ClassicApi {
  /** Cleared once a panel shows it only understands the single-id form (`order=`, `refill=`). */
  private readonly multi = new Set<ClassicAction>(['status', 'refill', 'refill_status']);

  constructor(
    readonly name: string,
    private readonly http: HttpTransport,
    private readonly key: string,
    private readonly logger: Logger,
  ) {}

  /** One API call. 4xx answers with a JSON `{error}` body (newer servers send them with 400/404/422) are answers. */
  async call(action: ClassicAction, params: Record<string, string | number | undefined>): Promise<unknown> {
    try {
      const { body } = await this.http.request({
        method: 'POST',
        path: '',
        form: { key: this.key, action, ...params },
        kind: READS.has(action) ? 'read' : 'write',
      });
      return body;
    } catch (err) {
      const body = errorBody(err);
      if (body === undefined) throw err;
      return body;
    }
  }

  /** Throws the typed error of a hard class (unless it is `unsupported` and `allowUnsupported`); returns the class. */
  soft(action: ClassicAction, text: string, allowUnsupported = false): ErrorClass {
    const cls = classifyError(text);
    if (isHard(cls) && !(allowUnsupported && cls === 'unsupported')) throw hardError(this.name, action, cls, text);
    return cls;
  }

  /** A refusal of one look-up: the id is absent (logged unless it is a plain "not found"). */
  absent(action: ClassicAction, id: string, text: string): undefined {
    if (this.soft(action, text) !== 'not_found')
      this.logger.debug({ action, id, error: text }, 'panel refused a look-up');
    return undefined;
  }

  hasMulti(action: ClassicAction): boolean {
    return this.multi.has(action);
  }

  singleOnly(action: ClassicAction, text: string): void {
    this.multi.delete(action);
    this.logger.info({ action, error: text }, 'panel answers only single-id requests for this action');
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** The site root gets `/api/v2` (or `/api/v1`); `…/api` gets the version; any other path is the endpoint. */
export function endpointOf(url: string, version: 'v2' | 'v1'): string {
  if (!URL.canParse(url)) throw new ConfigError('panel-smmapi: `url` is not a URL');
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = path === '' || path === '/api' ? `/api/${version}` : path;
  return u.toString();
}

/** `[]` (PHP's empty array) or `{}`: nothing found. */
export function isEmpty(body: unknown): boolean {
  return (Array.isArray(body) && body.length === 0) || (isRecord(body) && Object.keys(body).length === 0);
}

/** Unique ids that can go into a comma list. */
export function validIds(ids: string[]): string[] {
  return [...new Set(ids.map((i) => String(i).trim()))].filter((id) => /^[^\s,]+$/.test(id));
}

export function chunk(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) out.push(ids.slice(i, i + BATCH_SIZE));
  return out;
}

/** Runs `fn` over ids: in parallel for reads (the transport queues them), one after another for writes. */
export async function each<T>(ids: string[], fn: (id: string) => Promise<T | undefined>, serial = false): Promise<T[]> {
  const out: (T | undefined)[] = [];
  if (serial) for (const id of ids) out.push(await fn(id));
  else out.push(...(await Promise.all(ids.map(fn))));
  return out.filter((x): x is T => x !== undefined);
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
