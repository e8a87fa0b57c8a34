import type { HttpRequest } from '@smmbot/core';
import { parseCookie, stringifySetCookie } from 'cookie';

export const COOKIE = {
  /** The workspace user's short-lived access token (JWT). */
  session: 'smmbot_session',
  /** The opaque refresh token; sent only to the auth routes. */
  refresh: 'smmbot_refresh',
  /** The master admin's token (JWT, its own key). */
  master: 'smmbot_master',
} as const;

/** The refresh cookie goes only where it is used: refresh and logout. */
export const REFRESH_PATH = '/api/v1/auth';

export type SecureCookies = 'auto' | 'always' | 'never';

export function readCookies(request: HttpRequest): Record<string, string | undefined> {
  const raw = request.headers.cookie;
  const header = Array.isArray(raw) ? raw.join('; ') : raw;
  return header ? parseCookie(header) : {};
}

/** `auto`: Secure when the request came over https (directly or as the proxy's X-Forwarded-Proto says). */
function secure(request: HttpRequest, mode: SecureCookies): boolean {
  if (mode !== 'auto') return mode === 'always';
  const proto = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/** HttpOnly (no script reads it), SameSite=Lax (no cross-site POST carries it), Secure over https. */
export function setCookie(
  request: HttpRequest,
  mode: SecureCookies,
  name: string,
  value: string,
  maxAgeMs: number,
  path = '/',
): string {
  return stringifySetCookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(request, mode),
    path,
    maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)),
  });
}

export function clearCookie(request: HttpRequest, mode: SecureCookies, name: string, path = '/'): string {
  return stringifySetCookie(name, '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(request, mode),
    path,
    maxAge: 0,
    expires: new Date(0),
  });
}
