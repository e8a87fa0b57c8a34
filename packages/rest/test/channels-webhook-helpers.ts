import { createLogger, type TurnStatus } from '@smmbot/core';
import { expect, vi } from 'vitest';
import type { RestApp } from './helpers.js';

/** Every line the engine and plugins log, parsed (debug and up): secrets are looked for in them. */
export function captureLogs() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  return { lines, logger };
}

/** Every answer the tests saw, to look for secrets in afterwards. */
export class Answers {
  readonly bodies: string[] = [];

  keep<T extends { body: string }>(res: T): T {
    this.bodies.push(res.body);
    return res;
  }
}

/** A public webhook request as the vendor sends it: the exact bytes, JSON content type. */
export function webhook(
  app: RestApp,
  method: 'GET' | 'POST',
  url: string,
  options: { raw?: string; headers?: Record<string, string> } = {},
) {
  return app.server.inject({
    method,
    url,
    ...(options.raw === undefined ? {} : { payload: options.raw }),
    headers: { ...(options.raw === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
  });
}

let watchers = 0;

/**
 * What reached the engine from the webhooks: the messages handed to `accept` (each delivery, stored
 * before the 200) and the turns that ran to the end (`settled`: a redelivery is not one).
 */
export function watchTurns(app: RestApp) {
  // spyOn returns the spy already there (with its history) when called again on the same engine.
  const accept = vi.spyOn(app.engine, 'accept');
  accept.mockClear();
  const settled: { id: string; status: TurnStatus }[] = [];
  app.engine.hooks.settled.tap(`test-watch-${++watchers}`, (turn, result) => {
    settled.push({ id: turn.message.id, status: result.status });
  });
  return {
    /** Message ids handed to the engine, one per delivery. */
    get accepted() {
      return accept.mock.calls.map(([message]) => message.id);
    },
    settled,
  };
}

/** Asserts that none of `secrets` appears in any answer or log line. */
export function expectNoSecrets(secrets: readonly string[], ...texts: readonly string[][]) {
  const all = texts.flat();
  expect(all.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    const leaks = all.filter((t) => t.includes(secret));
    expect(leaks, `a secret leaked: ${secret.slice(0, 4)}…`).toEqual([]);
  }
}

export const settle = () => new Promise((ok) => setTimeout(ok, 50));
