import {
  ConfigError,
  type HttpAuth,
  type HttpResponse,
  type HttpRoute,
  httpError,
  PanelError,
  type Permission,
  SmmbotError,
  type TenantId,
} from '@smmbot/core';
import { z } from 'zod';

export const PLUGIN_NAME = '@smmbot/rest';

/** A refusal with its HTTP status; the route wrapper turns it into the one JSON error shape. */
export class RestError extends Error {
  override name = 'RestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: string[],
  ) {
    super(message);
  }
}

/** What the workspace does not have (or what belongs to another workspace: the same answer). */
export const notFound = (what: string) => new RestError(404, 'E_NOT_FOUND', `${what} not found`);

/** What a handler gets: the workspace from the session (never from input) and the parsed request. */
export interface RouteInput<P, Q, B> {
  tenant: TenantId;
  auth: HttpAuth;
  params: P;
  query: Q;
  body: B;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: HttpRoute['method'];
  path: string;
  /** Core's permission table decides (checked by the host before the handler). */
  permission: Permission;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The 200 body: the OpenAPI document is generated from it, and the tests check every answer against it. */
  response: R;
  handler(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>> | z.input<R>;
}

/**
 * One REST route: session auth with a permission, complete schemas, and a handler that returns the
 * 200 body or throws (RestError, ConfigError, PanelError, typed SmmbotErrors: all become JSON errors).
 */
export function defineRoute<
  P extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  B extends z.ZodType = z.ZodUnknown,
  R extends z.ZodType = z.ZodType,
>(spec: RouteSpec<P, Q, B, R>): HttpRoute {
  return {
    method: spec.method,
    path: spec.path,
    plugin: PLUGIN_NAME,
    auth: { kind: 'session', permission: spec.permission },
    schema: {
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      response: { 200: spec.response },
      summary: spec.summary,
      tags: [spec.tag],
    },
    async handler(request): Promise<HttpResponse> {
      const auth = request.auth;
      // The master admin is not a workspace user: these routes act on one workspace only.
      if (!auth) return httpError(401, 'E_UNAUTHENTICATED', 'sign in first (or the session expired)');
      if (!auth.tenantId) return httpError(403, 'E_FORBIDDEN', 'a workspace session is required');
      try {
        const body = await spec.handler({
          tenant: auth.tenantId,
          auth,
          params: request.params as z.output<P>,
          query: request.query as z.output<Q>,
          body: request.body as z.output<B>,
        });
        return { status: 200, body };
      } catch (err) {
        return toHttpError(err);
      }
    },
  };
}

/** Upstream (panel, provider) failures: the dashboard gets a 502 naming what failed, without secrets. */
const UPSTREAM = new Set([
  'E_UNAUTHORIZED',
  'E_UNAVAILABLE',
  'E_TIMEOUT',
  'E_BAD_RESPONSE',
  'E_RATE_LIMITED',
  'E_REJECTED',
]);

/** Maps what services throw to the host's one JSON error shape; anything unknown is rethrown (a logged 500). */
export function toHttpError(err: unknown): HttpResponse {
  if (err instanceof RestError) return httpError(err.status, err.code, err.message, err.issues);
  if (err instanceof ConfigError) {
    const issues = err.issues.length ? err.issues : [err.message];
    return httpError(400, 'E_VALIDATION', err.message, issues);
  }
  if (err instanceof PanelError) return httpError(502, err.code, `the panel answered: ${err.kind}: ${err.message}`);
  if (err instanceof SmmbotError) {
    if (err.code === 'E_NOT_FOUND') return httpError(404, err.code, err.message);
    if (err.code === 'E_IN_PROGRESS') return httpError(409, err.code, err.message);
    if (err.code === 'E_UNSUPPORTED') return httpError(409, err.code, err.message);
    if (err.code === 'E_QUOTA') return httpError(429, err.code, err.message);
    if (UPSTREAM.has(err.code)) return httpError(502, err.code, err.message);
  }
  throw err;
}

/** Epoch ms → ISO 8601; null when there is no time (clients always see the field). */
export const iso = (ms: number | null | undefined): string | null =>
  ms === undefined || ms === null || !Number.isFinite(ms) || ms <= 0 ? null : new Date(ms).toISOString();

/** Response-side schema pieces. */
export const isoTime = z.iso.datetime();
export const isoOrNull = isoTime.nullable();

/** `?page=&limit=`: pages count from 1; at most 200 rows a page. */
export const paging = {
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** `true`/`false` (also 1/0, yes/no) in a query string. */
export const queryBool = () => z.stringbool();

/** A path segment naming a record: non-empty, bounded. */
export const idParam = z.string().min(1).max(300);

export const okResponse = z.object({ ok: z.literal(true) });
