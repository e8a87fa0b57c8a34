import { assertTenant, SmmbotError, type TenantId } from '@smmbot/core';

/** What a Redis key holds. Each kind has its own key space, like the separate tables of SQLite. */
export type KeyKind = 'value' | 'lock' | 'set';

const KIND_TAG: Record<KeyKind, string> = { value: 'v', lock: 'l', set: 's' };

/** Letters, digits, `_`, `-` and `.`: no `:`, so one prefix can never be the start of another's keys. */
export const PREFIX_PATTERN = /^[A-Za-z0-9_.-]+$/;

/**
 * `:` separates the parts of a key and `%` starts an escape, so both are escaped; so are the glob
 * characters of SCAN MATCH (a tenant's keys can then be matched exactly) and the braces of Redis
 * Cluster hash tags (a tenant id must not decide which slot a key lands in).
 */
const SPECIAL = /[%:*?[\]\\{}]/g;

/** Percent-escapes the characters that would let a part of a key reach into another part. */
export function escapeKeyPart(part: string): string {
  return part.replace(SPECIAL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function assertPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new SmmbotError(
      'E_CONFIG_INVALID',
      `invalid Redis key prefix ${JSON.stringify(prefix)}: use letters, digits, "_", "-" and "." (no ":")`,
    );
  }
}

/**
 * Builds `<prefix>:<tenant>:<kind>:<key>` with the tenant and the key escaped. An escaped tenant has
 * no `:`, so the second separator always ends it: tenant `a:b` and tenant `a` with key `b:...` get
 * different keys, and no tenant id or key can address another tenant's data.
 */
export class KeyBuilder {
  constructor(readonly prefix: string) {
    assertPrefix(prefix);
  }

  key(tenant: TenantId, kind: KeyKind, key: string): string {
    assertTenant(tenant);
    if (typeof key !== 'string') throw new SmmbotError('E_STORAGE', `kv keys must be strings; got ${typeof key}`);
    return `${this.prefix}:${escapeKeyPart(tenant)}:${KIND_TAG[kind]}:${escapeKeyPart(key)}`;
  }

  /** A SCAN MATCH pattern for every key of one tenant (or of the whole prefix). */
  pattern(tenant?: TenantId): string {
    return tenant === undefined ? `${this.prefix}:*` : `${this.prefix}:${escapeKeyPart(tenant)}:*`;
  }
}
