/** What the channel reports to the host and the dashboard. */
export type ChannelStatus =
  | 'idle'
  | 'connecting'
  | 'qr'
  | 'open'
  | 'reconnecting'
  | 'logged_out'
  | 'banned'
  | 'failed'
  | 'stopped';

export interface ReconnectPolicy {
  /** First back-off delay. */
  baseDelayMs: number;
  /** Back-off cap. */
  maxDelayMs: number;
  /** 0..1: the delay is spread over ±jitter of itself. */
  jitter: number;
  /** Give up (status `failed`) after this many back-off attempts in a row without an `open`. */
  maxAttempts: number;
  /** 440 loop guard: stop after this many "connection replaced" closes within `replacedWindowMs`. */
  maxReplaced: number;
  replacedWindowMs: number;
}

export const defaultReconnectPolicy: ReconnectPolicy = {
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  jitter: 0.2,
  maxAttempts: 50,
  maxReplaced: 3,
  replacedWindowMs: 10 * 60_000,
};

export type ReconnectDecision =
  | { action: 'reconnect'; delayMs: number; reason: string; backoff: boolean }
  | {
      action: 'stop';
      status: 'logged_out' | 'banned' | 'failed';
      reason: string;
      /** Needs a human: re-pair, update the WA Web version, check the number. */
      notifyOperator: boolean;
      /** The saved login is dead: wipe creds so the next start shows a new QR. */
      wipeCreds: boolean;
    };

export interface ReconnectState {
  /** Back-off attempts since the last `open`. */
  attempt: number;
  /** Times (ms) of earlier 440 closes, oldest first. */
  replacedAt: readonly number[];
  now: number;
  /** A number in [0, 1); `Math.random` in production, fixed in tests. */
  random: number;
}

/** Status code of a Baileys close: `lastDisconnect.error.output.statusCode` (a Boom). */
export function statusCodeOf(error: unknown): number | undefined {
  const e = error as { output?: { statusCode?: unknown }; statusCode?: unknown } | undefined;
  const code = e?.output?.statusCode ?? e?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export function backoffDelay(attempt: number, policy: ReconnectPolicy, random: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
  const spread = exp * policy.jitter * (2 * random - 1);
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(exp + spread)));
}

/**
 * What to do after the socket closed with `code` (research/channels.md §1.8). Pure.
 * 515 → at once; 401 → logged out; 403/402/406 → banned; 405 → stale WA Web version, operator;
 * 411 → re-pair; 440 → back off, but stop after `maxReplaced` within the window; others → back off.
 */
export function decideReconnect(
  code: number | undefined,
  state: ReconnectState,
  policy: ReconnectPolicy = defaultReconnectPolicy,
): ReconnectDecision {
  const stop = (
    status: 'logged_out' | 'banned' | 'failed',
    reason: string,
    notifyOperator: boolean,
    wipeCreds = false,
  ): ReconnectDecision => ({ action: 'stop', status, reason, notifyOperator, wipeCreds });
  switch (code) {
    case 515:
      return { action: 'reconnect', delayMs: 0, reason: 'restart required', backoff: false };
    case 401:
      return stop('logged_out', 'logged out: the device was unlinked from the phone; pair again', true, true);
    case 402:
    case 403:
    case 406:
      return stop('banned', `the number is banned or locked (${code})`, true);
    case 405:
      return stop('failed', 'connection failure 405: the WA Web version is probably stale; update `version`', true);
    case 411:
      return stop('logged_out', 'multi-device mismatch (411); pair again', true, true);
    case 440: {
      const recent = state.replacedAt.filter((t) => state.now - t < policy.replacedWindowMs).length + 1;
      if (recent >= policy.maxReplaced) {
        return stop('failed', `connection replaced ${recent} times: another client uses this session`, true);
      }
      break;
    }
  }
  if (state.attempt >= policy.maxAttempts) {
    return stop('failed', `gave up after ${state.attempt} reconnect attempts (last code ${code ?? 'none'})`, true);
  }
  return {
    action: 'reconnect',
    delayMs: backoffDelay(state.attempt, policy, state.random),
    reason: `closed with ${code ?? 'no code'}`,
    backoff: true,
  };
}
