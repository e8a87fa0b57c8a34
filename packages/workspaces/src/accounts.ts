import { randomBytes } from 'node:crypto';
import {
  type Clock,
  type Collection,
  type KeyValueStore,
  type RecordStore,
  SmmbotError,
  type StoredRecord,
  SYSTEM_TENANT,
  type TenantId,
} from '@smmbot/core';

/** The roles a workspace user can hold (customers are chat users, not workspace accounts). */
export type StaffRole = 'owner' | 'staff_admin' | 'staff';

/** A workspace: one tenant. Stored in the installation's scope (`SYSTEM_TENANT`); id = tenant id. */
export interface Workspace extends StoredRecord {
  name: string;
  ownerUserId: string;
  ownerPhone: string;
  createdAt: number;
  status: 'active' | 'suspended';
}

/** A person who signs in to a workspace. Stored under the workspace's own tenant. */
export interface WorkspaceUser extends StoredRecord {
  /** E.164 digits, no `+`. */
  phone: string;
  role: StaffRole;
  passwordHash: string;
  createdAt: number;
  lastLoginAt: number | null;
  /** Bumped by a password reset or a detected refresh-token theft: older access tokens stop working. */
  sessionVersion: number;
  /** The user who added this staff number. */
  addedBy?: string;
}

/** Installation-wide index, phone → account, so a sign-in by phone needs no scan of the tenants. */
interface PhoneEntry extends StoredRecord {
  tenant: TenantId;
  userId: string;
  createdAt: number;
}

/** A phone number can hold one account in the whole installation: sign-in is by phone. */
export class PhoneTakenError extends SmmbotError {
  constructor() {
    super('E_REJECTED', 'this phone number already has an account');
  }
}

const newTenantId = () => `ws-${randomBytes(6).toString('hex')}`;
const newUserId = () => `u-${randomBytes(8).toString('hex')}`;

/** The records: workspaces, their users and the phone index. Every user call names its tenant. */
export class Accounts {
  private readonly workspaces: Collection<Workspace>;
  private readonly users: Collection<WorkspaceUser>;
  private readonly phones: Collection<PhoneEntry>;

  constructor(
    store: RecordStore,
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
  ) {
    this.workspaces = store.collection<Workspace>({ name: 'workspaces', indexes: ['createdAt'], search: ['name'] });
    this.users = store.collection<WorkspaceUser>({ name: 'workspace_users', indexes: ['phone', 'createdAt'] });
    this.phones = store.collection<PhoneEntry>({ name: 'workspace_phones' });
  }

  getWorkspace(tenant: TenantId): Promise<Workspace | undefined> {
    return this.workspaces.get(SYSTEM_TENANT, tenant);
  }

  /** Every workspace, oldest first (pages of `limit`). */
  listWorkspaces(page: { limit?: number; offset?: number } = {}): Promise<{ items: Workspace[]; total: number }> {
    return this.workspaces.find(SYSTEM_TENANT, {
      sort: [{ field: 'createdAt', direction: 'asc' }],
      limit: page.limit,
      offset: page.offset,
    });
  }

  /** Suspends or re-activates a workspace (billing, the master admin): a suspended one cannot sign in or refresh. */
  setStatus(tenant: TenantId, status: Workspace['status']): Promise<Workspace | undefined> {
    return this.workspaces.update(SYSTEM_TENANT, tenant, { status });
  }

  /**
   * Writes the record of a workspace whose id is given (a configured tenant, not a sign-up): created
   * when missing, else its name and owner are brought in line.
   */
  async putWorkspace(
    tenant: TenantId,
    input: { name: string; ownerUserId: string; ownerPhone: string },
  ): Promise<{ workspace: Workspace; created: boolean }> {
    const existing = await this.getWorkspace(tenant);
    if (!existing) {
      const workspace = await this.workspaces.insert(SYSTEM_TENANT, {
        id: tenant,
        ...input,
        createdAt: this.clock.now(),
        status: 'active',
      });
      return { workspace, created: true };
    }
    const same = (Object.keys(input) as (keyof typeof input)[]).every((k) => existing[k] === input[k]);
    if (same) return { workspace: existing, created: false };
    return { workspace: (await this.workspaces.update(SYSTEM_TENANT, tenant, input)) ?? existing, created: false };
  }

  /** A new role; the user's sessions pick it up at their next request (the stored user decides). */
  setRole(tenant: TenantId, userId: string, role: StaffRole): Promise<WorkspaceUser | undefined> {
    return this.users.update(tenant, userId, { role });
  }

  getUser(tenant: TenantId, userId: string): Promise<WorkspaceUser | undefined> {
    return this.users.get(tenant, userId);
  }

  /** The owner first, then by the time they were added. */
  async listUsers(tenant: TenantId): Promise<WorkspaceUser[]> {
    const { items } = await this.users.find(tenant, { sort: [{ field: 'createdAt', direction: 'asc' }] });
    return items.sort((a, b) => Number(b.role === 'owner') - Number(a.role === 'owner') || a.createdAt - b.createdAt);
  }

  /** The account a phone signs in to, if any. */
  async findByPhone(phone: string): Promise<{ tenant: TenantId; user: WorkspaceUser } | undefined> {
    const entry = await this.phones.get(SYSTEM_TENANT, phone);
    if (!entry) return undefined;
    const user = await this.users.get(entry.tenant, entry.userId);
    return user && user.phone === phone ? { tenant: entry.tenant, user } : undefined;
  }

  async phoneTaken(phone: string): Promise<boolean> {
    return (await this.findByPhone(phone)) !== undefined;
  }

  /** Creates a workspace and its owner: the phone is claimed first, so two signups cannot both win. */
  async createWorkspace(input: {
    name: string;
    phone: string;
    passwordHash: string;
  }): Promise<{ workspace: Workspace; user: WorkspaceUser }> {
    const tenant = newTenantId();
    const user = await this.addUser(tenant, { phone: input.phone, role: 'owner', passwordHash: input.passwordHash });
    try {
      const workspace = await this.workspaces.insert(SYSTEM_TENANT, {
        id: tenant,
        name: input.name,
        ownerUserId: user.id,
        ownerPhone: input.phone,
        createdAt: this.clock.now(),
        status: 'active',
      });
      return { workspace, user };
    } catch (err) {
      await this.removeUser(tenant, user.id);
      throw err;
    }
  }

  /** Adds a user to a workspace; throws PhoneTakenError when the phone has an account anywhere. */
  async addUser(
    tenant: TenantId,
    input: { phone: string; role: StaffRole; passwordHash: string; addedBy?: string },
  ): Promise<WorkspaceUser> {
    const id = newUserId();
    const now = this.clock.now();
    await this.claimPhone(input.phone, tenant, id);
    try {
      return await this.users.insert(tenant, {
        id,
        phone: input.phone,
        role: input.role,
        passwordHash: input.passwordHash,
        createdAt: now,
        lastLoginAt: null,
        sessionVersion: 1,
        ...(input.addedBy ? { addedBy: input.addedBy } : {}),
      });
    } catch (err) {
      await this.phones.delete(SYSTEM_TENANT, input.phone);
      throw err;
    }
  }

  /** Removes a user and frees the phone; false when there was no such user in this tenant. */
  async removeUser(tenant: TenantId, userId: string): Promise<boolean> {
    const user = await this.users.get(tenant, userId);
    if (!user) return false;
    const entry = await this.phones.get(SYSTEM_TENANT, user.phone);
    if (entry && entry.tenant === tenant && entry.userId === userId)
      await this.phones.delete(SYSTEM_TENANT, user.phone);
    return this.users.delete(tenant, userId);
  }

  /** A new password; every session of the user ends (the version moves on). */
  async setPassword(tenant: TenantId, userId: string, passwordHash: string): Promise<WorkspaceUser | undefined> {
    const user = await this.users.get(tenant, userId);
    if (!user) return undefined;
    return this.users.update(tenant, userId, { passwordHash, sessionVersion: user.sessionVersion + 1 });
  }

  async endSessions(tenant: TenantId, userId: string): Promise<void> {
    const user = await this.users.get(tenant, userId);
    if (user) await this.users.update(tenant, userId, { sessionVersion: user.sessionVersion + 1 });
  }

  async recordLogin(tenant: TenantId, userId: string, rehashed?: string): Promise<void> {
    await this.users.update(tenant, userId, {
      lastLoginAt: this.clock.now(),
      ...(rehashed ? { passwordHash: rehashed } : {}),
    });
  }

  /** Under a lock on the phone: a stale entry (its user is gone) is replaced, a live one refuses. */
  private async claimPhone(phone: string, tenant: TenantId, userId: string): Promise<void> {
    const lock = await this.kv.acquireLock(SYSTEM_TENANT, `workspaces:phone:${phone}`, 30_000);
    if (!lock) throw new PhoneTakenError();
    try {
      const entry = await this.phones.get(SYSTEM_TENANT, phone);
      if (entry) {
        if (await this.users.get(entry.tenant, entry.userId)) throw new PhoneTakenError();
        await this.phones.delete(SYSTEM_TENANT, phone);
      }
      await this.phones.insert(SYSTEM_TENANT, { id: phone, tenant, userId, createdAt: this.clock.now() });
    } finally {
      await lock.release();
    }
  }
}
