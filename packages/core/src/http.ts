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
}

export interface HttpResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are (set content-type for HTML). */
  body?: unknown;
}

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with `:param` segments, e.g. `/webhooks/telegram/:secret`. */
  path: string;
  /** The plugin that added it, for logs and conflicts. */
  plugin: string;
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
