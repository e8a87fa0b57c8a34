import { ChannelError, type Clock, formatIssues } from '@smmbot/core';
import { greenCheckWhatsappSchema } from './payload.js';
import type { GreenRest } from './rest.js';

/** At most this many answers are cached; the oldest go first. */
const CACHE_MAX = 10_000;

/** `checkWhatsapp` (POST `{ phoneNumber: <digits as a number> }` → `{ existsWhatsapp }`), cached per number. */
export class NumberCheck {
  private readonly cache = new Map<string, { at: number; exists: boolean }>();

  constructor(
    private readonly rest: GreenRest,
    private readonly clock: Clock,
    private readonly cacheMs: number,
    private readonly channel: string,
  ) {}

  /** `<digits>@c.us` when the number has WhatsApp, undefined when not (both answers are cached). */
  async check(phone: string): Promise<string | undefined> {
    const digits = (phone.includes('@') ? phone.slice(0, phone.indexOf('@')) : phone).replace(/\D/g, '');
    if (!digits) return undefined;
    const chatId = `${digits}@c.us`;
    const now = this.clock.now();
    const hit = this.cache.get(digits);
    if (hit && now - hit.at < this.cacheMs) return hit.exists ? chatId : undefined;
    const phoneNumber = Number(digits);
    if (!Number.isSafeInteger(phoneNumber)) {
      throw new ChannelError('green api checkWhatsapp: the number is too long', {
        retryable: false,
        details: { channel: this.channel, kind: 'rejected' },
      });
    }
    const answer = greenCheckWhatsappSchema.safeParse(
      await this.rest.call('checkWhatsapp', 'checkWhatsapp', { phoneNumber }),
    );
    if (!answer.success) {
      throw new ChannelError('green api checkWhatsapp answered without existsWhatsapp', {
        retryable: true,
        details: { channel: this.channel, kind: 'unavailable', issues: formatIssues(answer.error, 'body') },
      });
    }
    this.cache.delete(digits);
    this.cache.set(digits, { at: now, exists: answer.data.existsWhatsapp });
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    return answer.data.existsWhatsapp ? chatId : undefined;
  }
}
