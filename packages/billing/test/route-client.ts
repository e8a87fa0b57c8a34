import {
  type Engine,
  formatIssues,
  guardRequest,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  httpError,
} from '@smmbot/core';

export interface RouteReply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in the tests.
  body: any;
}

/**
 * Calls the engine's routes the way a server mounting them does, without one (billing's tests need
 * no host): core's `guardRequest` (session, permission, schemas), then the handler. Bodies travel as
 * JSON both ways, and every 200 answer is checked against the route's response schema, so a drift
 * from the documented shape fails the test instead of reaching the dashboard.
 */
export function routeClient(engine: Engine) {
  return async (
    headers: Record<string, string>,
    method: HttpRoute['method'],
    url: string,
    body?: unknown,
  ): Promise<RouteReply> => {
    const [path = '', search = ''] = url.split('?');
    const request: HttpRequest = {
      method,
      path,
      params: {},
      query: Object.fromEntries(new URLSearchParams(search)),
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.parse(JSON.stringify(body)),
      ip: '127.0.0.1',
    };
    const res = await dispatch(engine, request);
    const status = res.status ?? 200;
    return { status, body: res.body === undefined ? undefined : JSON.parse(JSON.stringify(res.body)) };
  };
}

/** Static segments win over `:params`, as in Fastify's router. */
const params = (route: HttpRoute) => route.path.split('/').filter((s) => s.startsWith(':')).length;

async function dispatch(engine: Engine, request: HttpRequest): Promise<HttpResponse> {
  for (const route of engine.http.all().sort((a, b) => params(a) - params(b))) {
    if (route.method !== request.method) continue;
    const matched = matchPath(route.path, request.path);
    if (!matched) continue;
    request.params = matched;
    const refused = await guardRequest(engine.container, route, request);
    if (refused) return refused;
    const res = await route.handler(request);
    const schema = route.schema?.response?.[200];
    if ((res.status ?? 200) === 200 && schema) {
      const parsed = schema.safeParse(JSON.parse(JSON.stringify(res.body)));
      if (!parsed.success) {
        const issues = formatIssues(parsed.error).join('\n');
        throw new Error(`${route.method} ${route.path}: the answer does not match its response schema:\n${issues}`);
      }
    }
    return res;
  }
  return httpError(404, 'E_NOT_FOUND', `no route ${request.method} ${request.path}`);
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(got[i]!);
    else if (part !== got[i]) return undefined;
  }
  return params;
}
