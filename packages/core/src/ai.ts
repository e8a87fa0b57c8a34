import { type ErrorCode, SmmbotError, type SmmbotErrorOptions } from './errors.js';
import type { TenantId } from './storage.js';

/** The AI interface: a chat completion per tenant, with usage and limits kept by the provider. */
export interface AiChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Options of one completion. Every field is optional; providers ignore what they do not support. */
export interface AiCompleteOptions {
  /** Upper bound on the reply's tokens (capped by the provider's own per-reply maximum). */
  maxTokens?: number;
  /** Sampling temperature, when the caller wants other than the provider's default. */
  temperature?: number;
  /** Aborts the call (the provider throws an `AiError` of kind `timeout`). */
  signal?: AbortSignal;
}

/** Tokens and cost one tenant used on one day (UTC, `yyyy-mm-dd`). */
export interface AiUsage {
  tenant: TenantId;
  day: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** US dollars, from the provider's pricing; 0 when no pricing is configured. */
  costUsd: number;
}

export interface AiProvider {
  readonly name: string;
  complete(tenant: TenantId, messages: AiChatMessage[], options?: AiCompleteOptions): Promise<string>;
  /** The tenant's usage on `day` (default: today by the provider's clock), when the provider records it. */
  usage?(tenant: TenantId, day?: string): Promise<AiUsage>;
}

/** Why an AI call failed: what the reply stage and a fallback to a human look at. */
export type AiErrorKind =
  | 'timeout'
  | 'rate_limited'
  | 'unavailable'
  | 'unauthorized'
  | 'bad_response'
  | 'rejected'
  | 'limit';

/** Customer-safe texts per kind: a chat user may see these; they never carry technical detail. */
export const AI_CUSTOMER_TEXTS: Record<AiErrorKind, string> = {
  timeout: 'Our assistant is taking too long to answer. A team member will reply to you shortly.',
  rate_limited: 'Our assistant is busy right now. Please try again in a minute.',
  unavailable: 'Our assistant is not available right now. A team member will reply to you shortly.',
  unauthorized: 'Our assistant is not available right now. A team member will reply to you shortly.',
  bad_response: 'Our assistant could not answer this time. A team member will reply to you shortly.',
  rejected: 'Our assistant could not answer this message. A team member will reply to you shortly.',
  limit: 'Our assistant has reached its limit for today. A team member will reply to you shortly.',
};

const AI_CODES: Record<AiErrorKind, ErrorCode> = {
  timeout: 'E_TIMEOUT',
  rate_limited: 'E_RATE_LIMITED',
  unavailable: 'E_UNAVAILABLE',
  unauthorized: 'E_UNAUTHORIZED',
  bad_response: 'E_BAD_RESPONSE',
  rejected: 'E_REJECTED',
  limit: 'E_RATE_LIMITED',
};

/**
 * An AI call failed or was refused. `kind` says why; `code` is the matching general code and
 * `customerMessage` an AI-specific customer-safe text. The message never contains the API key.
 */
export class AiError extends SmmbotError {
  override name = 'AiError';
  readonly kind: AiErrorKind;
  constructor(kind: AiErrorKind, message: string, options: SmmbotErrorOptions = {}) {
    super(AI_CODES[kind], message, {
      customerMessage: AI_CUSTOMER_TEXTS[kind],
      retryable: kind === 'timeout' || kind === 'rate_limited' || kind === 'unavailable',
      ...options,
    });
    this.kind = kind;
  }
}

/** The UTC day (`yyyy-mm-dd`) of an epoch-milliseconds time: the key of daily AI usage. */
export function aiUsageDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
