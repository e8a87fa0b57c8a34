import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { type Clock, type KeyValueStore, SYSTEM_TENANT, type TenantId } from '@smmbot/core';

export type OtpPurpose = 'signup' | 'reset' | 'staff';

export interface OtpPolicy {
  /** How long a code is valid. */
  ttlMs: number;
  /** Wrong guesses a code survives; after that it is dead even for the right code. */
  maxAttempts: number;
  /** The least time between two codes to one phone for one purpose. */
  resendMs: number;
  /** Codes one phone can receive per UTC day, all purposes together. */
  dailyCap: number;
}

export type IssueResult =
  | { ok: true; code: string; expiresAt: number }
  | { ok: false; reason: 'throttled' | 'daily_cap'; retryAfterMs: number };

/** `ok`; `invalid` (wrong, or no code); `expired`; `locked` (too many wrong guesses: ask for a new code). */
export type CheckResult = 'ok' | 'invalid' | 'expired' | 'locked';

interface StoredCode {
  digest: string;
  expiresAt: number;
  /** Names this code's attempt counter, so a new code starts from zero without a reset race. */
  nonce: string;
}

const DAY = 86_400_000;

/**
 * One-time codes: 6 digits, stored only as an HMAC bound to scope, purpose and phone (a leaked store
 * cannot be brute-forced without the key), with expiry, an atomic attempt counter, a resend throttle
 * and a per-phone daily cap. `scope` is the tenant for staff codes and `SYSTEM_TENANT` otherwise.
 */
export class Otps {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
    private readonly key: () => Buffer,
    private readonly policy: OtpPolicy,
  ) {}

  get ttlMs(): number {
    return this.policy.ttlMs;
  }

  async issue(scope: TenantId, purpose: OtpPurpose, phone: string): Promise<IssueResult> {
    const now = this.clock.now();
    const resendKey = `workspaces:otp-resend:${purpose}:${phone}`;
    if (!(await this.kv.setIfAbsent(scope, resendKey, now, this.policy.resendMs))) {
      const last = (await this.kv.get<number>(scope, resendKey)) ?? now;
      return { ok: false, reason: 'throttled', retryAfterMs: Math.max(1_000, last + this.policy.resendMs - now) };
    }
    const day = Math.floor(now / DAY);
    const sent = await this.kv.increment(SYSTEM_TENANT, `workspaces:otp-day:${phone}:${day}`, 1, DAY + 3_600_000);
    if (sent > this.policy.dailyCap) {
      return { ok: false, reason: 'daily_cap', retryAfterMs: (day + 1) * DAY - now };
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = now + this.policy.ttlMs;
    const stored: StoredCode = {
      digest: this.digest(scope, purpose, phone, code),
      expiresAt,
      nonce: randomBytes(6).toString('hex'),
    };
    // Kept an hour past expiry so a late attempt is told "expired" rather than "wrong".
    await this.kv.set(scope, this.codeKey(purpose, phone), stored, this.policy.ttlMs + 3_600_000);
    return { ok: true, code, expiresAt };
  }

  /** Checks (and on success consumes) a code; every attempt counts, right or wrong. */
  async check(scope: TenantId, purpose: OtpPurpose, phone: string, code: string): Promise<CheckResult> {
    const key = this.codeKey(purpose, phone);
    const stored = await this.kv.get<StoredCode>(scope, key);
    if (!stored) return 'invalid';
    if (this.clock.now() >= stored.expiresAt) return 'expired';
    const tries = await this.kv.increment(
      scope,
      `workspaces:otp-tries:${purpose}:${phone}:${stored.nonce}`,
      1,
      this.policy.ttlMs + 3_600_000,
    );
    if (tries > this.policy.maxAttempts) return 'locked';
    const want = Buffer.from(stored.digest, 'hex');
    const got = Buffer.from(this.digest(scope, purpose, phone, code), 'hex');
    if (!timingSafeEqual(want, got)) return tries >= this.policy.maxAttempts ? 'locked' : 'invalid';
    // Only the caller whose delete succeeds may use it: two concurrent right answers make one signup.
    return (await this.kv.delete(scope, key)) ? 'ok' : 'invalid';
  }

  private codeKey(purpose: OtpPurpose, phone: string): string {
    return `workspaces:otp:${purpose}:${phone}`;
  }

  private digest(scope: TenantId, purpose: OtpPurpose, phone: string, code: string): string {
    return createHmac('sha256', this.key()).update(`otp\0${scope}\0${purpose}\0${phone}\0${code}`).digest('hex');
  }
}
