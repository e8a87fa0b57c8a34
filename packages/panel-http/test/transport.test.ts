import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createLogger, PanelError } from '@smmbot/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport, type HttpTransportOptions } from '../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
let server: Server;
let base: string;
let handler: Handler;
let hits = 0;
let inFlight = 0;
let maxInFlight = 0;

beforeEach(async () => {
  hits = 0;
  inFlight = 0;
  maxInFlight = 0;
  server = createServer((req, res) => {
    hits++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('finish', () => inFlight--);
    handler(req, res, hits);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const transport = (o: Partial<HttpTransportOptions> = {}) =>
  new HttpTransport({ name: 'test-panel', baseUrl: base, backoffMs: 5, ratePerSecond: 1000, ...o });
const read = { method: 'GET', path: '/orders', kind: 'read' } as const;
const write = { method: 'POST', path: '/orders/cancel', json: { ids: [1] }, kind: 'write' } as const;

async function failure(p: Promise<unknown>): Promise<PanelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PanelError);
  return err as PanelError;
}

describe('HttpTransport', () => {
  it('returns parsed JSON and sends headers, query and JSON bodies', async () => {
    let seen: { url?: string; key?: string; body?: string } = {};
    handler = (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { url: req.url, key: req.headers['x-api-key'] as string, body };
        json(res, 200, { ok: true });
      });
    };
    const t = transport({ headers: { 'X-Api-Key': 'k1' } });
    expect((await t.request({ ...read, query: { ids: '1,2', skip: undefined } })).body).toEqual({ ok: true });
    expect(seen).toMatchObject({ url: '/orders?ids=1%2C2', key: 'k1' });
    await t.request({ method: 'POST', path: '/x', form: { key: 'a', action: 'status' }, kind: 'write' });
    expect(seen.body).toBe('key=a&action=status');
  });

  it('retries a read after a 5xx, but never a write', async () => {
    handler = (_req, res, n) => (n === 1 ? json(res, 502, { e: 1 }) : json(res, 200, { ok: n }));
    expect((await transport().request(read)).body).toEqual({ ok: 2 });
    hits = 0;
    handler = (_req, res) => json(res, 503, {});
    const err = await failure(transport().request(write));
    expect(err.kind).toBe('unavailable');
    expect(hits).toBe(1);
  });

  it('honours Retry-After on 429 and reports rate_limited when retries run out', async () => {
    handler = (_req, res, n) => (n === 1 ? json(res, 429, {}, { 'retry-after': '0' }) : json(res, 200, { ok: true }));
    expect((await transport().request(read)).body).toEqual({ ok: true });
    handler = (_req, res) => json(res, 429, {}, { 'retry-after': '120' });
    const err = await failure(transport({ timeoutMs: 2_000 }).request(read));
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 120_000 });
    expect(err.customerMessage).toMatch(/try again in a minute/);
  });

  it('maps an HTML challenge page, malformed JSON and refused keys to typed errors', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><title>Attention Required! | Cloudflare</title>');
    };
    expect((await failure(transport({ retries: 0 }).request(read))).kind).toBe('unavailable');
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data": [1, 2');
    };
    const bad = await failure(transport({ retries: 0 }).request(read));
    expect(bad.kind).toBe('bad_response');
    expect(bad.details.body).toBe('{"data": [1, 2');
    handler = (_req, res) => json(res, 401, { error: 'Invalid API key' });
    const auth = await failure(transport().request(read));
    expect(auth.kind).toBe('unauthorized');
    expect(hits).toBe(3); // 401 is not retried
  });

  it('ends a hung request with a timeout error within the budget', async () => {
    handler = () => {}; // never answers
    const started = Date.now();
    const err = await failure(transport({ timeoutMs: 300 }).request(read));
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.customerMessage).not.toMatch(/GET|ms|orders/);
  });

  it('reports a refused connection as unavailable', async () => {
    const t = new HttpTransport({ name: 'down', baseUrl: 'http://127.0.0.1:1', retries: 0 });
    expect((await failure(t.request(read))).kind).toBe('unavailable');
  });

  it('keeps requests to one panel under its concurrency cap', async () => {
    handler = (_req, res) => setTimeout(() => json(res, 200, {}), 20);
    const t = transport({ concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => t.request(read)));
    expect(hits).toBe(8);
    expect(maxInFlight).toBe(2);
  });

  it('never logs the key header or a key in the query string', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
    handler = (_req, res) => json(res, 500, {});
    const t = transport({ headers: { 'X-Api-Key': 'secret-admin-key' }, logger, retries: 1 });
    await failure(t.request({ ...read, query: { key: 'secret-user-key' } }));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toMatch(/secret-admin-key|secret-user-key/);
  });
});

describe('HttpTransport deadlines and refusals', () => {
  it('never sends a queued write after its deadline has passed', async () => {
    let received = 0;
    handler = (_req, res) => {
      received++;
      setTimeout(() => json(res, 200, { ok: true }), 700);
    };
    // One slot: the first write holds it until the shared 500 ms budget is spent; the two queued
    // behind it reach the front only after their deadline and must not be sent at all.
    const t = transport({ concurrency: 1, timeoutMs: 500 });
    const results = await Promise.allSettled([t.request(write), t.request(write), t.request(write)]);
    expect(results.every((r) => r.status === 'rejected' && (r.reason as PanelError).kind === 'timeout')).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toBe(1);
  });

  it('maps a 4xx refusal with a JSON body to rejected, keeping the parsed body', async () => {
    handler = (_req, res) => json(res, 422, { error: 'Incorrect order ID' });
    const err = await failure(transport().request(write));
    expect(err.kind).toBe('rejected');
    expect(err.details.json).toEqual({ error: 'Incorrect order ID' });
    handler = (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><h1>Not Found</h1>');
    };
    expect((await failure(transport().request(read))).kind).toBe('unsupported');
  });
});
