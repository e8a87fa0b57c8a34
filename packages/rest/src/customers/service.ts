import { type TenantId, Tokens } from '@smmbot/core';
import { type IdentityRecord, IdentityServiceToken } from '@smmbot/support';
import { iso, notFound, RestError } from '../http.js';
import type { Scope } from '../scope.js';

export interface CustomerFilter {
  verified: 'true' | 'false' | 'all';
  status?: IdentityRecord['status'];
  q?: string;
  page: number;
  limit: number;
}

export function customerItem(r: IdentityRecord) {
  return {
    id: r.id,
    channel: r.channel,
    address: r.address,
    aliases: r.aliases,
    display_name: r.displayName ?? null,
    panel_user: r.panelUser ?? null,
    verified: Boolean(r.panelUser),
    verified_at: iso(r.verifiedAt),
    verified_by: r.verifiedBy ?? null,
    status: r.status,
    last_active_at: iso(r.lastActiveAt),
    created_at: iso(r.createdAt),
  };
}

/**
 * Customers (spec "Managing customers from dashboard"): the support workflow's identities. Verify
 * (skip the OTP), block/unblock, and delete = remove the verification; each applies to the identity's
 * aliases too (WhatsApp LID and phone JID), like the chat commands. The record itself is kept, so a
 * block survives a "delete".
 */
export class CustomersService {
  constructor(private readonly scope: Scope) {}

  private identities() {
    return this.scope.need(IdentityServiceToken, '@smmbot/support');
  }

  async list(tenant: TenantId, f: CustomerFilter) {
    const page = await this.identities().listCustomers(tenant, {
      page: f.page,
      pageSize: f.limit,
      ...(f.verified === 'all' ? {} : { verified: f.verified === 'true' }),
      ...(f.status ? { status: f.status } : {}),
      ...(f.q ? { search: f.q.toLowerCase() } : {}),
    });
    return { items: page.items.map(customerItem), total: page.total, page: page.page, limit: page.pageSize };
  }

  /** Links the identity to a panel username; checked on the panel when the panel can look users up. */
  async verify(tenant: TenantId, id: string, username: string) {
    const c = this.scope.forTenant(tenant);
    const panel = c.isRegistered(Tokens.Panel, true) ? c.resolve(Tokens.Panel) : undefined;
    const checkable = panel?.capabilities.has('users.get') && panel.findUser ? panel : undefined;
    const result = await this.identities().verify(tenant, id, username, {
      by: 'admin',
      ...(checkable ? { panel: checkable } : {}),
    });
    if (!result.ok) {
      if (result.reason === 'identity_not_found') throw notFound(`customer "${id}"`);
      if (result.reason === 'user_not_found') {
        throw new RestError(422, 'E_PANEL_USER_NOT_FOUND', `the panel has no user ${JSON.stringify(username)}`);
      }
      throw new RestError(400, 'E_VALIDATION', `cannot verify: ${result.reason}`, [`body.username: ${result.reason}`]);
    }
    return { item: this.main(result.identities, id), checked_on_panel: Boolean(checkable) };
  }

  async block(tenant: TenantId, id: string, blocked: boolean) {
    const service = this.identities();
    const all = blocked ? await service.block(tenant, id) : await service.unblock(tenant, id);
    return { item: this.main(all, id), affected: all.length };
  }

  async unverify(tenant: TenantId, id: string) {
    const all = await this.identities().unlink(tenant, id);
    return { item: this.main(all, id), affected: all.length };
  }

  private main(records: IdentityRecord[], id: string) {
    const record = records.find((r) => r.id === id);
    if (!record) throw notFound(`customer "${id}"`);
    return customerItem(record);
  }
}
