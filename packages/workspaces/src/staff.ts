import { randomInt } from 'node:crypto';
import type { HttpAuth, HttpRequest, KeyValueStore, Logger, TenantId } from '@smmbot/core';
import { type Accounts, PhoneTakenError, type StaffRole, type WorkspaceUser } from './accounts.js';
import type { Codes, CodeSent } from './codes.js';
import type { Delivery } from './delivery.js';
import { HttpFail } from './http-util.js';
import type { PasswordHasher } from './passwords.js';
import { maskPhone } from './phone.js';
import type { WorkspaceLimits } from './plan-limits.js';
import type { RefreshTokens } from './refresh.js';

export interface StaffDeps {
  accounts: Accounts;
  codes: Codes;
  delivery: Delivery;
  hasher: PasswordHasher;
  refresh: RefreshTokens;
  kv: KeyValueStore;
  logger: Logger;
  appName: string;
  loginUrl?: string;
  /** The plan's limits when a billing plugin registered them (resolved per call: it may apply after this one). */
  limits: () => WorkspaceLimits | undefined;
}

export interface AdminNumber {
  id: string;
  phone: string;
  role: StaffRole;
  createdAt: number;
  lastLoginAt: number | null;
}

/** No look-alike characters (0/O, 1/l/I): the password is read off a phone screen and typed. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';
/** 16 characters of 54: about 92 bits. */
export function generatePassword(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

const view = (u: WorkspaceUser): AdminNumber => ({
  id: u.id,
  phone: u.phone,
  role: u.role,
  createdAt: u.createdAt,
  lastLoginAt: u.lastLoginAt,
});

const ROLE_NAMES: Record<StaffRole, string> = { owner: 'owner', staff_admin: 'staff admin', staff: 'staff' };

/**
 * Admin & staff numbers of a workspace (spec "Adding staff — OTP verified flow"). The tenant always
 * comes from the caller's session, never from the request.
 */
export class StaffFlows {
  constructor(private readonly deps: StaffDeps) {}

  async list(auth: HttpAuth): Promise<AdminNumber[]> {
    return (await this.deps.accounts.listUsers(auth.tenantId)).map(view);
  }

  /** Step 1: a code to the new number (from the workspace's own WhatsApp number when it has one). */
  async sendCode(request: HttpRequest, auth: HttpAuth, phone: string): Promise<CodeSent> {
    if (await this.deps.accounts.phoneTaken(phone)) {
      throw new HttpFail(409, 'E_PHONE_TAKEN', 'this phone number already has an account');
    }
    // Checked before the code goes out too, so nobody is sent a code for a number that cannot be added.
    await this.requireRoom(auth.tenantId);
    const workspace = await this.deps.accounts.getWorkspace(auth.tenantId);
    const name = workspace?.name ?? auth.tenantId;
    const minutes = this.deps.codes.ttlMinutes;
    const sent = await this.deps.codes.send(
      request,
      auth.tenantId,
      'staff',
      phone,
      (code) =>
        `${code} is your code to join "${name}" on ${this.deps.appName}. Give it only to the person adding you; it expires in ${minutes} minutes.`,
      auth.tenantId,
    );
    this.deps.logger.info(
      { tenant: auth.tenantId, userId: auth.userId, phone: maskPhone(phone), delivery: sent.delivery },
      'staff code sent',
    );
    return sent;
  }

  /** Step 2: the code checks out; the account is created and its password sent to that number. */
  async verify(
    auth: HttpAuth,
    input: { phone: string; code: string; role: Exclude<StaffRole, 'owner'> },
  ): Promise<AdminNumber & { credentials: 'sent' | 'not_sent' }> {
    const tenant = auth.tenantId;
    await this.deps.codes.check(tenant, 'staff', input.phone, input.code);
    const password = generatePassword();
    const passwordHash = await this.deps.hasher.hash(password);
    let user: WorkspaceUser;
    try {
      user = await this.withinLimit(tenant, () =>
        this.deps.accounts.addUser(tenant, {
          phone: input.phone,
          role: input.role,
          passwordHash,
          addedBy: auth.userId,
        }),
      );
    } catch (err) {
      if (err instanceof PhoneTakenError) {
        throw new HttpFail(409, 'E_PHONE_TAKEN', 'this phone number already has an account');
      }
      throw err;
    }
    const workspace = await this.deps.accounts.getWorkspace(tenant);
    const lines = [
      `You were added to "${workspace?.name ?? tenant}" on ${this.deps.appName} as ${ROLE_NAMES[input.role]}.`,
      `Sign in with this number (+${input.phone}) and the password: ${password}`,
      ...(this.deps.loginUrl ? [this.deps.loginUrl] : []),
      'You can set your own password with "Forgot password".',
    ];
    let sent = false;
    try {
      sent = await this.deps.delivery.send(input.phone, lines.join('\n'), {
        tenant,
        template: 'workspaces_credentials',
      });
    } catch (err) {
      if (!(err instanceof HttpFail)) throw err;
    }
    const log = { tenant, userId: user.id, addedBy: auth.userId, role: user.role, phone: maskPhone(user.phone) };
    if (sent) this.deps.logger.info(log, 'staff number added; credentials sent');
    // Never the password itself: the new member sets one through "forgot password".
    else
      this.deps.logger.warn(
        log,
        'staff number added, but the credentials could not be sent; they can use forgot password',
      );
    return { ...view(user), credentials: sent ? 'sent' : 'not_sent' };
  }

  /**
   * Adds under the plan's staff limit. The count and the insert run under a lock on the workspace,
   * so two owners' tabs adding at once cannot both take the last place.
   */
  private async withinLimit<T>(tenant: TenantId, add: () => Promise<T>): Promise<T> {
    if ((await this.staffLimit(tenant)) === null) return add();
    const lock = await this.deps.kv.acquireLock(tenant, 'workspaces:staff-add', 30_000);
    if (!lock) throw new HttpFail(409, 'E_IN_PROGRESS', 'another number is being added right now; try again');
    try {
      await this.requireRoom(tenant);
      return await add();
    } finally {
      await lock.release();
    }
  }

  /** A 403 `E_PLAN_LIMIT` when the workspace already has as many admin and staff numbers as its plan allows. */
  private async requireRoom(tenant: TenantId): Promise<void> {
    const limit = await this.staffLimit(tenant);
    if (limit === null) return;
    const staff = (await this.deps.accounts.listUsers(tenant)).filter((u) => u.role !== 'owner').length;
    if (staff < limit) return;
    this.deps.logger.info({ tenant, staff, limit }, 'staff number refused: the plan limit is reached');
    throw new HttpFail(
      403,
      'E_PLAN_LIMIT',
      limit === 0
        ? 'your plan does not include admin and staff numbers; change plan under Billing'
        : `your plan allows ${limit} admin and staff number${limit === 1 ? '' : 's'}; remove one or change plan under Billing`,
    );
  }

  private staffLimit(tenant: TenantId): Promise<number | null> {
    return this.deps.limits()?.limitOf(tenant, 'staff') ?? Promise.resolve(null);
  }

  async remove(auth: HttpAuth, id: string): Promise<void> {
    const user = await this.deps.accounts.getUser(auth.tenantId, id);
    if (!user) throw new HttpFail(404, 'E_NOT_FOUND', 'no such admin number in this workspace');
    if (user.role === 'owner') throw new HttpFail(403, 'E_FORBIDDEN', 'the owner cannot be removed');
    await this.deps.accounts.removeUser(auth.tenantId, id);
    await this.deps.refresh.revokeAll(auth.tenantId, id);
    this.deps.logger.info({ tenant: auth.tenantId, userId: id, removedBy: auth.userId }, 'staff number removed');
  }
}
