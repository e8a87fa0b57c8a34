import { type HttpRequest, type HttpResponse, httpError, type TenantId } from '@smmbot/core';
import type { ApiKeyService } from './api-keys.js';

/**
 * A header's single value, whatever its case; undefined when absent or sent twice (two `X-Api-Key`
 * headers are ambiguous, and guessing which one counts would be a way around the check).
 */
export function headerOf(req: HttpRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() !== wanted) continue;
    if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
    return value;
  }
  return undefined;
}

export const unauthorized = (): HttpResponse =>
  httpError(401, 'E_UNAUTHORIZED', 'missing or invalid API key: send it in the X-Api-Key header');

/** Epoch ms → ISO string; null when there is no time, so clients always see the field. */
export const isoOrNull = (ms: number | undefined): string | null =>
  ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();

/** The first line of a technical error, bounded: the status API shows what failed, never a stack trace. */
export function errorSummary(error: string | undefined): string | null {
  if (!error) return null;
  const first = error.split('\n').find((line) => line.trim() && !/^\s*at\s/.test(line)) ?? '';
  const line = first.trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line || null;
}

/** Wraps a handler behind the X-Api-Key check: the key decides the company (tenant), nothing else does. */
export const apiKeyAuthed =
  (keys: ApiKeyService) =>
  (handle: (tenant: TenantId, req: HttpRequest) => Promise<HttpResponse>) =>
  async (req: HttpRequest): Promise<HttpResponse> => {
    const tenant = await keys.authenticate(headerOf(req, 'x-api-key'));
    return tenant === undefined ? unauthorized() : handle(tenant, req);
  };

/** How the host lists these routes; the key itself is checked by `apiKeyAuthed`. */
export const API_KEY_AUTH = { kind: 'apiKey', header: 'X-Api-Key' } as const;
