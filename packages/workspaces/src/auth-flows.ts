import { type HttpRequest, type Logger, SYSTEM_TENANT, type TenantId } from '@smmbot/core';
import { type Accounts, PhoneTakenError, type Workspace, type WorkspaceUser } from './accounts.js';
import type { Codes, CodeSent } from './codes.js';
import { HttpFail, tooMany } from './http-util.js';
import type { RateLimiter, Window } from './limits.js';
import type { MasterAdmin } from './master.js';
import type { PasswordHasher } from './passwords.js';
import { maskPhone } from './phone.js';
import type { RefreshTokens } from './refresh.js';
import type { Sessions } from './sessions.js';

export interface AuthDeps {
  accounts: Accounts;
  codes: Codes;
  hasher: PasswordHasher;
  sessions: Sessions;
  refresh: RefreshTokens;
  limiter: RateLimiter;
  master: MasterAdmin;
  logger: Logger;
  addTenant: (tenant: TenantId) => Promise<boolean>;
  signup: 'open' | 'closed';
  login: { perPhone: number; perIp: number; windowMs: number };
  appName: string;
}

const BAD_CREDENTIALS = () => new HttpFail(401, 'E_INVALID_CREDENTIALS', 'wrong phone number or password');
const PHONE_TAKEN = () => new HttpFail(409, 'E_PHONE_TAKEN', 'this phone number already has an account; sign in');

/** Sign-up, sign-in, forgot password and the master sign-in: the flows behind the auth routes. */
export class AuthFlows {
  constructor(private readonly deps: AuthDeps) {}

  async signupSend(request: HttpRequest, phone: string): Promise<CodeSent> {
    this.requireSignup();
    if (await this.deps.accounts.phoneTaken(phone)) throw PHONE_TAKEN();
    const { appName } = this.deps;
    const minutes = this.deps.codes.ttlMinutes;
    const sent = await this.deps.codes.send(
      request,
      SYSTEM_TENANT,
      'signup',
      phone,
      (code) => `${code} is your ${appName} sign-up code. It expires in ${minutes} minutes. Never share it.`,
    );
    this.deps.logger.info({ phone: maskPhone(phone), delivery: sent.delivery }, 'sign-up code sent');
    return sent;
  }

  /** Creates the workspace and its owner, serves it at once, and signs the owner in. */
  async signupVerify(
    request: HttpRequest,
    input: { phone: string; otp: string; password: string; workspaceName?: string },
  ): Promise<{ workspace: Workspace; user: WorkspaceUser; cookies: string[] }> {
    this.requireSignup();
    if (await this.deps.accounts.phoneTaken(input.phone)) throw PHONE_TAKEN();
    await this.deps.codes.check(SYSTEM_TENANT, 'signup', input.phone, input.otp);
    const passwordHash = await this.deps.hasher.hash(input.password);
    const name = input.workspaceName?.trim() || 'My workspace';
    let created: { workspace: Workspace; user: WorkspaceUser };
    try {
      created = await this.deps.accounts.createWorkspace({ name, phone: input.phone, passwordHash });
    } catch (err) {
      if (err instanceof PhoneTakenError) throw PHONE_TAKEN();
      throw err;
    }
    const { workspace, user } = created;
    await this.deps.addTenant(workspace.id);
    await this.deps.accounts.recordLogin(workspace.id, user.id);
    this.deps.logger.info({ tenant: workspace.id, userId: user.id }, 'workspace created');
    return { workspace, user, cookies: await this.deps.sessions.start(request, workspace.id, user) };
  }

  async login(
    request: HttpRequest,
    input: { phone: string; password: string },
  ): Promise<{ tenant: TenantId; user: WorkspaceUser; cookies: string[] }> {
    const phoneKey = `login-phone:${input.phone}`;
    await this.limit(request, 'login', phoneKey);
    const found = await this.deps.accounts.findByPhone(input.phone);
    // An owner without a password yet (a configured workspace) spends the same time as an unknown phone.
    const ok = found?.user.passwordHash
      ? await this.deps.hasher.verify(input.password, found.user.passwordHash)
      : await this.deps.hasher.verifyNothing(input.password);
    if (!found || !ok) {
      await this.deps.limiter.add(phoneKey, this.window('phone'));
      this.deps.logger.info(
        { tenant: found?.tenant, userId: found?.user.id, phone: maskPhone(input.phone) },
        'sign-in failed',
      );
      throw BAD_CREDENTIALS();
    }
    const { tenant, user } = found;
    if ((await this.deps.accounts.getWorkspace(tenant))?.status === 'suspended') {
      throw new HttpFail(403, 'E_SUSPENDED', 'this workspace is suspended; contact support');
    }
    await this.deps.limiter.reset(phoneKey, this.window('phone'));
    const rehashed = this.deps.hasher.needsRehash(user.passwordHash)
      ? await this.deps.hasher.hash(input.password)
      : undefined;
    await this.deps.accounts.recordLogin(tenant, user.id, rehashed);
    this.deps.logger.info({ tenant, userId: user.id, rehashed: rehashed !== undefined }, 'signed in');
    return { tenant, user, cookies: await this.deps.sessions.start(request, tenant, user) };
  }

  /** The same answer whether or not the phone has an account (no enumeration through this route). */
  async forgotSend(request: HttpRequest, phone: string): Promise<Omit<CodeSent, 'delivery'>> {
    const code = await this.deps.codes.issue(request, SYSTEM_TENANT, 'reset', phone);
    const found = await this.deps.accounts.findByPhone(phone);
    const { delivery: _, ...answer } = this.deps.codes.sent('whatsapp');
    if (!found) {
      this.deps.logger.info({ phone: maskPhone(phone) }, 'password reset asked for a phone without an account');
      return answer;
    }
    const minutes = this.deps.codes.ttlMinutes;
    const text = `${code} is your ${this.deps.appName} password reset code. It expires in ${minutes} minutes. If you did not ask for it, ignore this message.`;
    try {
      const delivery = await this.deps.codes.deliver(phone, code, text, 'reset');
      this.deps.logger.info({ tenant: found.tenant, userId: found.user.id, delivery }, 'password reset code sent');
    } catch (err) {
      this.deps.logger.warn({ err, tenant: found.tenant, userId: found.user.id }, 'password reset code not delivered');
    }
    return answer;
  }

  /** Sets the new password and ends every session of the user (refresh tokens revoked, access tokens stale). */
  async reset(input: { phone: string; otp: string; newPassword: string }): Promise<void> {
    await this.deps.codes.check(SYSTEM_TENANT, 'reset', input.phone, input.otp);
    const found = await this.deps.accounts.findByPhone(input.phone);
    if (!found) throw new HttpFail(400, 'E_OTP_INVALID', 'the code is not right');
    const hash = await this.deps.hasher.hash(input.newPassword);
    await this.deps.accounts.setPassword(found.tenant, found.user.id, hash);
    const revoked = await this.deps.refresh.revokeAll(found.tenant, found.user.id);
    await this.deps.limiter.reset(`login-phone:${input.phone}`, this.window('phone'));
    this.deps.logger.info({ tenant: found.tenant, userId: found.user.id, revoked }, 'password reset');
  }

  async masterLogin(request: HttpRequest, input: { phone: string; password: string }): Promise<string> {
    const phoneKey = `master-phone:${input.phone}`;
    await this.limit(request, 'master', phoneKey);
    const ok = await this.deps.master.verify(input.phone, input.password);
    if (!ok) {
      await this.deps.limiter.add(phoneKey, this.window('phone'));
      this.deps.logger.warn({ phone: maskPhone(input.phone) }, 'master sign-in failed');
      throw BAD_CREDENTIALS();
    }
    await this.deps.limiter.reset(phoneKey, this.window('phone'));
    this.deps.logger.info('master admin signed in');
    return this.deps.sessions.startMaster(request);
  }

  private async limit(request: HttpRequest, kind: string, phoneKey: string): Promise<void> {
    const ip = await this.deps.limiter.hit(`${kind}-ip:${request.ip ?? 'unknown'}`, this.window('ip'));
    if (!ip.ok) throw tooMany('too many sign-in attempts from this address; try again later', ip.retryAfterMs);
    const phone = await this.deps.limiter.full(phoneKey, this.window('phone'));
    if (phone.full) throw tooMany('too many failed sign-ins for this number; try again later', phone.retryAfterMs);
  }

  private window(kind: 'ip' | 'phone'): Window {
    const { perIp, perPhone, windowMs } = this.deps.login;
    return { limit: kind === 'ip' ? perIp : perPhone, windowMs };
  }

  private requireSignup(): void {
    if (this.deps.signup === 'closed') {
      throw new HttpFail(403, 'E_SIGNUP_CLOSED', 'sign-up is closed on this installation');
    }
  }
}
