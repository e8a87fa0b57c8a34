import { Readable } from 'node:stream';
import {
  type Engine,
  guardRequest,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  httpError,
  SmmbotError,
} from '@smmbot/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

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
      const refused = await guardRequest(engine.container, route, request);
      if (refused) return send(refused);
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
