import type { Channel, ChannelRegistry, Clock, TenantId } from '@smmbot/core';

/** E.164 allows at most 15 digits; fewer than 8 is no international mobile number. */
export const MIN_DIGITS = 8;
export const MAX_DIGITS = 15;

/** `+7 (900) 123-45-67` → `79001234567`; undefined when it is not a phone number. */
export function normalizeNumber(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  return digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS ? digits : undefined;
}

/** How channel-baileys addresses a private chat by phone number (`phoneToJid` there). */
export const whatsappChatId = (digits: string): string => `${digits}@s.whatsapp.net`;

/** A channel with a login counts only while connected; webhook channels (no `link`) always do. */
export function isConnected(channel: Channel): boolean {
  return channel.link === undefined || channel.link().state === 'connected';
}

/** The tenant's channels, anti-ban (personal WhatsApp) numbers first: those are the API's senders. */
export function tenantChannels(registry: ChannelRegistry, tenant: TenantId): Channel[] {
  const own = registry.all().filter((c) => c.tenantId === tenant);
  return [...own.filter((c) => c.capabilities.antiBan), ...own.filter((c) => !c.capabilities.antiBan)];
}

/**
 * The channel to ask whether a number is on WhatsApp: connected, able to check, the requested one if
 * it qualifies, else anti-ban numbers before the others.
 */
export function pickChecker(channels: Channel[], preferred?: string): Channel | undefined {
  const able = channels.filter((c) => c.checkNumber !== undefined && isConnected(c));
  return able.find((c) => c.name === preferred) ?? able[0];
}

export type NumberCheck =
  | { kind: 'registered'; chatId: string; checkedBy: string }
  | { kind: 'not_registered'; checkedBy: string }
  | { kind: 'unchecked' }
  | { kind: 'failed'; checkedBy: string; error: string };

/** Asks the channel, within `timeoutMs` of the clock: a hung check must not hang the API request. */
export async function checkNumber(
  checker: Channel | undefined,
  digits: string,
  clock: Clock,
  timeoutMs: number,
): Promise<NumberCheck> {
  if (!checker?.checkNumber) return { kind: 'unchecked' };
  const checkedBy = checker.name;
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(new Error(`number check timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const chatId = await Promise.race([checker.checkNumber(digits), timeout]);
    return chatId ? { kind: 'registered', chatId, checkedBy } : { kind: 'not_registered', checkedBy };
  } catch (err) {
    return { kind: 'failed', checkedBy, error: err instanceof Error ? err.message : String(err) };
  } finally {
    if (timer) clock.clearTimeout(timer);
  }
}
