import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import { formatIssues } from './config/format-issues.js';
import { type HttpAuth, type HttpRequest, type HttpResponse, type HttpRoute, httpError } from './http.js';
import { can } from './roles.js';
import { Tokens } from './tokens.js';

/** Parses one part of the request with its schema; a failure is a 400 naming every bad path. */
function check(schema: z.ZodType | undefined, value: unknown, part: string): { value: unknown } | HttpResponse {
  if (!schema) return { value };
  const parsed = schema.safeParse(value ?? (part === 'body' ? undefined : {}), { reportInput: true });
  if (parsed.success) return { value: parsed.data };
  const issues = formatIssues(parsed.error, part);
  return httpError(400, 'E_VALIDATION', `invalid ${part}: ${issues[0] ?? 'see issues'}`, issues);
}

const isResponse = (r: { value: unknown } | HttpResponse): r is HttpResponse => !('value' in r);

/** Session routes: the authenticator says who it is, the permission table says whether they may. */
async function authorize(
  container: DependencyContainer,
  route: HttpRoute,
  request: HttpRequest,
): Promise<HttpAuth | HttpResponse | undefined> {
  const auth = route.auth;
  if (!auth || auth.kind === 'public' || auth.kind === 'apiKey') return undefined;
  if (!container.isRegistered(Tokens.Authenticator, true)) {
    return httpError(401, 'E_UNAUTHENTICATED', 'sign-in is not enabled on this host');
  }
  const who = await container.resolve(Tokens.Authenticator).authenticate(request, auth.kind);
  if (!who) return httpError(401, 'E_UNAUTHENTICATED', 'sign in first (or the session expired)');
  if (auth.kind === 'master' && !who.master) return httpError(403, 'E_FORBIDDEN', 'only the master admin may do this');
  if (auth.kind === 'session' && auth.permission && !can(who.role, auth.permission)) {
    return httpError(403, 'E_FORBIDDEN', `your role (${who.role}) may not do this`);
  }
  return who;
}

/**
 * What every server mounting plugin routes does before the handler (the host, and tests that mount
 * routes on their own Fastify): who first — a caller without a session learns nothing about what the
 * route accepts —, then params, query and body through the route's schemas. On success the request
 * carries `auth` and the parsed values and this resolves undefined; otherwise it resolves the error
 * response to send.
 */
export async function guardRequest(
  container: DependencyContainer,
  route: HttpRoute,
  request: HttpRequest,
): Promise<HttpResponse | undefined> {
  const auth = await authorize(container, route, request);
  if (auth && 'tenantId' in auth) request.auth = auth;
  else if (auth) return auth;
  const s = route.schema;
  const params = check(s?.params, request.params, 'params');
  if (isResponse(params)) return params;
  const query = check(s?.query, request.query, 'query');
  if (isResponse(query)) return query;
  const body = check(s?.body, request.body, 'body');
  if (isResponse(body)) return body;
  Object.assign(request, { params: params.value, query: query.value, body: body.value });
  return undefined;
}
