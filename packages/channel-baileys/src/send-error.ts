import { ChannelError } from '@smmbot/core';
import { statusCodeOf } from './reconnect.js';

/** Maps a Baileys send failure: rate limits and dropped connections are retryable, a logout is not. */
export function sendError(err: unknown, channel: string): ChannelError {
  const code = statusCodeOf(err);
  const text = err instanceof Error ? err.message : String(err);
  const details = { channel, code, error: text.slice(0, 200) };
  if (code === 429 || /rate-overlimit|too many|429/i.test(text)) {
    return new ChannelError(`whatsapp send rate-limited: ${text}`, {
      cause: err,
      retryable: true,
      retryAfterMs: 30_000,
      details: { ...details, kind: 'rate_limited' },
    });
  }
  if (code === 401 || code === 403 || /logged out|logged_out|forbidden/i.test(text)) {
    return new ChannelError(`whatsapp send refused: ${text}`, {
      cause: err,
      retryable: false,
      details: { ...details, kind: 'unauthorized' },
    });
  }
  if (
    (code !== undefined && [408, 428, 500, 503, 515].includes(code)) ||
    /connection closed|connection lost|timed out|not connected|connection terminated/i.test(text)
  ) {
    return new ChannelError(`whatsapp send failed: ${text}`, {
      cause: err,
      retryable: true,
      details: { ...details, kind: 'unavailable' },
    });
  }
  return new ChannelError(`whatsapp send failed: ${text}`, {
    cause: err,
    retryable: false,
    details: { ...details, kind: 'rejected' },
  });
}
