import { redactUrlPassword, SmmbotError } from '@smmbot/core';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Client defaults for a connection the store opens itself. A Redis that is down must fail a
 * command within about a second (a chat turn then answers "try again" instead of hanging), while
 * a blip of a few hundred milliseconds is ridden out: commands wait in ioredis' offline queue
 * through three reconnect attempts (100, 200, 400 ms), then fail with MaxRetriesPerRequestError.
 * The client itself keeps reconnecting (backoff capped at 2 s), so the next command works again
 * as soon as Redis is back.
 */
export const DEFAULT_REDIS_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 3,
  retryStrategy: (attempt) => Math.min(100 * 2 ** (attempt - 1), 2000),
  connectTimeout: 5000,
};

/** The URL with its password replaced by `***`, for messages and logs. */
export const redactUrl = (url: string): string => redactUrlPassword(url, 'redis (unparseable URL)');

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

function requireRedisUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new SmmbotError('E_CONFIG_INVALID', `invalid Redis URL ${redactUrl(url)}: expected redis://host:port`);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new SmmbotError('E_CONFIG_INVALID', `invalid Redis URL: expected redis:// or rediss://, got ${protocol}//`);
  }
}

export interface RedisTarget {
  client: Redis;
  /** True when the store opened the client (and so closes it). */
  owned: boolean;
  /** Where the client points, password redacted: the only form that goes into messages. */
  label: string;
  /** A URL password (decoded), scrubbed from any text the store puts into an error message. */
  secret?: string;
}

/** Opens a client for a URL, or adopts one the caller passed in (which the caller keeps owning). */
export function openTarget(source: { url?: string; client?: Redis; redisOptions?: RedisOptions }): RedisTarget {
  if (source.client && source.url) {
    throw new SmmbotError('E_CONFIG_INVALID', 'createRedisKv takes either `url` or `client`, not both');
  }
  if (source.client) {
    const { host, port } = source.client.options;
    return { client: source.client, owned: false, label: `redis://${host ?? 'localhost'}:${port ?? 6379}` };
  }
  if (!source.url) throw new SmmbotError('E_CONFIG_INVALID', 'createRedisKv needs a Redis `url` or a `client`');
  requireRedisUrl(source.url);
  const client = new Redis(source.url, { ...DEFAULT_REDIS_OPTIONS, ...source.redisOptions });
  return { client, owned: true, label: redactUrl(source.url), secret: passwordOf(source.url) };
}

/**
 * Remembers the client's last connection error (ECONNREFUSED, auth failure, ...). ioredis reports
 * those as `error` events while the failing command only says it ran out of retries, so this is
 * what gives the SmmbotError its real cause. Listening also stops ioredis from printing
 * "Unhandled error event" for every reconnect attempt.
 */
export class ConnectionErrors {
  private last: Error | undefined;
  private readonly onError = (err: Error) => {
    this.last = err;
  };
  private readonly onReady = () => {
    this.last = undefined;
  };

  constructor(private readonly client: Redis) {
    client.on('error', this.onError);
    client.on('ready', this.onReady);
  }

  get lastError(): Error | undefined {
    return this.last;
  }

  detach(): void {
    this.client.off('error', this.onError);
    this.client.off('ready', this.onReady);
  }
}

/** Redis said the script's own error reply, or the connection failed? */
function isConnectionFailure(err: unknown): boolean {
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : '';
  return name === 'MaxRetriesPerRequestError' || /Connection is closed|Stream isn't writeable|ECONN/.test(message);
}

/**
 * Turns whatever ioredis threw into a SmmbotError. The message names the operation and the target
 * (password redacted, and scrubbed again in case a server echoed it); the original error, or the
 * connection error behind a "ran out of retries", is the `cause`.
 */
export function storageError(target: RedisTarget, errors: ConnectionErrors, op: string, err: unknown): SmmbotError {
  if (err instanceof SmmbotError) return err;
  const connection = isConnectionFailure(err);
  const cause = connection && errors.lastError ? errors.lastError : err;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const text = connection
    ? `redis kv ${op} failed: ${target.label} is unreachable (${reason})`
    : `redis kv ${op} failed on ${target.label}: ${reason}`;
  const message = target.secret ? text.split(target.secret).join('***') : text;
  return new SmmbotError('E_STORAGE', message, {
    cause,
    retryable: connection,
    details: connection && cause !== err ? { commandError: String(err) } : {},
  });
}
