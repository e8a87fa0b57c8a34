import { type Clock, type Collection, ConfigError, type KeyValueStore, type TenantId } from '@smmbot/core';
import type { MarketingMessageRecord } from '../records.js';

/** Longest promotional message accepted (the same cap as reply templates). */
export const MAX_MARKETING_TEXT = 4096;
const POINTER_KEY = 'marketing:rotation';

/** The rotation pointer in the tenant's key-value store: the message last handed out, and for which slot. */
interface Pointer {
  lastId: string;
  /** Its position then, so the rotation goes on after it even when it is removed meanwhile. */
  lastPosition: number;
  /** The slot (schedule time) it was picked for: asking again for the same slot gives the same message. */
  slot?: number;
}

export type MarketingPatch = Partial<Pick<MarketingMessageRecord, 'text' | 'enabled'>>;

/**
 * A tenant's promotional messages (collection `marketing_messages`) and their rotation: `nextMessage`
 * hands out the enabled messages in order, wrapping around. The pointer lives in the tenant's
 * key-value store, so the rotation goes on where it was after a restart.
 */
export class MarketingService {
  /** Per tenant, so two picks in one process (the schedule and `!marketing now`) never hand out the same turn. */
  private readonly tails = new Map<TenantId, Promise<unknown>>();

  constructor(
    private readonly messages: Collection<MarketingMessageRecord>,
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  /** Every message, in rotation order. */
  async list(tenant: TenantId): Promise<MarketingMessageRecord[]> {
    const { items } = await this.messages.find(tenant, {
      sort: [{ field: 'position' }, { field: 'id' }],
    });
    return items;
  }

  get(tenant: TenantId, id: string): Promise<MarketingMessageRecord | undefined> {
    return this.messages.get(tenant, id);
  }

  /** Adds a message at the end of the rotation (enabled unless said otherwise). */
  async add(tenant: TenantId, text: string, options: { enabled?: boolean } = {}): Promise<MarketingMessageRecord> {
    const body = checkText(text);
    const all = await this.list(tenant);
    const now = this.clock.now();
    return this.messages.insert(tenant, {
      text: body,
      enabled: options.enabled ?? true,
      position: (all.at(-1)?.position ?? 0) + 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Changes a message's text or enabled flag; undefined when there is no such message. */
  async update(tenant: TenantId, id: string, patch: MarketingPatch): Promise<MarketingMessageRecord | undefined> {
    const change: Partial<MarketingMessageRecord> = { updatedAt: this.clock.now() };
    if (patch.text !== undefined) change.text = checkText(patch.text);
    if (patch.enabled !== undefined) change.enabled = patch.enabled;
    return this.messages.update(tenant, id, change);
  }

  /** Removes a message; the rotation goes on with the one after it. */
  remove(tenant: TenantId, id: string): Promise<boolean> {
    return this.messages.delete(tenant, id);
  }

  /** Sets the rotation order: `ids` must name every message of the tenant exactly once. */
  async reorder(tenant: TenantId, ids: readonly string[]): Promise<MarketingMessageRecord[]> {
    const all = await this.list(tenant);
    const known = new Set(all.map((m) => m.id));
    if (ids.length !== known.size || new Set(ids).size !== ids.length || ids.some((id) => !known.has(id))) {
      const line = `reorder needs each of the ${known.size} marketing message ids exactly once`;
      throw new ConfigError(line, { issues: [line] });
    }
    const now = this.clock.now();
    for (const [i, id] of ids.entries()) await this.messages.update(tenant, id, { position: i + 1, updatedAt: now });
    return this.list(tenant);
  }

  /**
   * The next enabled message after the last one handed out (the first after the last, wrapping
   * around), or undefined when none is enabled. With a `slot`, asking again for the slot the last
   * message was picked for gives that message again and does not move the rotation: a re-run of a
   * scheduled broadcast sends the same text.
   */
  nextMessage(tenant: TenantId, slot?: number): Promise<MarketingMessageRecord | undefined> {
    const run = (this.tails.get(tenant) ?? Promise.resolve()).then(() => this.pick(tenant, slot));
    const tail = run.catch(() => undefined);
    this.tails.set(tenant, tail);
    void tail.then(() => this.tails.get(tenant) === tail && this.tails.delete(tenant));
    return run;
  }

  private async pick(tenant: TenantId, slot: number | undefined): Promise<MarketingMessageRecord | undefined> {
    const all = await this.list(tenant);
    const enabled = all.filter((m) => m.enabled);
    if (enabled.length === 0) return undefined;
    const pointer = await this.kv.get<Pointer>(tenant, POINTER_KEY);
    if (pointer && slot !== undefined && pointer.slot === slot) {
      const same = enabled.find((m) => m.id === pointer.lastId);
      if (same) return same;
    }
    let next = enabled[0]!;
    if (pointer) {
      // Where the last one stands now (it may have been moved), else where it stood when handed out.
      const last = all.find((m) => m.id === pointer.lastId);
      const at = { position: last?.position ?? pointer.lastPosition, id: pointer.lastId };
      next = enabled.find((m) => after(m, at, last === undefined)) ?? enabled[0]!;
    }
    await this.kv.set(tenant, POINTER_KEY, {
      lastId: next.id,
      lastPosition: next.position,
      ...(slot !== undefined ? { slot } : {}),
    } satisfies Pointer);
    return next;
  }
}

/** Whether `m` comes after `at` in rotation order (position, then id). A removed `at` is passed by its equals. */
function after(m: MarketingMessageRecord, at: { position: number; id: string }, removed: boolean): boolean {
  if (m.position !== at.position) return m.position > at.position;
  return removed || m.id > at.id;
}

function checkText(text: string): string {
  const body = text.trim();
  const problem = !body
    ? 'a marketing message needs some text'
    : body.length > MAX_MARKETING_TEXT
      ? `a marketing message may have at most ${MAX_MARKETING_TEXT} characters; found ${body.length}`
      : undefined;
  if (problem) throw new ConfigError(problem, { issues: [problem] });
  return body;
}
