import { redactUrlPassword, SmmbotError } from '@smmbot/core';

/**
 * Turns driver errors into SmmbotError(E_STORAGE) with the driver's error as `cause`. The message
 * never carries the connection URL or its password: a URL like `postgres://bot:pw@db/smm` is
 * configuration, and messages end up in logs and `smmbot doctor` output.
 */

/** Node socket errors and libpq-style messages that mean the connection is gone, not the query wrong. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']);
/** SQLSTATEs of a server going away: admin_shutdown, crash_shutdown, cannot_connect_now. */
const SHUTDOWN_STATES = new Set(['57P01', '57P02', '57P03']);
const LOST_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /not queryable/i];

export function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SHUTDOWN_STATES.has(code) || code.startsWith('08'))) {
    return true;
  }
  const message = (err as { message?: unknown })?.message;
  return typeof message === 'string' && LOST_MESSAGES.some((re) => re.test(message));
}

/** The URL with its password replaced by `***` (for display); unparseable input is hidden entirely. */
export const redactUrl = (url: string): string => redactUrlPassword(url);

/** What must never appear in a message: the raw URL and its password (raw and decoded). */
export function secretsOf(url: string | undefined): string[] {
  if (!url) return [];
  const out = [url];
  try {
    const password = new URL(url).password;
    // A password of a few characters would blank out ordinary words; those are not searched for.
    if (password.length >= 4) out.push(password, decodeURIComponent(password));
  } catch {
    // Not a URL: only the raw string is hidden.
  }
  return out;
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.replaceAll(secret, '***');
  return out;
}

/** Wraps a driver error; a SmmbotError passes through unchanged. */
export function storageError(err: unknown, secrets: readonly string[]): SmmbotError {
  if (err instanceof SmmbotError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const detail = redactText(raw, secrets);
  const code = (err as { code?: unknown })?.code;
  const pgCode = typeof code === 'string' ? code : undefined;
  if (isConnectionLoss(err)) {
    return new SmmbotError('E_STORAGE', `PostgreSQL connection failed or was lost: ${detail}`, {
      cause: err,
      details: { pgCode, reason: 'connection' },
      retryable: true,
    });
  }
  return new SmmbotError('E_STORAGE', `PostgreSQL error${pgCode ? ` ${pgCode}` : ''}: ${detail}`, {
    cause: err,
    details: { pgCode },
  });
}

export function closedError(): SmmbotError {
  return new SmmbotError('E_STORAGE', 'the PostgreSQL storage is closed');
}
