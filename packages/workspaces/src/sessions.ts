import {
  type Authenticator,
  type Clock,
  type HttpAuth,
  type HttpRequest,
  type KeyValueStore,
  SYSTEM_TENANT,
  type TenantId,
} from '@smmbot/core';
import type { Accounts, WorkspaceUser } from './accounts.js';
import { COOKIE, clearCookie, REFRESH_PATH, readCookies, type SecureCookies, setCookie } from './cookies.js';
import { AUDIENCE, signAccess, verifyAccess } from './jwt.js';
import type { KeyRing } from './keys.js';
import type { MasterAdmin } from './master.js';
import type { RefreshTokens, RotateResult } from './refresh.js';

export interface SessionPolicy {
  accessTtlMs: number;
  refreshTtlMs: number;
  masterTtlMs: number;
  secureCookies: SecureCookies;
}

export interface SessionDeps {
  kv: KeyValueStore;
  clock: Clock;
  accounts: Accounts;
  refresh: RefreshTokens;
  master: MasterAdmin;
  /** Loaded at boot; undefined before, when every session check fails closed. */
  keys: () => KeyRing | undefined;
  policy: SessionPolicy;
}

export const MASTER_USER_ID = 'master';
const denyKey = (jti: string) => `workspaces:deny:${jti}`;

/**
 * Sessions in cookies, and the host's Authenticator: a workspace user's access token (15 min) and
 * refresh token (30 days, rotated), or the master admin's token — each kind signed with its own key,
 * so neither is ever accepted as the other.
 */
export class Sessions implements Authenticator {
  constructor(private readonly deps: SessionDeps) {}

  private get keys(): KeyRing {
    const keys = this.deps.keys();
    if (!keys) throw new Error('workspaces: the session keys are not loaded yet (before boot)');
    return keys;
  }

  /** Signs the user in: both cookies, as Set-Cookie values. */
  async start(request: HttpRequest, tenant: TenantId, user: WorkspaceUser): Promise<string[]> {
    const refresh = await this.deps.refresh.create(tenant, user.id);
    return [await this.accessCookie(request, tenant, user), this.refreshCookie(request, refresh)];
  }

  /** Rotates the refresh cookie and issues a new access token; the caller answers 401 unless `ok`. */
  async rotate(request: HttpRequest): Promise<{ result: RotateResult; user?: WorkspaceUser; cookies: string[] }> {
    const result = await this.deps.refresh.rotate(readCookies(request)[COOKIE.refresh]);
    if (result.kind === 'reused') await this.deps.accounts.endSessions(result.tenant, result.userId);
    if (result.kind !== 'ok') return { result, cookies: this.clear(request) };
    const user = await this.deps.accounts.getUser(result.tenant, result.userId);
    const workspace = await this.deps.accounts.getWorkspace(result.tenant);
    if (!user || workspace?.status === 'suspended') {
      await this.deps.refresh.revokeAll(result.tenant, result.userId);
      return { result: { kind: 'invalid' }, cookies: this.clear(request) };
    }
    const access = await this.accessCookie(request, result.tenant, user);
    return { result, user, cookies: [access, this.refreshCookie(request, result.token)] };
  }

  /** Logout: the refresh token is revoked, the access token deny-listed until it expires, cookies cleared. */
  async end(request: HttpRequest): Promise<{ tenant?: TenantId; userId?: string; cookies: string[] }> {
    const cookies = readCookies(request);
    const owner = await this.deps.refresh.revoke(cookies[COOKIE.refresh]);
    const claims = await verifyAccess(this.keys.tenantJwt, AUDIENCE.tenant, cookies[COOKIE.session], this.now());
    if (claims?.tid) await this.deny(claims.tid, claims.jti, claims.exp);
    return { tenant: owner?.tenant ?? claims?.tid, userId: owner?.userId ?? claims?.sub, cookies: this.clear(request) };
  }

  async startMaster(request: HttpRequest): Promise<string> {
    const sv = this.deps.master.fingerprint;
    if (!sv) throw new Error('workspaces: no master admin is configured');
    const ttl = this.deps.policy.masterTtlMs;
    const { token } = await signAccess(
      this.keys.masterJwt,
      AUDIENCE.master,
      { sub: MASTER_USER_ID, sv },
      this.now(),
      ttl,
    );
    return setCookie(request, this.deps.policy.secureCookies, COOKIE.master, token, ttl);
  }

  async endMaster(request: HttpRequest): Promise<string> {
    const token = readCookies(request)[COOKIE.master];
    const claims = await verifyAccess(this.keys.masterJwt, AUDIENCE.master, token, this.now());
    if (claims) await this.deny(SYSTEM_TENANT, claims.jti, claims.exp);
    return clearCookie(request, this.deps.policy.secureCookies, COOKIE.master);
  }

  /** Authenticator: `session` reads only the session cookie, `master` only the master cookie. */
  async authenticate(request: HttpRequest, kind: 'session' | 'master'): Promise<HttpAuth | undefined> {
    const keys = this.deps.keys();
    if (!keys) return undefined;
    const cookies = readCookies(request);
    const now = this.now();
    if (kind === 'master') {
      const claims = await verifyAccess(keys.masterJwt, AUDIENCE.master, cookies[COOKIE.master], now);
      const fingerprint = this.deps.master.fingerprint;
      if (!claims || claims.sub !== MASTER_USER_ID || !fingerprint || claims.sv !== fingerprint) return undefined;
      if (await this.deps.kv.get(SYSTEM_TENANT, denyKey(claims.jti))) return undefined;
      return { tenantId: SYSTEM_TENANT, userId: MASTER_USER_ID, role: 'owner', master: true };
    }
    const claims = await verifyAccess(keys.tenantJwt, AUDIENCE.tenant, cookies[COOKIE.session], now);
    if (!claims?.tid) return undefined;
    if (await this.deps.kv.get(claims.tid, denyKey(claims.jti))) return undefined;
    // The stored user decides: a removed user, a changed role or a reset password take effect at once.
    const user = await this.deps.accounts.getUser(claims.tid, claims.sub);
    if (!user || user.sessionVersion !== claims.sv) return undefined;
    return { tenantId: claims.tid, userId: user.id, role: user.role };
  }

  /** Set-Cookie values that remove both workspace cookies. */
  clear(request: HttpRequest): string[] {
    const mode = this.deps.policy.secureCookies;
    return [clearCookie(request, mode, COOKIE.session), clearCookie(request, mode, COOKIE.refresh, REFRESH_PATH)];
  }

  private async accessCookie(request: HttpRequest, tenant: TenantId, user: WorkspaceUser): Promise<string> {
    const ttl = this.deps.policy.accessTtlMs;
    const claims = { sub: user.id, tid: tenant, sv: user.sessionVersion };
    const { token } = await signAccess(this.keys.tenantJwt, AUDIENCE.tenant, claims, this.now(), ttl);
    return setCookie(request, this.deps.policy.secureCookies, COOKIE.session, token, ttl);
  }

  private refreshCookie(request: HttpRequest, token: string): string {
    const { refreshTtlMs, secureCookies } = this.deps.policy;
    return setCookie(request, secureCookies, COOKIE.refresh, token, refreshTtlMs, REFRESH_PATH);
  }

  private async deny(scope: TenantId, jti: string, exp: number): Promise<void> {
    const ttl = exp * 1000 - this.now();
    if (ttl > 0) await this.deps.kv.set(scope, denyKey(jti), 1, ttl + 1_000);
  }

  private now(): number {
    return this.deps.clock.now();
  }
}
