import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

export type Logger = PinoLogger;

/**
 * Keys whose values never reach a log, at any depth up to REDACT_DEPTH, compared case-insensitively.
 * (OTP codes are logged as `otp`; `code` is left alone because error codes are useful.)
 */
export const REDACTED_KEYS = new Set([
  'apikey',
  'api_key',
  'key',
  'token',
  'accesstoken',
  'refreshtoken',
  'password',
  'secret',
  'secretkey',
  'otp',
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'panel_api_key',
  'ai_api_key',
  'ticket_webhook_key',
]);
const REDACT_DEPTH = 5;
const CENSOR = '[redacted]';

/**
 * Returns the value with secrets censored, copying only the objects on the way to a secret: a log line
 * without secrets costs one walk and no allocation. (pino's path-based `redact` with wildcards copied
 * every line and every child binding, and was the largest cost per turn in `pnpm bench`.)
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth >= REDACT_DEPTH || value === null || typeof value !== 'object') return value;
  if (value instanceof Error || value instanceof Date || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const r = redactSecrets(item, depth + 1);
      if (r === item) return;
      copy ??= [...value];
      copy[i] = r;
    });
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    const r =
      REDACTED_KEYS.has(k.toLowerCase()) && v !== undefined && v !== null ? CENSOR : redactSecrets(v, depth + 1);
    if (r === v) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[k] = r;
  }
  return (copy ?? value) as T;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. */
  destination?: DestinationStream;
  /** Fixed fields on every line. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: redactSecrets(options.base ?? {}),
      formatters: { log: redactSecrets },
      serializers: { err: (err) => redactSecrets(pino.stdSerializers.err(err)) },
    },
    options.destination,
  );
  // pino applies no formatter to child bindings; children inherit this method from the root
  // (pino makes them with Object.create), so every descendant's bindings are censored too.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, redactSecrets(bindings), childOptions);
  } as Logger['child'];
  return logger;
}

/** A logger that writes nothing: for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * A connection URL (database, Redis) with its password replaced by `***`: the only form that goes
 * into logs and error messages. Input that does not parse as a URL is hidden entirely.
 */
export function redactUrlPassword(url: string, unparseable = '[unparseable url]'): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return unparseable;
  }
}
