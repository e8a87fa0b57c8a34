import type { z } from 'zod';
import type { Permission } from './roles.js';
import type { TenantId } from './storage.js';
import type { Role } from './turn.js';

/**
 * HTTP routes that plugins contribute (web chat, channel webhooks, later the REST API), described
 * without any web framework: the host mounts them on its server. Handlers get the raw body too,
 * because webhook signatures are computed over the exact bytes.
 */
export interface HttpRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON (or form) body; undefined when there was none. */
  body: unknown;
  rawBody?: string;
  /** The client's address (for rate limits), as the host sees it. */
  ip?: string;
  /** Who is calling, once the host's authenticator has checked the session (routes with `auth`). */
  auth?: HttpAuth;
}

/** A checked session: the workspace (tenant) it belongs to and the role the permission table knows. */
export interface HttpAuth {
  tenantId: TenantId;
  userId: string;
  role: Role;
  /** The master admin of the whole installation (not a tenant user). */
  master?: boolean;
}

/**
 * Schemas at the edge (Fastify's idea, with zod): the host validates params, query and body before
 * the handler runs (400 with the failing paths), and builds the OpenAPI document from them.
 */
export interface HttpRouteSchema {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Response bodies by status, for the OpenAPI document. */
  response?: Record<number, z.ZodType>;
  summary?: string;
  tags?: string[];
}

/**
 * Who may call a route. `session`: a signed-in workspace user whose role passes `permission` (the
 * core permission table: one place decides, not the handlers); `master`: the installation's master
 * admin; `apiKey`: the route checks its own key header; `public`: anyone.
 */
export type HttpRouteAuth =
  | { kind: 'session'; permission?: Permission }
  | { kind: 'master' }
  | { kind: 'apiKey'; header: string }
  | { kind: 'public' };

/** What the host asks to check a request's session; the workspaces plugin registers one under Tokens.Authenticator. */
export interface Authenticator {
  /** Resolves the caller of a request, or undefined when it carries no valid session of that kind. */
  authenticate(request: HttpRequest, kind: 'session' | 'master'): Promise<HttpAuth | undefined>;
}

export interface HttpResponse {
  status?: number;
  /** An array sends the header several times (several `Set-Cookie`). */
  headers?: Record<string, string | string[]>;
  /**
   * Objects are sent as JSON; strings as they are (set content-type for HTML). An async iterable of
   * strings is streamed as it yields (server-sent events: set `content-type: text/event-stream`).
   */
  body?: unknown;
}

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with `:param` segments, e.g. `/webhooks/telegram/:secret`. */
  path: string;
  /** The plugin that added it, for logs and conflicts. */
  plugin: string;
  schema?: HttpRouteSchema;
  /** Default: none checked by the host (channel webhooks verify their own signatures). */
  auth?: HttpRouteAuth;
  handler(request: HttpRequest): Promise<HttpResponse> | HttpResponse;
}

export class HttpRoutes {
  private readonly routes = new Map<string, HttpRoute>();

  add(route: HttpRoute): void {
    const key = `${route.method} ${route.path}`;
    const existing = this.routes.get(key);
    if (existing) throw new Error(`route ${key} is added by both "${existing.plugin}" and "${route.plugin}"`);
    this.routes.set(key, route);
  }

  all(): HttpRoute[] {
    return [...this.routes.values()];
  }
}

/** The one JSON shape of every HTTP error smmbot returns. */
export interface HttpErrorBody {
  error: { code: string; message: string; issues?: string[] };
}

export function httpError(status: number, code: string, message: string, issues?: string[]): HttpResponse {
  const body: HttpErrorBody = { error: { code, message, ...(issues ? { issues } : {}) } };
  return { status, body };
}
