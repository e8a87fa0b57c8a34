import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'smmbot';
export const AUDIENCE = { tenant: 'smmbot:workspace', master: 'smmbot:master' } as const;
export type Audience = (typeof AUDIENCE)[keyof typeof AUDIENCE];

export interface AccessClaims {
  /** The user id (`master` for the master admin). */
  sub: string;
  jti: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Workspace (tenant) id; absent on master tokens. */
  tid?: string;
  /** Session version of the user, or the master credential's fingerprint. */
  sv: number | string;
}

/** Signs a short-lived HS256 token at the clock's `now`. */
export async function signAccess(
  key: Uint8Array,
  audience: Audience,
  claims: { sub: string; tid?: string; sv: number | string },
  now: number,
  ttlMs: number,
): Promise<{ token: string; jti: string; expiresAt: number }> {
  const jti = randomBytes(12).toString('base64url');
  const iat = Math.floor(now / 1000);
  const exp = Math.floor((now + ttlMs) / 1000);
  const token = await new SignJWT({ sv: claims.sv, ...(claims.tid ? { tid: claims.tid } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setSubject(claims.sub)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, jti, expiresAt: exp * 1000 };
}

/**
 * Verifies signature (HS256 only: no `none`, no algorithm confusion), issuer, audience and expiry at
 * the clock's `now`; undefined for anything else, never a throw.
 */
export async function verifyAccess(
  key: Uint8Array,
  audience: Audience,
  token: string | undefined,
  now: number,
): Promise<AccessClaims | undefined> {
  if (!token || token.length > 4096) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience,
      algorithms: ['HS256'],
      currentDate: new Date(now),
      requiredClaims: ['sub', 'jti', 'exp'],
    });
    const { sub, jti, exp, tid, sv } = payload as Partial<AccessClaims>;
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') return undefined;
    if (typeof sv !== 'number' && typeof sv !== 'string') return undefined;
    if (audience === AUDIENCE.tenant && typeof tid !== 'string') return undefined;
    return { sub, jti, exp, sv, ...(typeof tid === 'string' ? { tid } : {}) };
  } catch {
    return undefined;
  }
}
