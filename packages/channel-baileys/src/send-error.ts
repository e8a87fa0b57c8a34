import { ChannelError, type ChannelErrorKind } from '@smmbot/core';
import { TIMELOCK_CODE } from './link.js';
import { statusCodeOf } from './reconnect.js';

/**
 * WhatsApp's code from an error node of one query: Baileys' `assertNodeErrorFree` throws
 * `new Boom(text, { data: code })`, whose `output.statusCode` stays Boom's default 500.
 */
function nodeCodeOf(err: unknown, statusCode: number | undefined): number | undefined {
  const data = (err as { data?: unknown } | undefined)?.data;
  return typeof data === 'number' && Number.isInteger(data) && (statusCode === undefined || statusCode === 500)
    ? data
    : undefined;
}

export interface SendErrorContext {
  /** When the account's reach-out timelock ends (epoch ms), if one is active and WhatsApp said when. */
  timelockUntil?: number;
  now?: number;
}

const BANNED = new Set([402, 403, 406]);
const UNAVAILABLE = new Set([408, 428, 500, 503, 515]);

/**
 * Maps a Baileys send failure to a ChannelError and its `kind`:
 * - 429 / `rate-overlimit` → `rate_limited` (retry after 30 s);
 * - 463 / reach-out timelock / "account has been restricted" → `timelock` (retryable; after the
 *   timelock's end when known: a new chat may go from another number meanwhile);
 * - a close code 402/403/406 (`output.statusCode`) or "banned" → `banned`;
 * - close code 401 or "logged out" → `unauthorized`;
 * - `Connection Closed`/lost/timed out, close codes 408/428/500/503/515 → `unavailable` (retryable);
 * - anything else → `rejected`, including WhatsApp's 401/403 answer to one query (e.g. a group we
 *   are not in): that refuses this message, it does not say the account is gone.
 */
export function sendError(err: unknown, channel: string, ctx: SendErrorContext = {}): ChannelError {
  const close = statusCodeOf(err);
  const node = nodeCodeOf(err, close);
  const code = node ?? close;
  const closeCode = node === undefined ? close : undefined;
  const text = err instanceof Error ? err.message : String(err);
  const fail = (kind: ChannelErrorKind, what: string, retryable: boolean, retryAfterMs?: number) =>
    new ChannelError(`whatsapp send ${what}: ${text}`, {
      cause: err,
      retryable,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      details: { channel, code, error: text.slice(0, 200), kind },
    });
  if (code === 429 || /rate-overlimit|too many|429/i.test(text))
    return fail('rate_limited', 'rate-limited', true, 30_000);
  if (code === TIMELOCK_CODE || /reach-?out ?time-?lock|account has been restricted/i.test(text)) {
    const { timelockUntil: until, now } = ctx;
    return fail(
      'timelock',
      'blocked by the reach-out timelock',
      true,
      until !== undefined && now !== undefined ? Math.max(0, until - now) : undefined,
    );
  }
  if ((closeCode !== undefined && BANNED.has(closeCode)) || /\bbanned\b/i.test(text)) {
    return fail('banned', 'refused: the number is banned', false);
  }
  if (closeCode === 401 || /logged out|logged_out/i.test(text)) return fail('unauthorized', 'refused', false);
  if (
    (closeCode !== undefined && UNAVAILABLE.has(closeCode)) ||
    /connection closed|connection lost|timed out|not connected|connection terminated/i.test(text)
  ) {
    return fail('unavailable', 'failed', true);
  }
  return fail('rejected', 'failed', false);
}
