import { type Clock, type Logger, PanelError, SmmbotError, silentLogger, SystemClock } from '@smmbot/core';
import PQueue from 'p-queue';
import { errorForResponse, looksLikeHtml, retryAfterMs, snippet, stripQuery } from './errors.js';

export interface HttpTransportOptions {
  /** Panel name, for errors and logs. */
  name: string;
  baseUrl: string;
  /** Headers sent on every request (e.g. `X-Api-Key`); never logged. */
  headers?: Record<string, string>;
  /** Budget for one call, retries included: every fault ends in a typed error within it. Default 10 s. */
  timeoutMs?: number;
  /** Requests in flight to this panel at once. Default 4. */
  concurrency?: number;
  /** Requests started per second to this panel. Default 5. */
  ratePerSecond?: number;
  /** Extra attempts for reads (never writes). Default 2. */
  retries?: number;
  /** First back-off delay; doubles per attempt, with jitter. Default 250 ms. */
  backoffMs?: number;
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path appended to the base URL. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** JSON body. */
  json?: unknown;
  /** Form body (application/x-www-form-urlencoded). */
  form?: Record<string, string | number | undefined>;
  /** Reads may be retried; writes never are (a retried write could act twice). */
  kind: 'read' | 'write';
  /** Extra headers for this request (e.g. another key for another API of the same panel). */
  headers?: Record<string, string>;
}

export interface HttpResult {
  status: number;
  body: unknown;
  text: string;
}

/**
 * The HTTP layer every panel adapter shares: a per-panel queue (concurrency and rate), one time
 * budget per call, retries with back-off for reads only (honouring Retry-After), and every failure
 * mapped to a typed PanelError whose details (status, body snippet, timing) go to the log.
 */
export class HttpTransport {
  private readonly queue: PQueue;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly abort = new AbortController();

  constructor(private readonly options: HttpTransportOptions) {
    this.clock = options.clock ?? new SystemClock();
    this.logger = (options.logger ?? silentLogger()).child({ panel: options.name });
    this.fetchFn = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const rate = options.ratePerSecond ?? 5;
    this.queue = new PQueue({ concurrency: options.concurrency ?? 4, intervalCap: rate, interval: 1000 });
  }

  async request(req: HttpRequest): Promise<HttpResult> {
    const deadline = this.clock.now() + this.timeoutMs;
    const attempts = req.kind === 'read' ? 1 + (this.options.retries ?? 2) : 1;
    let lastError: PanelError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const remaining = deadline - this.clock.now();
      if (remaining <= 0) break;
      try {
        return (await this.queue.add(() => this.once(req, deadline))) as HttpResult;
      } catch (err) {
        lastError = err instanceof PanelError ? err : new PanelError('unavailable', String(err), { cause: err });
        const wait = this.backoff(attempt, lastError);
        const retry = attempt < attempts && lastError.retryable && this.clock.now() + wait < deadline;
        this.logger.warn({ err: lastError, attempt, retry, waitMs: retry ? wait : undefined }, 'panel request failed');
        if (!retry) throw lastError;
        await this.clock.sleep(wait);
      }
    }
    throw lastError ?? timeoutError(this.options.name, req, this.timeoutMs);
  }

  /** Stops queued requests and aborts the ones in flight. */
  async close(): Promise<void> {
    this.queue.clear();
    this.abort.abort();
  }

  private async once(req: HttpRequest, deadline: number): Promise<HttpResult> {
    const url = this.url(req);
    const started = this.clock.now();
    // Waiting in the queue may have used the whole budget: never send a request (above all a write)
    // after the caller has been told it timed out, nor with a sliver of budget left — it would be
    // aborted in flight, and an aborted write may still run on the panel with no answer for us.
    const minBudget = Math.min(50, this.timeoutMs / 10);
    if (deadline - started < minBudget) throw timeoutError(this.options.name, req, this.timeoutMs);
    const controller = new AbortController();
    const onClose = () => controller.abort();
    this.abort.signal.addEventListener('abort', onClose);
    const timer = this.clock.setTimeout(() => controller.abort(), Math.max(1, deadline - started));
    try {
      const res = await this.fetchFn(url, {
        method: req.method,
        headers: this.headers(req),
        body: this.body(req),
        signal: controller.signal,
      });
      const text = await res.text();
      const info = {
        method: req.method,
        url,
        status: res.status,
        contentType: res.headers.get('content-type') ?? undefined,
        body: text,
        ms: this.clock.now() - started,
      };
      if (res.status >= 400)
        throw errorForResponse(this.options.name, info, retryAfterMs(res.headers.get('retry-after'), this.clock.now()));
      if (looksLikeHtml(info.contentType, text)) throw errorForResponse(this.options.name, info);
      this.logger.debug({ method: req.method, path: req.path, status: res.status, ms: info.ms }, 'panel request');
      return { status: res.status, body: parseJson(this.options.name, req, text), text };
    } catch (err) {
      if (err instanceof SmmbotError) throw err;
      if (controller.signal.aborted) throw timeoutError(this.options.name, req, this.timeoutMs);
      throw new PanelError('unavailable', `${req.method} ${req.path}: ${(err as Error).message}`, {
        cause: err,
        details: { panel: this.options.name, code: (err as { cause?: { code?: string } }).cause?.code },
      });
    } finally {
      this.clock.clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onClose);
    }
  }

  private backoff(attempt: number, error: PanelError): number {
    if (error.retryAfterMs !== undefined) return error.retryAfterMs;
    const base = (this.options.backoffMs ?? 250) * 2 ** (attempt - 1);
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  private url(req: HttpRequest): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private headers(req: HttpRequest): Record<string, string> {
    const type =
      req.json !== undefined ? 'application/json' : req.form ? 'application/x-www-form-urlencoded' : undefined;
    return {
      accept: 'application/json',
      ...(type ? { 'content-type': type } : {}),
      ...this.options.headers,
      ...req.headers,
    };
  }

  private body(req: HttpRequest): string | undefined {
    if (req.json !== undefined) return JSON.stringify(req.json);
    if (!req.form) return undefined;
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(req.form)) if (v !== undefined) form.set(k, String(v));
    return form.toString();
  }
}

function parseJson(panel: string, req: HttpRequest, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PanelError('bad_response', `${req.method} ${req.path}: the panel answered invalid JSON`, {
      cause: err,
      retryable: req.kind === 'read',
      details: { panel, body: snippet(text) },
    });
  }
}

function timeoutError(panel: string, req: HttpRequest, ms: number): PanelError {
  return new PanelError('timeout', `${req.method} ${stripQuery(req.path)}: no answer within ${ms} ms`, {
    details: { panel },
  });
}
