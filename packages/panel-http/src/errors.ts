import { PanelError } from '@smmbot/core';

/** What a response looked like, for error details in logs (never shown to customers). */
export interface ResponseInfo {
  method: string;
  url: string;
  status?: number;
  contentType?: string;
  body?: string;
  ms?: number;
}

const SNIPPET = 500;

export function snippet(text: string): string {
  return text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
}

/** An HTML page where JSON was expected: a Cloudflare challenge, a maintenance page, a login page. */
export function looksLikeHtml(contentType: string | undefined, body: string): boolean {
  if (contentType?.includes('text/html')) return true;
  const head = body.trimStart().slice(0, 20).toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html');
}

/** Seconds or an HTTP date, as `Retry-After` may hold; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Maps an HTTP status (and body) to the typed panel error, keeping everything for the log. */
export function errorForResponse(panel: string, info: ResponseInfo, retryAfter?: number): PanelError {
  const where = `${info.method} ${stripQuery(info.url)}`;
  const details = {
    panel,
    ...info,
    url: stripQuery(info.url),
    body: info.body === undefined ? undefined : snippet(info.body),
  };
  const status = info.status ?? 0;
  const json = parseMaybe(info.body);
  if (json !== undefined) (details as Record<string, unknown>).json = json;
  if (status === 404)
    return new PanelError('unsupported', `${where}: status 404: this endpoint does not exist on the panel`, {
      details,
    });
  if (info.body !== undefined && looksLikeHtml(info.contentType, info.body)) {
    return new PanelError('unavailable', `${where}: the panel answered an HTML page (status ${status}), not JSON`, {
      details,
    });
  }
  if (status === 401 || status === 403)
    return new PanelError('unauthorized', `${where}: status ${status}: the key was refused`, { details });
  if (status === 429) {
    return new PanelError('rate_limited', `${where}: status 429 (rate limited)`, { details, retryAfterMs: retryAfter });
  }
  // The panel read the request and said no (validation, unknown order, duplicate): it did not act.
  if (status === 400 || status === 409 || status === 422) {
    return new PanelError('rejected', `${where}: status ${status}: the panel refused the request`, { details });
  }
  if (status >= 500) return new PanelError('unavailable', `${where}: status ${status}`, { details });
  return new PanelError('bad_response', `${where}: unexpected status ${status}`, { details });
}

function parseMaybe(body: string | undefined): unknown {
  if (!body) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Query strings may carry keys (`?key=` on the classic API): never log them. */
export function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}
