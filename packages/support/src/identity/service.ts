import type { Page, PanelClient, TenantId, Where } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import { type IdentityRecord, identityId } from '../records.js';
import { FlowStore } from './otp.js';

export interface CustomerQuery {
  /** 1-based. */
  page?: number;
  /** Default 50, at most 200. */
  pageSize?: number;
  /** true: linked identities only; false: unlinked only. */
  verified?: boolean;
  status?: IdentityRecord['status'];
  /** Exact panel username (case-insensitive). */
  panelUser?: string;
  /** Substring of the panel username. */
  search?: string;
}

export interface CustomerPage extends Page<IdentityRecord> {
  page: number;
  pageSize: number;
}

export type VerifyResult =
  | { ok: true; identities: IdentityRecord[] }
  | { ok: false; reason: 'identity_not_found' | 'invalid_username' | 'user_not_found' | 'lookup_unavailable' };

export type VerifiedBy = NonNullable<IdentityRecord['verifiedBy']>;

const USERNAME = /^\S{1,64}$/;
export const normalizeUsername = (username: string) => username.trim().replace(/^@/, '').toLowerCase();

/**
 * Customer identities for the bot and the dashboard (Dashboard → Customers: list, verify manually,
 * block, delete). Every change to one identity applies to the records of its aliases too (the
 * same person's WhatsApp LID and phone JID), so a block cannot be dodged by switching address.
 */
export class IdentityService {
  constructor(private readonly ctx: Pick<SupportContext, 'identities' | 'kv' | 'clock'>) {}

  get(tenant: TenantId, id: string): Promise<IdentityRecord | undefined> {
    return this.ctx.identities.get(tenant, id);
  }

  /** The identity and the existing records of its aliases. */
  async withAliases(tenant: TenantId, record: IdentityRecord): Promise<IdentityRecord[]> {
    const aliases = await Promise.all(
      record.aliases.map((a) => this.ctx.identities.get(tenant, identityId(record.channel, a))),
    );
    return [record, ...aliases.filter((r): r is IdentityRecord => r !== undefined && r.id !== record.id)];
  }

  /** Customers, most recently active first, `pageSize` per page. */
  async listCustomers(tenant: TenantId, query: CustomerQuery = {}): Promise<CustomerPage> {
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const pageSize = Math.min(200, Math.max(1, Math.floor(query.pageSize ?? 50)));
    const where: Where<IdentityRecord> = {};
    if (query.panelUser) where.panelUser = normalizeUsername(query.panelUser);
    else if (query.search) where.panelUser = { contains: query.search.trim() };
    else if (query.verified !== undefined) where.panelUser = query.verified ? { ne: null } : null;
    if (query.verified === false && (query.panelUser || query.search)) return { items: [], total: 0, page, pageSize };
    if (query.status) where.status = query.status;
    const result = await this.ctx.identities.find(tenant, {
      where,
      sort: [{ field: 'lastActiveAt', direction: 'desc' }],
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { ...result, page, pageSize };
  }

  /** Links the identity (and its aliases) to a panel user, checking the username on the panel when one is given. */
  async verify(
    tenant: TenantId,
    id: string,
    username: string,
    options: { by?: VerifiedBy; panel?: PanelClient } = {},
  ): Promise<VerifyResult> {
    const record = await this.get(tenant, id);
    if (!record) return { ok: false, reason: 'identity_not_found' };
    const name = normalizeUsername(username);
    if (!USERNAME.test(name)) return { ok: false, reason: 'invalid_username' };
    if (options.panel) {
      if (!options.panel.capabilities.has('users.get') || !options.panel.findUser) {
        return { ok: false, reason: 'lookup_unavailable' };
      }
      if (!(await options.panel.findUser(name))) return { ok: false, reason: 'user_not_found' };
    }
    return { ok: true, identities: await this.link(tenant, record, name, options.by ?? 'admin') };
  }

  /** Links without checks (the flow and `!verify-users` have checked the username already). */
  async link(tenant: TenantId, record: IdentityRecord, username: string, by: VerifiedBy): Promise<IdentityRecord[]> {
    const patch = { panelUser: normalizeUsername(username), verifiedAt: this.ctx.clock.now(), verifiedBy: by };
    const all = await this.withAliases(tenant, record);
    const updated = await Promise.all(all.map((r) => this.ctx.identities.update(tenant, r.id, patch)));
    await Promise.all(all.map((r) => new FlowStore(this.ctx.kv, tenant, r.id).reset()));
    return updated.filter((r): r is IdentityRecord => r !== undefined);
  }

  /** Removes the verification of the identity and its aliases (dashboard "delete verification"). */
  async unlink(tenant: TenantId, id: string): Promise<IdentityRecord[]> {
    const record = await this.get(tenant, id);
    if (!record) return [];
    return Promise.all((await this.withAliases(tenant, record)).map((r) => this.unlinkOne(tenant, r)));
  }

  /** Unlinks every identity linked to the panel user (`!remove-users`); how many were linked. */
  async unlinkUser(tenant: TenantId, username: string): Promise<number> {
    const { items } = await this.ctx.identities.find(tenant, {
      where: { panelUser: normalizeUsername(username) },
      limit: 1000,
    });
    await Promise.all(items.map((r) => this.unlinkOne(tenant, r)));
    return items.length;
  }

  private async unlinkOne(tenant: TenantId, record: IdentityRecord): Promise<IdentityRecord> {
    const { panelUser: _u, verifiedAt: _a, verifiedBy: _b, ...rest } = record;
    return this.ctx.identities.upsert(tenant, rest);
  }

  block(tenant: TenantId, id: string): Promise<IdentityRecord[]> {
    return this.setStatus(tenant, id, 'blocked');
  }

  unblock(tenant: TenantId, id: string): Promise<IdentityRecord[]> {
    return this.setStatus(tenant, id, 'active');
  }

  private async setStatus(tenant: TenantId, id: string, status: IdentityRecord['status']) {
    const record = await this.get(tenant, id);
    if (!record) return [];
    const all = await this.withAliases(tenant, record);
    const updated = await Promise.all(all.map((r) => this.ctx.identities.update(tenant, r.id, { status })));
    return updated.filter((r): r is IdentityRecord => r !== undefined);
  }

  /** Deletes the identity record and its flow state (it is created again, unlinked, if the sender writes). */
  async delete(tenant: TenantId, id: string): Promise<boolean> {
    await new FlowStore(this.ctx.kv, tenant, id).reset();
    return this.ctx.identities.delete(tenant, id);
  }
}
