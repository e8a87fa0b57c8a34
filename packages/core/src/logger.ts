import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Paths pino blanks out on every line. Secrets (panel keys, tokens, passwords, OTP codes)
 * must never reach a log, whatever object they are nested in.
 */
export const REDACT_PATHS = [
  'apiKey', 'key', 'token', 'password', 'secret', 'otp', 'code', 'authorization', 'cookie',
  '*.apiKey', '*.key', '*.token', '*.password', '*.secret', '*.otp', '*.authorization', '*.cookie',
  '*.*.apiKey', '*.*.key', '*.*.token', '*.*.password', '*.*.secret',
  'headers.authorization', 'headers.cookie', 'headers["x-api-key"]', '*.headers["x-api-key"]',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]',
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. */
  destination?: DestinationStream;
  /** Fixed fields on every line. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? {},
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
}

/** A logger that writes nothing: for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
