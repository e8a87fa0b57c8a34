import { type HttpRequest, type HttpResponse, httpError } from '@smmbot/core';
import { z } from 'zod';

/** A refusal a handler throws: becomes the one JSON error shape, with optional headers. */
export class HttpFail extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(message);
  }
}

/** 429 with `Retry-After` in whole seconds. */
export function tooMany(message: string, retryAfterMs: number): HttpFail {
  return new HttpFail(429, 'E_RATE_LIMITED', message, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });
}

/** Runs a handler and turns an HttpFail into its response; anything else goes on to the host (500). */
export function guarded(
  handler: (request: HttpRequest) => Promise<HttpResponse>,
): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    try {
      return await handler(request);
    } catch (err) {
      if (!(err instanceof HttpFail)) throw err;
      const res = httpError(err.status, err.code, err.message);
      return { ...res, headers: { ...err.headers, 'cache-control': 'no-store' } };
    }
  };
}

/** The one error shape, for the OpenAPI document. */
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.string()).optional() }),
});

/** Error responses every auth route may give. */
export const errors = (...statuses: number[]): Record<number, z.ZodType> =>
  Object.fromEntries(statuses.map((s) => [s, errorSchema]));

/** The signed-in caller of a session route (the host set it); a route without one is a wiring error. */
export function caller(request: HttpRequest): NonNullable<HttpRequest['auth']> {
  if (!request.auth) throw new HttpFail(401, 'E_UNAUTHENTICATED', 'sign in first (or the session expired)');
  return request.auth;
}
