import { type HttpRequest, type HttpResponse, type HttpRoute, httpError } from '@smmbot/core';
import QRCode from 'qrcode';
import { z } from 'zod';
import { type Asset, PAGE_CSP, renderIndex } from './assets.js';
import type { InboxBuffer } from './inbox.js';
import { conversationSchema, errorResponses } from './inbox-schema.js';
import { type EventStreamOptions, eventStream, sseEvent } from './sse.js';

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' };

function asset(file: Asset, extra: Record<string, string> = {}): HttpResponse {
  return {
    headers: { 'content-type': file.type, 'cache-control': 'no-cache', ...SECURITY_HEADERS, ...extra },
    body: file.body,
  };
}

/**
 * The app's files: `GET <base>` and every client-side route under it answer the one HTML document;
 * files under `public/` answer themselves. Nothing is read from disk per request, so no path a client
 * sends can reach outside `public/`.
 */
export function staticRoutes(assets: Map<string, Asset>, basePath: string, plugin: string): HttpRoute[] {
  const template = assets.get('index.html');
  if (!template) throw new Error(`@smmbot/dashboard: public/index.html is missing`);
  const index: Asset = { type: template.type, body: renderIndex(template.body, basePath) };
  const page = () => asset(index, { 'content-security-policy': PAGE_CSP });
  const serve = (req: HttpRequest): HttpResponse => {
    const rel = req.path.slice(basePath.length + 1);
    const file = rel === 'index.html' ? undefined : assets.get(rel);
    if (file) return asset(file);
    // A missing file (a name with an extension) is a 404; anything else is a page of the app.
    if (/\.[a-z0-9]+$/i.test(rel)) return httpError(404, 'E_NOT_FOUND', `no file ${req.path}`);
    return page();
  };
  const pub = { kind: 'public' } as const;
  return [
    { method: 'GET', path: basePath, plugin, auth: pub, handler: page },
    { method: 'GET', path: `${basePath}/*`, plugin, auth: pub, handler: serve },
  ];
}

const qrQuery = z.object({ data: z.string().min(1).max(1500) });

/**
 * `GET <base>/qr.svg?data=…`: a QR code as SVG, drawn on the server with `qrcode`, for the WhatsApp
 * login QR the channels API reports. Whoever may open the Channels page (the QR links a phone), never cached.
 */
export function qrRoute(basePath: string, plugin: string): HttpRoute {
  return {
    method: 'GET',
    path: `${basePath}/qr.svg`,
    plugin,
    auth: { kind: 'session', permission: 'dashboard.channels' },
    schema: { query: qrQuery, summary: 'Renders a QR code (the WhatsApp login QR) as SVG', tags: ['dashboard'] },
    async handler(req) {
      const { data } = req.query as unknown as z.output<typeof qrQuery>;
      const svg = await QRCode.toString(data, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return {
        headers: { 'content-type': 'image/svg+xml', 'cache-control': 'no-store', ...SECURITY_HEADERS },
        body: svg,
      };
    },
  };
}

const inboxQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const STREAM_DEFAULTS: EventStreamOptions = {
  heartbeatMs: 15_000,
  maxAgeMs: 60_000,
  maxQueued: 500,
  retryMs: 2_000,
};

/**
 * The chat inbox: `GET /api/v1/inbox` (recent conversations of the caller's workspace) and
 * `GET /api/v1/inbox/stream` (server-sent events: one `turn` event per settled turn of that workspace, and
 * per message staff sent from the inbox, with `staff` set).
 * The tenant is always the session's; nothing in the request can name another.
 */
export function inboxRoutes(inbox: InboxBuffer, plugin: string, stream = STREAM_DEFAULTS): HttpRoute[] {
  const auth = { kind: 'session', permission: 'dashboard.logs' } as const;
  return [
    {
      method: 'GET',
      path: '/api/v1/inbox',
      plugin,
      auth,
      schema: {
        query: inboxQuery,
        response: { 200: z.object({ conversations: z.array(conversationSchema) }), ...errorResponses(400, 401, 403) },
        summary: 'Recent conversations (the chat inbox)',
        tags: ['dashboard'],
      },
      handler(req) {
        const tenant = req.auth!.tenantId;
        const { limit } = req.query as unknown as z.output<typeof inboxQuery>;
        return {
          headers: { 'cache-control': 'no-store' },
          body: { conversations: inbox.conversations(tenant, limit) },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/inbox/stream',
      plugin,
      auth,
      schema: {
        summary: 'Live inbox: a server-sent `turn` event per settled turn and per staff reply',
        tags: ['dashboard'],
      },
      handler(req) {
        const tenant = req.auth!.tenantId;
        const body = eventStream(
          (sink) =>
            inbox.subscribe(tenant, {
              message: (m) => sink.push(sseEvent('turn', m, m.id)),
              end: () => sink.end(),
            }),
          stream,
        );
        return {
          headers: {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-store',
            'x-accel-buffering': 'no',
          },
          body,
        };
      },
    },
  ];
}
