import { hkdfSync, randomBytes } from 'node:crypto';
import { type KeyValueStore, type Logger, SYSTEM_TENANT, type SecretBox } from '@smmbot/core';

/** The keys the plugin signs and hashes with; never logged, never sent. */
export interface KeyRing {
  /** HS256 key of workspace users' access tokens. */
  tenantJwt: Uint8Array;
  /** HS256 key of the master admin's token: a tenant token can never verify as a master one, nor back. */
  masterJwt: Uint8Array;
  /** HMAC key of stored one-time codes and refresh tokens (a leaked store cannot be brute-forced offline). */
  digest: Buffer;
}

const ROOT_KEY = 'workspaces:root-key';
const SALT = 'smmbot/workspaces/v1';

function expand(root: string | Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, SALT, info, 32));
}

export function deriveKeys(root: string | Buffer, overrides: { tenant?: string; master?: string } = {}): KeyRing {
  return {
    tenantJwt: overrides.tenant ? expand(overrides.tenant, 'jwt:tenant') : expand(root, 'jwt:tenant'),
    masterJwt: overrides.master ? expand(overrides.master, 'jwt:master') : expand(root, 'jwt:master'),
    digest: expand(root, 'digest'),
  };
}

export interface KeySources {
  /** The host's secret key (32+ characters): every key is derived from it with HKDF-SHA256. */
  secretKey?: string;
  jwt?: { tenantSecret?: string; masterSecret?: string };
  kv: KeyValueStore;
  /** Seals the generated root key at rest when no secret key is given. */
  secrets?: SecretBox;
  logger: Logger;
}

/**
 * Loads the key ring: derived from the configured secret key; else from a random root key generated
 * once and stored sealed (with the host's SecretBox) in the installation's key-value scope; else, with
 * neither, a random key for this process only (sessions and pending codes end at restart).
 */
export async function loadKeys(src: KeySources): Promise<KeyRing> {
  const overrides = { tenant: src.jwt?.tenantSecret, master: src.jwt?.masterSecret };
  if (src.secretKey) return deriveKeys(src.secretKey, overrides);
  if (!src.secrets) {
    src.logger.warn(
      'no secret key and no SecretBox: session keys are random for this process; sign-ins end at restart',
    );
    return deriveKeys(randomBytes(32), overrides);
  }
  const fresh = src.secrets.seal(randomBytes(32).toString('base64url'));
  await src.kv.setIfAbsent(SYSTEM_TENANT, ROOT_KEY, fresh);
  const sealed = await src.kv.get<string>(SYSTEM_TENANT, ROOT_KEY);
  if (typeof sealed !== 'string') throw new Error('the workspaces root key could not be stored');
  return deriveKeys(Buffer.from(src.secrets.open(sealed), 'base64url'), overrides);
}
