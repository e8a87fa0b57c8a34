import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Engine, Logger } from '@smmbot/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { mountRoute } from './mount-route.js';
import { openApiDocument } from './openapi.js';

const HOST_VERSION = '0.1.0';

/**
 * A server-sent event body the host can end on its own. Such a stream never ends by itself (it lives
 * until its own time limit), so without this an open inbox would hold `close()` for up to a minute.
 * `finish()` ends the response cleanly (the chunks so far, then the last chunk) and destroys the
 * route's source, which runs its cleanup (the route unsubscribes).
 */
class EndableStream extends Readable {
  constructor(private readonly source: Readable) {
    super();
    source.on('data', (chunk) => {
      if (!this.push(chunk)) source.pause();
    });
    source.once('end', () => this.push(null));
    source.once('error', (err) => this.destroy(err));
  }

  override _read(): void {
    this.source.resume();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.source.destroy();
    done(err);
  }

  finish(): void {
    if (this.destroyed || this.readableEnded) return;
    this.source.destroy();
    this.push(null);
  }
}

/** How long ended streams get to flush before their connections are cut. */
const STREAM_END_GRACE_MS = 1000;

const isEventStream = (type: unknown) => String(type ?? '').startsWith('text/event-stream');

/**
 * Ends every open event stream when the server starts closing (Fastify's `preClose`), for every route
 * that streams one, whatever plugin added it: each stream's response ends cleanly, then its connection
 * closes, so `close()` (and SIGTERM) returns at once instead of waiting for the streams' own limits.
 */
function endStreamsOnClose(app: FastifyInstance): void {
  const open = new Map<EndableStream, ServerResponse>();
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!(payload instanceof Readable) || !isEventStream(reply.getHeader('content-type'))) return payload;
    const stream = new EndableStream(payload);
    open.set(stream, reply.raw);
    stream.once('close', () => open.delete(stream));
    return stream;
  });
  app.addHook('preClose', async () => {
    const ended = [...open].map(([stream, res]) => {
      const socket = res.socket;
      const done = new Promise<void>((resolve) => {
        if (res.writableFinished || res.destroyed) return resolve();
        res.once('finish', resolve);
        res.once('close', resolve);
      });
      stream.finish();
      // The keep-alive connection would otherwise wait out its idle timeout: close it once the response is out.
      return done.then(() => socket?.end());
    });
    // A client that reads nothing cannot take the last chunk: after a moment its connection is cut.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STREAM_END_GRACE_MS);
    });
    if ((await Promise.race([Promise.all(ended), late])) === 'late') for (const res of open.values()) res.destroy();
    clearTimeout(timer);
  });
}

/**
 * The host's HTTP server: mounts every route plugins contributed (web chat, webhooks), keeps the raw
 * body for webhook signatures, answers every error in one JSON shape without internals, and ends open
 * event streams as soon as it starts closing.
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

  endStreamsOnClose(app);
  for (const route of engine.http.all()) mountRoute(app, engine, route);
  app.get('/api/v1/openapi.json', () =>
    openApiDocument(engine.http.all(), { title: 'smmbot API', version: HOST_VERSION }),
  );

  const home = engine.http.all().find((r) => r.method === 'GET' && r.path.endsWith('webchat'));
  app.get('/', (_req, reply) => (home ? reply.redirect(home.path) : reply.send({ name: 'smmbot', ok: true })));
  app.get('/healthz', () => ({ ok: engine.running, status: engine.running ? 'running' : 'stopping' }));
  return app;
}
