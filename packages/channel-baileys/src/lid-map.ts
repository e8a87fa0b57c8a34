import type { KeyValueStore, SecretBox } from '@smmbot/core';
import { isLidJid, isPnJid, normalizeJid } from './jid.js';

/**
 * LID ↔ phone-number map of one channel, learned from `lid-mapping.update`, `remoteJidAlt` and
 * `participantAlt`, kept in memory and persisted (sealed) in the tenant's KeyValueStore, so a sender
 * seen once under both forms keeps both after a restart. LID → PN is only ever known from data seen.
 */
export class LidMap {
  private readonly lidToPn = new Map<string, string>();
  private readonly pnToLid = new Map<string, string>();
  private persisting: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly tenant: string,
    private readonly key: string,
    private readonly secrets?: SecretBox,
    private readonly maxEntries = 100_000,
  ) {}

  async load(): Promise<void> {
    const stored = await this.kv.get<string | Record<string, string>>(this.tenant, this.key);
    if (stored === undefined) return;
    const pairs: Record<string, string> =
      typeof stored === 'string' ? JSON.parse(this.secrets ? this.secrets.open(stored) : stored) : stored;
    for (const [lid, pn] of Object.entries(pairs)) this.put(lid, pn);
  }

  get size(): number {
    return this.lidToPn.size;
  }

  pnFor(lid: string): string | undefined {
    return this.lidToPn.get(normalizeJid(lid));
  }

  lidFor(pn: string): string | undefined {
    return this.pnToLid.get(normalizeJid(pn));
  }

  /** Records a pair (in either order); true when it was new. Persists in the background. */
  learn(a: string | undefined | null, b: string | undefined | null): boolean {
    if (!a || !b) return false;
    const x = normalizeJid(a);
    const y = normalizeJid(b);
    const lid = isLidJid(x) ? x : isLidJid(y) ? y : undefined;
    const pn = isPnJid(x) ? x : isPnJid(y) ? y : undefined;
    if (!lid || !pn || this.lidToPn.get(lid) === pn) return false;
    this.put(lid, pn);
    this.schedulePersist();
    return true;
  }

  /** Waits for pending writes. */
  async flush(): Promise<void> {
    await this.persisting;
  }

  private put(lid: string, pn: string): void {
    const old = this.lidToPn.get(lid);
    if (old) this.pnToLid.delete(old);
    this.lidToPn.delete(lid);
    this.lidToPn.set(lid, pn);
    this.pnToLid.set(pn, lid);
    while (this.lidToPn.size > this.maxEntries) {
      const [oldest, oldPn] = this.lidToPn.entries().next().value as [string, string];
      this.lidToPn.delete(oldest);
      if (this.pnToLid.get(oldPn) === oldest) this.pnToLid.delete(oldPn);
    }
  }

  private schedulePersist(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.persisting = this.persisting.then(
      () =>
        new Promise<void>((resolve, reject) => {
          setImmediate(() => {
            this.dirty = false;
            const json = JSON.stringify(Object.fromEntries(this.lidToPn));
            this.kv.set(this.tenant, this.key, this.secrets ? this.secrets.seal(json) : json).then(resolve, reject);
          });
        }),
    );
    this.persisting = this.persisting.catch(() => undefined);
  }
}
