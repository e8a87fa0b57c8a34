import { ChannelError, type Clock } from '@smmbot/core';

export interface GreenRestOptions {
  idInstance: string;
  apiTokenInstance: string;
  apiUrl: string;
  timeoutMs: number;
}

export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Green API's REST methods: `{apiUrl}/waInstance{idInstance}/{method}/{apiTokenInstance}`, JSON in
 * and out. The token is part of the URL, so it never appears in errors or logs.
 */
export class GreenRest {
  constructor(
    private readonly options: GreenRestOptions,
    private readonly channel: string,
    private readonly clock: Clock,
    private readonly fetchFn: typeof fetch,
  ) {}

  /** POSTs `body` (GETs without one) and answers the parsed JSON (undefined when not JSON). */
  async call(method: string, what: string, body?: unknown): Promise<unknown> {
    const base = this.options.apiUrl.replace(/\/+$/, '');
    const url = `${base}/waInstance${encodeURIComponent(this.options.idInstance)}/${method}/${encodeURIComponent(this.options.apiTokenInstance)}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: body === undefined ? 'GET' : 'POST',
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new ChannelError(`green api ${what} failed: ${(err as Error).name}`, {
        cause: err,
        retryable: true,
        details: { channel: this.channel, kind: 'unavailable' },
      });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw this.error(response, text, what);
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * HTTP failure → kind: 401/403 (bad token, instance not paid) → unauthorized; 429 → rate_limited
   * (with Retry-After); 5xx and a 400 "instance is starting or not authorized" → unavailable; other
   * 4xx → rejected.
   */
  private error(response: Response, text: string, what: string): ChannelError {
    const details = { channel: this.channel, status: response.status, body: text.slice(0, 200) };
    const message = `green api ${what} failed (HTTP ${response.status})`;
    if (response.status === 401 || response.status === 403) {
      return new ChannelError(message, { retryable: false, details: { ...details, kind: 'unauthorized' } });
    }
    if (response.status === 429) {
      return new ChannelError(message, {
        retryable: true,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after'), this.clock.now()),
        details: { ...details, kind: 'rate_limited' },
      });
    }
    if (response.status >= 500 || /starting or not authorized/i.test(text)) {
      return new ChannelError(message, { retryable: true, details: { ...details, kind: 'unavailable' } });
    }
    return new ChannelError(message, { retryable: false, details: { ...details, kind: 'rejected' } });
  }
}
