import { createLogger, PanelError } from '@smmbot/core';
import { expect } from 'vitest';
import { PerfectPanelAdmin, type PerfectPanelOptions } from '../src/index.js';

export const ADMIN_KEY = 'adm1n-k3y-0123456789abcdef0123456789abcdef0123456789abcdef01234567';
export const USER_KEY = 'u5er0123456789abcdef0123456789ab';
export const URL_BASE = 'https://panel.example';

export interface Seen {
  method: string;
  url: URL;
  /** Path after `/adminapi/v2` (or the full path for other APIs). */
  path: string;
  headers: Record<string, string>;
  body: unknown;
  raw: string;
}

export type Reply = { status?: number; body?: unknown; text?: string; contentType?: string } | undefined;
export type Route = (req: Seen) => Reply;

/** The Admin API envelope. */
export const ok = (data: unknown) => ({ body: { data, error_code: 0, error_message: '' } });
export const fail = (code: number | string, message: string, status = 200) => ({
  status,
  body: { data: null, error_code: code, error_message: message },
});
export const list = (rows: unknown[]) => ok({ count: rows.length, list: rows });

/** A fetch that answers from `route` and records every request; unmatched requests get a 404. */
export function fakeFetch(route: Route) {
  const seen: Seen[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const raw = typeof init?.body === 'string' ? init.body : '';
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    let body: unknown = raw;
    if (raw.startsWith('{')) body = JSON.parse(raw);
    else if (raw) body = Object.fromEntries(new URLSearchParams(raw));
    const req: Seen = {
      method: init?.method ?? 'GET',
      url,
      path: url.pathname.replace(/^\/adminapi\/v2/, ''),
      headers,
      body,
      raw,
    };
    seen.push(req);
    const reply: NonNullable<Reply> = route(req) ?? fail(404, 'endpoint_not_found', 404);
    const text = reply.text ?? JSON.stringify(reply.body);
    return new Response(text, {
      status: reply.status ?? 200,
      headers: { 'content-type': reply.contentType ?? 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

/** Captures log lines as text. */
export function captureLogs() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  return { lines, logger };
}

export function makeAdmin(route: Route, options: Partial<PerfectPanelOptions> = {}) {
  const { fetch, seen } = fakeFetch(route);
  const logs = captureLogs();
  const admin = new PerfectPanelAdmin({
    url: URL_BASE,
    adminKey: ADMIN_KEY,
    ratePerSecond: 1000,
    backoffMs: 1,
    timeoutMs: 2_000,
    fetch,
    logger: logs.logger,
    ...options,
  });
  return { admin, seen, logs };
}

export async function failure(p: Promise<unknown>): Promise<PanelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PanelError);
  return err as PanelError;
}

/** An order row as the Admin API writes it (research 1.5). */
export function orderRow(id: number, over: Record<string, unknown> = {}) {
  return {
    id,
    user: 'demo',
    service_id: 17,
    service_name: 'Instagram Followers [Refill: 30 days]',
    link: 'https://instagram.com/demo',
    quantity: 1000,
    status: 'completed',
    created: '2024-05-01 10:00:00',
    last_update: '2024-05-02 12:30:00',
    charge: { value: '1.25000', currency_code: 'USD', formatted: '$1.25' },
    start_count: 120,
    remains: 0,
    mode: 'auto',
    provider: 'smmviews.net',
    external_id: 88001,
    ...over,
  };
}

/** `?ids=` as a list of strings. */
export const idsOf = (req: Seen, param = 'ids') => (req.url.searchParams.get(param) ?? '').split(',').filter(Boolean);
