import { ConfigError, type Logger, type TenantId } from '@smmbot/core';
import { type Accounts, PhoneTakenError, type WorkspaceUser } from './accounts.js';
import { maskPhone } from './phone.js';

export interface ConfiguredOwner {
  phone: string;
  name?: string;
}

/**
 * An owner account with no password yet: the stored hash is empty, which never verifies, so the
 * owner's first step is "forgot password" (phone + one-time code), the same flow as any reset.
 */
export const NO_PASSWORD = '';

const PREFIX = 'workspaces: owners';

/**
 * Gives each workspace named in the `owners` option (the host config's tenants, which exist without
 * a sign-up) its workspace record and an owner account, at every boot. Idempotent: an owner that is
 * already there is left as it is (its password too). A phone that holds an account in another
 * workspace stops the boot: a phone signs in to one account in the whole installation.
 */
export async function ensureConfiguredOwners(deps: {
  owners: Record<TenantId, ConfiguredOwner>;
  accounts: Accounts;
  logger: Logger;
  addTenant: (tenant: TenantId) => Promise<boolean>;
}): Promise<void> {
  const { accounts, logger } = deps;
  for (const [tenant, { phone, name }] of Object.entries(deps.owners)) {
    const owner = await ownerAccount(accounts, tenant, phone);
    const before = await accounts.getWorkspace(tenant);
    const { created } = await accounts.putWorkspace(tenant, {
      name: name ?? before?.name ?? tenant,
      ownerUserId: owner.id,
      ownerPhone: phone,
    });
    const previous =
      before && before.ownerUserId !== owner.id ? await accounts.getUser(tenant, before.ownerUserId) : undefined;
    if (before && previous?.role === 'owner') {
      // The config names a new owner: the previous one keeps access as a staff admin, not ownership.
      await accounts.setRole(tenant, previous.id, 'staff_admin');
      logger.warn(
        { tenant, previous: maskPhone(before.ownerPhone), owner: maskPhone(phone) },
        'the configured owner changed; the previous owner is now a staff admin',
      );
    }
    await deps.addTenant(tenant);
    if (owner.passwordHash === NO_PASSWORD) {
      logger.info(
        { tenant, phone: maskPhone(phone), created },
        'configured owner has no password yet: sign in with "forgot password" (phone + code)',
      );
    }
  }
}

/** The phone's account in this workspace, made its owner; created without a password when missing. */
async function ownerAccount(accounts: Accounts, tenant: TenantId, phone: string): Promise<WorkspaceUser> {
  const held = await accounts.findByPhone(phone);
  if (held && held.tenant !== tenant) throw taken(tenant, phone, held.tenant);
  if (held) {
    if (held.user.role === 'owner') return held.user;
    return (await accounts.setRole(tenant, held.user.id, 'owner')) ?? held.user;
  }
  try {
    return await accounts.addUser(tenant, { phone, role: 'owner', passwordHash: NO_PASSWORD });
  } catch (err) {
    if (!(err instanceof PhoneTakenError)) throw err;
    // Several processes of one deployment boot at once: another may have just created this very owner.
    const now = await accounts.findByPhone(phone);
    if (now?.tenant === tenant && now.user.role === 'owner') return now.user;
    throw taken(tenant, phone, now?.tenant ?? 'another workspace');
  }
}

function taken(tenant: TenantId, phone: string, holder: TenantId): ConfigError {
  const line = `${PREFIX}.${tenant}: +${maskPhone(phone)} already has an account in workspace "${holder}", and a phone holds one account in the installation; name another phone, or remove that account first`;
  return new ConfigError(line, { issues: [line] });
}
