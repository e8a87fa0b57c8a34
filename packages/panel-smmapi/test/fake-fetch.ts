import { SmmApiPanel, type SmmApiPanelOptions } from '../src/index.js';

/** One request as the fake panel saw it. */
export interface Seen {
  method: string;
  url: string;
  params: Record<string, string>;
}

/** The fake panel: answers a JSON value (200), or `reply(status, body)`. */
export type Script = (params: Record<string, string>, seen: Seen) => unknown;

export const reply = (status: number, body: unknown, raw = false) => ({ __reply: true, status, body, raw });

/** A `fetch` that answers classic-API form posts from a script, recording every request. */
export function fakeFetch(script: Script) {
  const calls: Seen[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const params = Object.fromEntries(new URLSearchParams(String(init?.body ?? '')));
    const seen = { method: init?.method ?? 'GET', url, params };
    calls.push(seen);
    const out = script(params, seen) as { __reply?: boolean; status?: number; body?: unknown; raw?: boolean };
    const status = out?.__reply ? (out.status ?? 200) : 200;
    const body = out?.__reply ? out.body : out;
    const text = out?.__reply && out.raw ? String(body) : JSON.stringify(body);
    const type = out?.__reply && out.raw && text.startsWith('<') ? 'text/html' : 'application/json';
    return new Response(text, { status, headers: { 'content-type': type } });
  }) as typeof fetch;
  return { fetch: fn, calls };
}

export const KEY = 'sk-test-1234567890';

/** A panel over a scripted fake, with fast back-off and no rate limit. */
export function panelWith(script: Script, options: Partial<SmmApiPanelOptions> = {}) {
  const fake = fakeFetch(script);
  const panel = new SmmApiPanel({
    url: 'https://panel.example',
    key: KEY,
    ratePerSecond: 1000,
    backoffMs: 1,
    timeoutMs: 2000,
    fetch: fake.fetch,
    ...options,
  });
  return { panel, calls: fake.calls };
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
}
