import { type ErrorCode, SmmbotError } from '@smmbot/core';

/** No provider with that id in this tenant (also what another tenant's id looks like). */
export class ProviderNotFoundError extends SmmbotError {
  override name = 'ProviderNotFoundError';
  constructor(
    readonly tenant: string,
    readonly providerId: string,
  ) {
    super('E_NOT_FOUND', `provider "${providerId}" not found in tenant "${tenant}"`, {
      details: { tenant, providerId },
    });
  }
}

/** Another provider of the tenant already has that name (names are unique per tenant, case-insensitively). */
export class ProviderNameTakenError extends SmmbotError {
  override name = 'ProviderNameTakenError';
  constructor(
    readonly tenant: string,
    readonly providerName: string,
  ) {
    super('E_CONFIG_INVALID', `a provider named "${providerName}" already exists in tenant "${tenant}"`, {
      details: { tenant, providerName, reason: 'name_taken' },
    });
  }
}

export type SyncStage = 'connect' | 'services';

/**
 * A sync could not fetch the catalog. The code follows the cause (a PanelError's `unauthorized`,
 * `unavailable`, ...), so retry logic and the reply stage treat it like the panel error it wraps.
 */
export class ProviderSyncError extends SmmbotError {
  override name = 'ProviderSyncError';
  constructor(
    readonly providerId: string,
    readonly stage: SyncStage,
    message: string,
    cause: unknown,
  ) {
    const inner = cause instanceof SmmbotError ? cause : undefined;
    const code: ErrorCode = inner?.code ?? (stage === 'connect' ? 'E_INTERNAL' : 'E_UNAVAILABLE');
    super(code, message, {
      cause,
      retryable: inner?.retryable ?? stage === 'services',
      retryAfterMs: inner?.retryAfterMs,
      details: { providerId, stage },
    });
  }
}

/** The message of anything thrown, with the provider key (if it leaked into it) censored. */
export function safeMessage(err: unknown, key?: string): string {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);
  return key && key.length >= 4 ? (text ?? '').split(key).join('[redacted]') : (text ?? '');
}
