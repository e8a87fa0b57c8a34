import type { Engine, Logger } from '@smmbot/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { mountRoute } from './mount-route.js';
import { openApiDocument } from './openapi.js';

const HOST_VERSION = '0.1.0';

/**
 * The host's HTTP server: mounts every route plugins contributed (web chat, webhooks), keeps the raw
 * body for webhook signatures, and answers every error in one JSON shape without internals.
 */
export function buildServer(engine: Engine, logger: Logger): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    (req as unknown as { rawBody: string }).rawBody = text;
    if (!text.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(
        Object.assign(new Error(`the body is not valid JSON: ${(err as Error).message}`), {
          statusCode: 400,
          code: 'E_BAD_JSON',
        }),
        undefined,
      );
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    logger.warn({ err, method: req.method, url: req.url, status }, 'http request failed');
    const body =
      status < 500
        ? { error: { code: err.code ?? 'E_BAD_REQUEST', message: err.message } }
        : {
            error: {
              code: 'E_INTERNAL',
              message: 'Something went wrong on our side. The details are in the server log.',
            },
          };
    void reply.code(status).send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'E_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });

  for (const route of engine.http.all()) mountRoute(app, engine, route);
  app.get('/api/v1/openapi.json', () =>
    openApiDocument(engine.http.all(), { title: 'smmbot API', version: HOST_VERSION }),
  );

  const home = engine.http.all().find((r) => r.method === 'GET' && r.path.endsWith('webchat'));
  app.get('/', (_req, reply) => (home ? reply.redirect(home.path) : reply.send({ name: 'smmbot', ok: true })));
  app.get('/healthz', () => ({ ok: engine.running, status: engine.running ? 'running' : 'stopping' }));
  return app;
}
