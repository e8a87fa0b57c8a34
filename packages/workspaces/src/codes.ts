import type { HttpRequest, TenantId } from '@smmbot/core';
import type { Delivery } from './delivery.js';
import { HttpFail, tooMany } from './http-util.js';
import type { RateLimiter } from './limits.js';
import type { CheckResult, OtpPurpose, Otps } from './otp.js';

const HOUR = 3_600_000;

export interface CodeSent {
  /** `whatsapp`, or `log` when the host printed it (no system channel connected). */
  delivery: 'whatsapp' | 'log';
  /** Seconds until the code expires. */
  expiresIn: number;
  /** Seconds until another code may be asked for. */
  resendIn: number;
}

/** Issuing and checking one-time codes, with the per-address limit and the HTTP answers. */
export class Codes {
  constructor(
    private readonly otps: Otps,
    private readonly delivery: Delivery,
    private readonly limiter: RateLimiter,
    private readonly policy: { resendMs: number; perIpHourly: number },
  ) {}

  get ttlMinutes(): number {
    return Math.round(this.otps.ttlMs / 60_000);
  }

  /** Issues a code (throttles apply) without sending it; the caller decides what to do with it. */
  async issue(request: HttpRequest, scope: TenantId, purpose: OtpPurpose, phone: string): Promise<string> {
    const ip = await this.limiter.hit(`otp-ip:${request.ip ?? 'unknown'}`, {
      limit: this.policy.perIpHourly,
      windowMs: HOUR,
    });
    if (!ip.ok) throw tooMany('too many codes were asked for from this address; try again later', ip.retryAfterMs);
    const issued = await this.otps.issue(scope, purpose, phone);
    if (!issued.ok) {
      throw issued.reason === 'throttled'
        ? tooMany('a code was just sent to this number; wait before asking for another', issued.retryAfterMs)
        : tooMany('this number has received too many codes today; try again tomorrow', issued.retryAfterMs);
    }
    return issued.code;
  }

  /** Issues and delivers a code. */
  async send(
    request: HttpRequest,
    scope: TenantId,
    purpose: OtpPurpose,
    phone: string,
    text: (code: string) => string,
    tenant?: TenantId,
  ): Promise<CodeSent> {
    const code = await this.issue(request, scope, purpose, phone);
    return this.sent(await this.deliver(phone, code, text(code), purpose, tenant));
  }

  /** Delivers an issued code: over WhatsApp, or printed in the log when nothing can send it. */
  deliver(
    phone: string,
    code: string,
    text: string,
    purpose: OtpPurpose,
    tenant?: TenantId,
  ): Promise<'whatsapp' | 'log'> {
    return this.delivery.sendCode(phone, code, text, { tenant, purpose, ttlMs: this.otps.ttlMs });
  }

  sent(delivery: 'whatsapp' | 'log'): CodeSent {
    return {
      delivery,
      expiresIn: Math.round(this.otps.ttlMs / 1000),
      resendIn: Math.round(this.policy.resendMs / 1000),
    };
  }

  /** Checks a code; anything but a match is a 400 (or 429 once the code is locked). */
  async check(scope: TenantId, purpose: OtpPurpose, phone: string, code: string): Promise<void> {
    fail(await this.otps.check(scope, purpose, phone, code));
  }
}

function fail(result: CheckResult): void {
  if (result === 'ok') return;
  if (result === 'expired') throw new HttpFail(400, 'E_OTP_EXPIRED', 'the code has expired; ask for a new one');
  if (result === 'locked') {
    throw new HttpFail(429, 'E_OTP_LOCKED', 'too many wrong codes; ask for a new one');
  }
  throw new HttpFail(400, 'E_OTP_INVALID', 'the code is not right');
}
