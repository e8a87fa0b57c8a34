import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { KeyValueStore, TenantId } from '@smmbot/core';

/**
 * One-time codes and the verification flow's state, all in the key-value store with TTLs on the
 * engine's clock. Only an HMAC of a code is stored (keyed by a per-code salt and bound to the
 * identity), never the code; nothing here logs.
 */

/** Where an identity is in the flow. */
export interface FlowState {
  stage: 'username' | 'code';
  /** The panel username a code was sent for (lower-cased). */
  username?: string;
  /** When the pending code expires (to tell "expired" from "never asked"). */
  codeExpiresAt?: number;
  /** A code was sent and has since expired or been locked: a 6-digit reply gets "expired". */
  hadCode?: boolean;
}

export interface PendingCode {
  username: string;
  salt: string;
  hash: string;
  expiresAt: number;
  /** Wrong attempts against this code. */
  attempts: number;
}

export interface Lock {
  until: number;
}

export interface IssueWindow {
  count: number;
  since: number;
}

/** How long "I asked for your username" is remembered (groups answer username replies only then). */
export const USERNAME_STAGE_TTL_MS = 30 * 60_000;
/** How long "a code was sent" is remembered, so an old code gets "expired" rather than the welcome. */
export const CODE_STAGE_TTL_MS = 24 * 60 * 60_000;
/** Codes (panel tickets) one identity may request per window: a username typed in a loop cannot spam tickets. */
export const MAX_CODES_PER_WINDOW = 5;
export const ISSUE_WINDOW_MS = 60 * 60_000;

const key = (what: string, identityId: string) => `support:verify:${what}:${identityId}`;

export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

function hmac(salt: string, identityId: string, code: string): Buffer {
  return createHmac('sha256', salt).update(`${identityId}\u0000${code}`).digest();
}

export function sealCode(identityId: string, username: string, code: string, expiresAt: number): PendingCode {
  const salt = randomBytes(16).toString('base64');
  return { username, salt, hash: hmac(salt, identityId, code).toString('base64'), expiresAt, attempts: 0 };
}

/** Constant-time comparison of a typed code with the pending one. */
export function codeMatches(pending: PendingCode, identityId: string, code: string): boolean {
  const typed = hmac(pending.salt, identityId, code);
  const stored = Buffer.from(pending.hash, 'base64');
  return typed.length === stored.length && timingSafeEqual(typed, stored);
}

/** The flow's key-value state for one identity of one tenant. */
export class FlowStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly tenant: TenantId,
    private readonly identityId: string,
  ) {}

  flow(): Promise<FlowState | undefined> {
    return this.kv.get<FlowState>(this.tenant, key('flow', this.identityId));
  }

  setFlow(state: FlowState): Promise<void> {
    const ttl = state.stage === 'code' ? CODE_STAGE_TTL_MS : USERNAME_STAGE_TTL_MS;
    return this.kv.set(this.tenant, key('flow', this.identityId), state, ttl);
  }

  code(): Promise<PendingCode | undefined> {
    return this.kv.get<PendingCode>(this.tenant, key('code', this.identityId));
  }

  /** Stores the code (again) with what is left of its lifetime. */
  async setCode(pending: PendingCode, now: number): Promise<void> {
    const ttl = pending.expiresAt - now;
    if (ttl > 0) await this.kv.set(this.tenant, key('code', this.identityId), pending, ttl);
    else await this.kv.delete(this.tenant, key('code', this.identityId));
  }

  lock(): Promise<Lock | undefined> {
    return this.kv.get<Lock>(this.tenant, key('lock', this.identityId));
  }

  async setLock(until: number, now: number): Promise<void> {
    if (until > now) await this.kv.set(this.tenant, key('lock', this.identityId), { until }, until - now);
  }

  issued(): Promise<IssueWindow | undefined> {
    return this.kv.get<IssueWindow>(this.tenant, key('issued', this.identityId));
  }

  async countIssued(now: number): Promise<void> {
    const window = (await this.issued()) ?? { count: 0, since: now };
    const next = { count: window.count + 1, since: window.since };
    await this.kv.set(
      this.tenant,
      key('issued', this.identityId),
      next,
      Math.max(1, window.since + ISSUE_WINDOW_MS - now),
    );
  }

  /** Forgets the pending code and the flow stage (after success, a lock, or when unlinking). */
  async reset(options: { keepLock?: boolean } = {}): Promise<void> {
    const what = options.keepLock ? ['flow', 'code'] : ['flow', 'code', 'lock', 'issued'];
    await Promise.all(what.map((w) => this.kv.delete(this.tenant, key(w, this.identityId))));
  }
}
