import { Readable } from 'node:stream';
import {
  can,
  type Engine,
  formatIssues,
  type HttpAuth,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  httpError,
  SmmbotError,
  Tokens,
} from '@smmbot/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';

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
  engine: Engine,
  route: HttpRoute,
  request: HttpRequest,
): Promise<HttpAuth | HttpResponse | undefined> {
  const auth = route.auth;
  if (!auth || auth.kind === 'public' || auth.kind === 'apiKey') return undefined;
  if (!engine.container.isRegistered(Tokens.Authenticator, true)) {
    return httpError(401, 'E_UNAUTHENTICATED', 'sign-in is not enabled on this host');
  }
  const who = await engine.container.resolve(Tokens.Authenticator).authenticate(request, auth.kind);
  if (!who) return httpError(401, 'E_UNAUTHENTICATED', 'sign in first (or the session expired)');
  if (auth.kind === 'master' && !who.master) return httpError(403, 'E_FORBIDDEN', 'only the master admin may do this');
  if (auth.kind === 'session' && auth.permission && !can(who.role, auth.permission)) {
    return httpError(403, 'E_FORBIDDEN', `your role (${who.role}) may not do this`);
  }
  return who;
}

/** Mounts one plugin route on Fastify: schemas checked, session checked, one JSON error shape. */
export function mountRoute(app: FastifyInstance, engine: Engine, route: HttpRoute): void {
  app.route({
    method: route.method,
    url: route.path,
    handler: async (req: FastifyRequest, reply) => {
      const request: HttpRequest = {
        method: req.method,
        path: req.url.split('?')[0] ?? req.url,
        params: req.params as Record<string, string>,
        query: req.query as HttpRequest['query'],
        headers: req.headers,
        body: req.body,
        rawBody: (req as unknown as { rawBody?: string }).rawBody,
        ip: req.ip,
      };
      const send = (res: HttpResponse) => {
        void reply.code(res.status ?? 200).headers(res.headers ?? {});
        const body = res.body;
        // Streams (server-sent events) go out as the handler yields them.
        if (body && typeof body === 'object' && Symbol.asyncIterator in body) {
          return reply.send(Readable.from(body as AsyncIterable<string>));
        }
        return body ?? '';
      };
      // Who first: a caller without a session learns nothing about what the route accepts.
      const auth = await authorize(engine, route, request);
      if (auth && 'tenantId' in auth) request.auth = auth;
      else if (auth) return send(auth);
      const s = route.schema;
      const params = check(s?.params, request.params, 'params');
      if (isResponse(params)) return send(params);
      const query = check(s?.query, request.query, 'query');
      if (isResponse(query)) return send(query);
      const body = check(s?.body, request.body, 'body');
      if (isResponse(body)) return send(body);
      Object.assign(request, { params: params.value, query: query.value, body: body.value });
      try {
        return send(await route.handler(request));
      } catch (err) {
        if (err instanceof SmmbotError && err.code === 'E_UNAVAILABLE') {
          return send(httpError(503, err.code, 'the bot is shutting down or starting; try again shortly'));
        }
        throw err;
      }
    },
  });
}
