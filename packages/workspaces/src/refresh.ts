import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, KeyValueStore, TenantId } from '@smmbot/core';

interface StoredRefresh {
  userId: string;
  digest: string;
  expiresAt: number;
}

export type RotateResult =
  | { kind: 'ok'; tenant: TenantId; userId: string; token: string }
  | { kind: 'invalid' }
  /** A token that was already rotated came back: it was copied. Every session of the user ends. */
  | { kind: 'reused'; tenant: TenantId; userId: string };

/** How long a just-rotated refresh token is still honoured (concurrent refreshes from several tabs). */
export const REUSE_GRACE_MS = 10_000;
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * Refresh tokens: `<tenant>.<id>.<secret>`, opaque to the browser. Only an HMAC of the secret is
 * kept (in the tenant's key-value scope, with the token's TTL), so logout and revocation are a
 * delete, and a leaked store holds no usable token. Each refresh rotates the token; the old one is
 * marked used, and presenting it again (after a 10 s grace for concurrent tabs) revokes all the user's tokens.
 */
export class RefreshTokens {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
    private readonly key: () => Buffer,
    private readonly ttlMs: number,
  ) {}

  async create(tenant: TenantId, userId: string): Promise<string> {
    const id = randomBytes(12).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const record: StoredRefresh = {
      userId,
      digest: this.digest(tenant, id, secret),
      expiresAt: this.clock.now() + this.ttlMs,
    };
    await this.kv.set(tenant, this.recordKey(id), record, this.ttlMs);
    await this.kv.setAdd(tenant, this.userKey(userId), id, this.ttlMs);
    return `${tenant}.${id}.${secret}`;
  }

  /** Trades a valid, unused token for a new one of the same user. */
  async rotate(token: string | undefined): Promise<RotateResult> {
    const found = await this.find(token);
    if (!found) return { kind: 'invalid' };
    const { tenant, id, record } = found;
    const now = this.clock.now();
    const usedKey = `workspaces:rt-used:${id}`;
    if (!(await this.kv.setIfAbsent(tenant, usedKey, now, this.ttlMs))) {
      const usedAt = (await this.kv.get<number>(tenant, usedKey)) ?? 0;
      // Two tabs refreshing with the same cookie at once is not theft: a short grace, then revocation.
      if (now - usedAt > REUSE_GRACE_MS) {
        await this.revokeAll(tenant, record.userId);
        return { kind: 'reused', tenant, userId: record.userId };
      }
    }
    return { kind: 'ok', tenant, userId: record.userId, token: await this.create(tenant, record.userId) };
  }

  /** Logout: this token stops working; returns whose it was. */
  async revoke(token: string | undefined): Promise<{ tenant: TenantId; userId: string } | undefined> {
    const found = await this.find(token);
    if (!found) return undefined;
    await this.kv.delete(found.tenant, this.recordKey(found.id));
    await this.kv.setRemove(found.tenant, this.userKey(found.record.userId), found.id);
    return { tenant: found.tenant, userId: found.record.userId };
  }

  /** Password reset, staff removal, theft: every refresh token of the user stops working. */
  async revokeAll(tenant: TenantId, userId: string): Promise<number> {
    const ids = await this.kv.setMembers(tenant, this.userKey(userId));
    for (const id of ids) {
      await this.kv.delete(tenant, this.recordKey(id));
      await this.kv.setRemove(tenant, this.userKey(userId), id);
    }
    return ids.length;
  }

  private async find(
    token: string | undefined,
  ): Promise<{ tenant: TenantId; id: string; record: StoredRefresh } | undefined> {
    if (!token || token.length > 512) return undefined;
    const [tenant, id, secret, extra] = token.split('.');
    if (!tenant || !id || !secret || extra !== undefined || !TENANT.test(tenant)) return undefined;
    const record = await this.kv.get<StoredRefresh>(tenant, this.recordKey(id));
    if (!record || this.clock.now() >= record.expiresAt) return undefined;
    const want = Buffer.from(record.digest, 'hex');
    const got = Buffer.from(this.digest(tenant, id, secret), 'hex');
    return want.length === got.length && timingSafeEqual(want, got) ? { tenant, id, record } : undefined;
  }

  private recordKey(id: string): string {
    return `workspaces:rt:${id}`;
  }

  private userKey(userId: string): string {
    return `workspaces:rt-user:${userId}`;
  }

  private digest(tenant: TenantId, id: string, secret: string): string {
    return createHmac('sha256', this.key()).update(`refresh\0${tenant}\0${id}\0${secret}`).digest('hex');
  }
}
