/**
 * Typed errors. Every error has a stable `code` (match on it, never on message text) and a
 * customer-safe message: the text a chat user may see. The technical `message`, `cause` and
 * `details` stay in the logs.
 */
export const ErrorCodes = {
  E_CONFIG_INVALID: 'Configuration is invalid.',
  E_PLUGIN_DUPLICATE: 'Configuration is invalid.',
  E_PLUGIN_DEPENDENCY: 'Configuration is invalid.',
  E_PLUGIN_HOOK: 'Sorry, something went wrong on our side. Please try again in a few minutes.',
  E_BOOT_TIMEOUT: 'The bot is starting up. Please try again in a minute.',
  E_NOT_FOUND: 'We could not find that. Please check the number and try again.',
  E_UNAUTHORIZED: 'The support bot cannot reach the panel right now. Our team has been notified.',
  E_RATE_LIMITED: 'We are receiving many requests right now. Please try again in a minute.',
  E_UNAVAILABLE: 'The panel is not responding right now. Please try again in a few minutes.',
  E_TIMEOUT: 'The panel is taking too long to answer. Please try again in a few minutes.',
  E_BAD_RESPONSE: 'The panel sent an answer we could not read. Please try again in a few minutes.',
  E_REJECTED: 'The panel did not accept this request. Please check the order number and try again.',
  E_UNSUPPORTED: 'This action is not available on this panel. Please contact support.',
  E_IN_PROGRESS: 'This request is already being processed. We will update you shortly.',
  E_CHANNEL_SEND: 'Sorry, we could not deliver a message. Please try again.',
  E_QUOTA: 'The monthly message quota is used up. Please contact the administrator.',
  E_STORAGE: 'Sorry, something went wrong on our side. Please try again in a few minutes.',
  E_INTERNAL: 'Sorry, something went wrong on our side. Please try again in a few minutes.',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface SmmbotErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
  /** Overrides the default customer-safe text of the code. Must never contain technical detail. */
  customerMessage?: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

export class SmmbotError extends Error {
  override name = 'SmmbotError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  readonly customerMessage: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: SmmbotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.customerMessage = options.customerMessage ?? ErrorCodes[code];
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Invalid configuration: startup refuses to go on. */
export class ConfigError extends SmmbotError {
  override name = 'ConfigError';
  constructor(message: string, options: SmmbotErrorOptions & { issues?: string[] } = {}) {
    super('E_CONFIG_INVALID', message, { ...options, details: { ...options.details, issues: options.issues ?? [] } });
  }
  get issues(): string[] {
    return (this.details.issues as string[]) ?? [];
  }
}

/** A tap threw: names the plugin and the hook (Rollup's PLUGIN_ERROR, webpack's HookWebpackError). */
export class PluginError extends SmmbotError {
  override name = 'PluginError';
  readonly plugin: string;
  readonly hook: string;
  constructor(plugin: string, hook: string, cause: unknown) {
    const inner = cause instanceof SmmbotError ? cause : undefined;
    super(inner?.code ?? 'E_PLUGIN_HOOK', `plugin "${plugin}" failed in hook "${hook}": ${describe(cause)}`, {
      cause,
      customerMessage: inner?.customerMessage,
      retryable: inner?.retryable,
      retryAfterMs: inner?.retryAfterMs,
      details: { plugin, hook },
    });
    this.plugin = plugin;
    this.hook = hook;
  }
}

export type PanelErrorKind =
  | 'not_found'
  | 'unauthorized'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'bad_response'
  | 'rejected'
  | 'unsupported';

const PANEL_CODES: Record<PanelErrorKind, ErrorCode> = {
  not_found: 'E_NOT_FOUND',
  unauthorized: 'E_UNAUTHORIZED',
  rate_limited: 'E_RATE_LIMITED',
  unavailable: 'E_UNAVAILABLE',
  timeout: 'E_TIMEOUT',
  bad_response: 'E_BAD_RESPONSE',
  rejected: 'E_REJECTED',
  unsupported: 'E_UNSUPPORTED',
};

/** A panel API failed. `kind` is what the reply stage and retry logic look at. */
export class PanelError extends SmmbotError {
  override name = 'PanelError';
  readonly kind: PanelErrorKind;
  constructor(kind: PanelErrorKind, message: string, options: SmmbotErrorOptions = {}) {
    super(PANEL_CODES[kind], message, {
      retryable: kind === 'rate_limited' || kind === 'unavailable' || kind === 'timeout',
      ...options,
    });
    this.kind = kind;
  }
}

/**
 * What kind of send failure it was; the outbox decides on it. `unavailable`: the connection is down
 * or reconnecting (requeue, try again soon); `unauthorized`: logged out; `banned`: the account is
 * banned; `timelock`: the platform blocks new contacts for a while (WhatsApp 463); `rate_limited`;
 * `rejected`: this message will never go (bad recipient, too long).
 */
export type ChannelErrorKind = 'unavailable' | 'unauthorized' | 'banned' | 'timelock' | 'rate_limited' | 'rejected';

const CHANNEL_ERROR_KINDS = new Set<string>([
  'unavailable',
  'unauthorized',
  'banned',
  'timelock',
  'rate_limited',
  'rejected',
]);

/** A channel could not send or receive. */
export class ChannelError extends SmmbotError {
  override name = 'ChannelError';
  /** From `details.kind`; when the channel did not say: `unavailable` if retryable, else `rejected`. */
  readonly kind: ChannelErrorKind;
  constructor(message: string, options: SmmbotErrorOptions = {}) {
    super('E_CHANNEL_SEND', message, options);
    const kind = options.details?.kind;
    this.kind =
      typeof kind === 'string' && CHANNEL_ERROR_KINDS.has(kind)
        ? (kind as ChannelErrorKind)
        : this.retryable
          ? 'unavailable'
          : 'rejected';
  }
}

/** The company's monthly message quota is used up (the send API answers 429). */
export class QuotaError extends SmmbotError {
  override name = 'QuotaError';
  constructor(message: string, options: SmmbotErrorOptions = {}) {
    super('E_QUOTA', message, options);
  }
}

/** Turns anything thrown into a SmmbotError, keeping the original as `cause`. */
export function toSmmbotError(err: unknown): SmmbotError {
  if (err instanceof SmmbotError) return err;
  return new SmmbotError('E_INTERNAL', describe(err), { cause: err });
}

/** The text a customer may see for any thrown value: never a stack trace, never a technical message. */
export function customerMessageOf(err: unknown): string {
  return err instanceof SmmbotError ? err.customerMessage : ErrorCodes.E_INTERNAL;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
