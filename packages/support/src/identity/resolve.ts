import { can, type InboundMessage, ROLES, type Role, type TenantId } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import { type GroupRecord, groupId, type IdentityRecord, identityId } from '../records.js';

/** lastActiveAt / lastMessageAt are written at most this often (not once per message). */
export const TOUCH_INTERVAL_MS = 60_000;
/** How long a group remembers a member it has not heard from (for `!verify-users`). */
export const MEMBER_TTL_MS = 180 * 24 * 60 * 60_000;

/** Staff are never asked to verify and keep admin commands in groups with support off. */
export const isStaff = (role: Role) => can(role, 'orders.any_owner');

const unique = (values: string[]) => [...new Set(values)];

/** The other addresses a message says its sender has (WhatsApp LID ↔ phone JID), without the sender's own. */
export function aliasesOf(message: InboundMessage): string[] {
  return unique(Object.values(message.sender.aliases ?? {}).filter((a) => a && a !== message.sender.id));
}

async function insertOrGet(ctx: SupportContext, tenant: TenantId, record: IdentityRecord): Promise<IdentityRecord> {
  try {
    return await ctx.identities.insert(tenant, record);
  } catch (err) {
    // Another turn of the same sender (another chat) created it first.
    const existing = await ctx.identities.get(tenant, record.id);
    if (existing) return existing;
    throw err;
  }
}

type Link = Pick<IdentityRecord, 'panelUser' | 'verifiedAt' | 'verifiedBy'>;
const linkOf = (r: IdentityRecord | undefined): Link | undefined =>
  r?.panelUser ? { panelUser: r.panelUser, verifiedAt: r.verifiedAt, verifiedBy: r.verifiedBy } : undefined;

/**
 * The sender's identity, created on first contact. Each address has its own record; addresses the
 * channel reports as aliases (WhatsApp LID ↔ phone JID) are cross-listed in `aliases`, get a record
 * of their own if they have none yet, and share the link (and a block) of the group: a LID and its
 * phone JID answer to one panel user, whichever of them verified, whichever writes next.
 */
export async function resolveIdentity(ctx: SupportContext, message: InboundMessage): Promise<IdentityRecord> {
  const tenant = message.tenantId;
  const now = ctx.clock.now();
  const { channel } = message;
  const sender = message.sender.id;
  const aliases = aliasesOf(message);
  const existing = await ctx.identities.get(tenant, identityId(channel, sender));
  const newAliases = aliases.filter((a) => !existing?.aliases.includes(a));
  if (existing && newAliases.length === 0) return touch(ctx, tenant, existing, message, now);

  const found = await Promise.all(newAliases.map((a) => ctx.identities.get(tenant, identityId(channel, a))));
  const others = found.filter((r): r is IdentityRecord => r !== undefined);
  const link = linkOf(existing) ?? others.map(linkOf).find((l) => l !== undefined);
  const blocked = [existing, ...others].some((r) => r?.status === 'blocked');
  const base = (address: string, peers: string[]): IdentityRecord => ({
    id: identityId(channel, address),
    tenantId: tenant,
    channel,
    address,
    aliases: peers,
    status: blocked ? 'blocked' : 'active',
    ...link,
    lastActiveAt: now,
    createdAt: now,
  });
  const peersOf = (address: string, own: string[] = []) =>
    unique([...own, sender, ...aliases].filter((a) => a !== address));

  let record: IdentityRecord;
  if (!existing) {
    const name = message.sender.displayName;
    record = await insertOrGet(ctx, tenant, { ...base(sender, aliases), ...(name ? { displayName: name } : {}) });
  } else {
    const patch: Partial<IdentityRecord> = { aliases: peersOf(sender, existing.aliases), lastActiveAt: now };
    if (!existing.panelUser && link) Object.assign(patch, link);
    if (blocked) patch.status = 'blocked';
    record = (await ctx.identities.update(tenant, existing.id, patch)) ?? { ...existing, ...patch };
  }
  await Promise.all([
    // Aliases seen for the first time get their record now, so a later message from them alone is known.
    ...newAliases.filter((_, i) => found[i] === undefined).map((a) => insertOrGet(ctx, tenant, base(a, peersOf(a)))),
    ...others.map((o) => {
      const patch: Partial<IdentityRecord> = { aliases: peersOf(o.address, o.aliases) };
      if (!o.panelUser && link) Object.assign(patch, link);
      if (blocked) patch.status = 'blocked';
      return ctx.identities.update(tenant, o.id, patch);
    }),
  ]);
  return record;
}

async function touch(
  ctx: SupportContext,
  tenant: TenantId,
  record: IdentityRecord,
  message: InboundMessage,
  now: number,
): Promise<IdentityRecord> {
  const name = message.sender.displayName;
  const renamed = name !== undefined && name !== record.displayName;
  if (!renamed && now - record.lastActiveAt < TOUCH_INTERVAL_MS) return record;
  const patch: Partial<IdentityRecord> = { lastActiveAt: now, ...(renamed ? { displayName: name } : {}) };
  return (await ctx.identities.update(tenant, record.id, patch)) ?? { ...record, ...patch };
}

/** The group a message came from, registered on its first message with support on, marketing off. */
export async function resolveGroup(ctx: SupportContext, message: InboundMessage): Promise<GroupRecord | undefined> {
  if (message.chat.kind !== 'group') return undefined;
  const tenant = message.tenantId;
  const now = ctx.clock.now();
  const id = groupId(message.channel, message.chat.id);
  const title = message.chat.title;
  const group = await ctx.groups.get(tenant, id);
  if (!group) {
    const fresh: GroupRecord = {
      id,
      tenantId: tenant,
      channel: message.channel,
      chatId: message.chat.id,
      ...(title ? { title } : {}),
      supportEnabled: true,
      marketingEnabled: false,
      silent: false,
      firstSeenAt: now,
      lastMessageAt: now,
    };
    try {
      return await ctx.groups.insert(tenant, fresh);
    } catch {
      return (await ctx.groups.get(tenant, id)) ?? fresh;
    }
  }
  const retitled = title !== undefined && title !== group.title;
  if (!retitled && now - group.lastMessageAt < TOUCH_INTERVAL_MS) return group;
  const patch: Partial<GroupRecord> = { lastMessageAt: now, ...(retitled ? { title } : {}) };
  return (await ctx.groups.update(tenant, id, patch)) ?? { ...group, ...patch };
}

export const membersKey = (group: string) => `support:group-members:${group}`;

/** Remembers who speaks in which group (read by `!verify-users`), writing each pair once a minute at most. */
export class MemberTracker {
  private readonly writes = new Map<string, number>();

  constructor(private readonly ctx: SupportContext) {}

  async track(tenant: TenantId, group: string, identity: string): Promise<void> {
    const k = `${tenant}\u0000${group}\u0000${identity}`;
    const now = this.ctx.clock.now();
    const last = this.writes.get(k);
    if (last !== undefined && now >= last && now - last < TOUCH_INTERVAL_MS) return;
    if (this.writes.size >= 50_000) this.writes.clear();
    this.writes.set(k, now);
    await this.ctx.kv.setAdd(tenant, membersKey(group), identity, MEMBER_TTL_MS);
  }
}

const seeded = new WeakMap<SupportContext, Map<TenantId, Promise<void>>>();

/** Inserts the configured staff (`options.admins`) of a tenant once; existing records are left as managed. */
export function seedAdmins(ctx: SupportContext, tenant: TenantId): Promise<void> {
  const perTenant = seeded.get(ctx) ?? new Map<TenantId, Promise<void>>();
  seeded.set(ctx, perTenant);
  let done = perTenant.get(tenant);
  if (!done) {
    done = (async () => {
      for (const seed of ctx.options.admins.filter((a) => a.tenant === tenant)) {
        const id = identityId(seed.channel, seed.address);
        if (await ctx.admins.get(tenant, id)) continue;
        const { channel, address, role, name } = seed;
        await ctx.admins
          .insert(tenant, { id, channel, address, role, ...(name ? { name } : {}), createdAt: ctx.clock.now() })
          .catch(() => undefined);
      }
    })();
    // A failed seed is retried on the next message.
    done.catch(() => perTenant.delete(tenant));
    perTenant.set(tenant, done);
  }
  return done;
}

/** The sender's role: the highest AdminRecord matching the channel and any of its addresses, else customer. */
export async function roleOf(ctx: SupportContext, message: InboundMessage): Promise<Role> {
  await seedAdmins(ctx, message.tenantId);
  const addresses = [message.sender.id, ...aliasesOf(message)];
  const { items } = await ctx.admins.find(message.tenantId, {
    where: { channel: message.channel, address: { in: addresses } },
    limit: 10,
  });
  return items.reduce<Role>((best, a) => (ROLES.indexOf(a.role) > ROLES.indexOf(best) ? a.role : best), 'customer');
}
