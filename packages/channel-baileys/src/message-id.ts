import { createHash } from 'node:crypto';

/**
 * The WhatsApp message id sent for `OutboundMessage.id`. Baileys 7 makes its own ids with
 * `generateMessageIDV2`: `3EB0` + the first 18 hex digits (upper case) of a SHA-256 over time, our
 * user and random bytes. This is the same shape, hashed from our idempotency key alone, so the same
 * `message.id` always gives the same WhatsApp id and a resend after a crash is the same message.
 */
export function waMessageId(id: string): string {
  const hash = createHash('sha256').update(id, 'utf8').digest('hex').toUpperCase();
  return `3EB0${hash.slice(0, 18)}`;
}
