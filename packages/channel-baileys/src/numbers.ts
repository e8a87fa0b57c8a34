import type { Clock } from '@smmbot/core';
import { normalizeJid, phoneToJid } from './jid.js';

/** What Baileys' `onWhatsApp(...jids)` answers: only the numbers that exist (7.x: `{ jid, exists }`). */
export type OnWhatsAppAnswer = { jid: string; exists: boolean | unknown }[] | undefined;

/** `onWhatsApp` answers per number, cached for `cacheMs` (including "not on WhatsApp"). */
export class NumberLookup {
  private readonly cache = new Map<string, { at: number; jid?: string }>();

  constructor(
    private readonly cacheMs: number,
    private readonly clock: Clock,
  ) {}

  /** Phone → JID to send to (undefined: no account); `ask` is called only for numbers not cached. */
  async lookup(
    phones: string[],
    ask: (jids: string[]) => Promise<OnWhatsAppAnswer>,
  ): Promise<Map<string, string | undefined>> {
    const now = this.clock.now();
    const result = new Map<string, string | undefined>();
    const missing: string[] = [];
    for (const phone of phones) {
      const hit = this.cache.get(phoneToJid(phone));
      if (hit && now - hit.at < this.cacheMs) result.set(phone, hit.jid);
      else missing.push(phone);
    }
    if (missing.length === 0) return result;
    const found = (await ask(missing.map(phoneToJid))) ?? [];
    const existing = new Map(found.filter((r) => r.exists).map((r) => [normalizeJid(r.jid), r.jid]));
    for (const phone of missing) {
      const jid = phoneToJid(phone);
      const hit = existing.get(jid);
      this.cache.set(jid, { at: now, ...(hit ? { jid: hit } : {}) });
      result.set(phone, hit);
    }
    return result;
  }
}
