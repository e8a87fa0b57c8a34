import { type Channel, type Collection, type TenantId, Tokens } from '@smmbot/core';
import { GROUPS, type GroupRecord, groupId, membersKey } from '@smmbot/support';
import { iso, notFound } from '../http.js';
import type { Scope } from '../scope.js';

export interface GroupFlags {
  support_enabled?: boolean;
  marketing_enabled?: boolean;
  silent_mode?: boolean;
}

/** A group as a channel that can list its groups reports it. */
export interface ListedGroup {
  id: string;
  title?: string;
}

/** The optional seam `POST /groups/sync` uses: a channel that can list the groups its account is in. */
interface GroupLister {
  listGroups(): Promise<ListedGroup[]>;
}

const canList = (c: Channel): c is Channel & GroupLister =>
  typeof (c as Partial<GroupLister>).listGroups === 'function';

export function groupItem(g: GroupRecord) {
  return {
    id: g.id,
    channel: g.channel,
    chat_id: g.chatId,
    title: g.title ?? null,
    support_enabled: g.supportEnabled,
    marketing_enabled: g.marketingEnabled,
    silent_mode: g.silent,
    first_seen_at: iso(g.firstSeenAt),
    last_message_at: iso(g.lastMessageAt),
  };
}

/**
 * Groups (spec "Groups"): the groups the support workflow registered when they first wrote, with their
 * flags. Flags are read per message by the support guards, so a change applies from the next message.
 */
export class GroupsService {
  constructor(private readonly scope: Scope) {}

  private groups(): Collection<GroupRecord> {
    return this.scope.need(Tokens.Store, 'a storage plugin').collection<GroupRecord>(GROUPS);
  }

  async list(tenant: TenantId, page: number, limit: number) {
    const result = await this.groups().find(tenant, {
      sort: [
        { field: 'lastMessageAt', direction: 'desc' },
        { field: 'id', direction: 'asc' },
      ],
      limit,
      offset: (page - 1) * limit,
    });
    return { items: result.items.map(groupItem), total: result.total, page, limit };
  }

  async patch(tenant: TenantId, id: string, flags: GroupFlags) {
    const change: Partial<GroupRecord> = {};
    if (flags.support_enabled !== undefined) change.supportEnabled = flags.support_enabled;
    if (flags.marketing_enabled !== undefined) change.marketingEnabled = flags.marketing_enabled;
    if (flags.silent_mode !== undefined) change.silent = flags.silent_mode;
    const updated = await this.groups().update(tenant, id, change);
    if (!updated) throw notFound(`group "${id}"`);
    this.scope.logger.info({ tenant, group: id, ...flags }, 'group flags changed from the dashboard');
    return groupItem(updated);
  }

  /** Forgets the group (and who was seen in it); it comes back, support on, if it writes again. */
  async remove(tenant: TenantId, id: string) {
    if (!(await this.groups().delete(tenant, id))) throw notFound(`group "${id}"`);
    await this.scope.need(Tokens.Kv, 'a storage plugin').delete(tenant, membersKey(id));
    return { ok: true as const };
  }

  /**
   * Asks every channel of the workspace that can list its groups (`listGroups()`), adds the new ones
   * (support on, marketing off, as a first message would) and refreshes titles. No bundled channel
   * offers a listing yet: then nothing changes and the answer says so.
   */
  async sync(tenant: TenantId) {
    const groups = this.groups();
    const clock = this.scope.need(Tokens.Clock, 'a clock');
    const channels = this.scope
      .need(Tokens.Channels, 'a channel registry')
      .all()
      .filter((c) => c.tenantId === tenant)
      .filter(canList);
    let added = 0;
    let updated = 0;
    for (const channel of channels) {
      for (const listed of await channel.listGroups()) {
        const id = groupId(channel.name, listed.id);
        const current = await groups.get(tenant, id);
        if (current) {
          if (listed.title && listed.title !== current.title) {
            await groups.update(tenant, id, { title: listed.title });
            updated++;
          }
          continue;
        }
        const now = clock.now();
        await groups.upsert(tenant, {
          id,
          channel: channel.name,
          chatId: listed.id,
          ...(listed.title ? { title: listed.title } : {}),
          supportEnabled: true,
          marketingEnabled: false,
          silent: false,
          firstSeenAt: now,
          lastMessageAt: now,
        });
        added++;
      }
    }
    const { items, total } = await this.list(tenant, 1, 200);
    const sources = channels.map((c) => c.name);
    const note = sources.length
      ? `listed the groups of ${sources.join(', ')}`
      : 'no channel of this workspace can list its groups: groups appear when the bot receives a message from them';
    return { sources, added, updated, note, items, total };
  }
}
