/** JID helpers (no Baileys import, so they work on plain strings from any version). */

export const isGroupJid = (jid: string): boolean => jid.endsWith('@g.us');
export const isLidJid = (jid: string): boolean => jid.endsWith('@lid');
export const isPnJid = (jid: string): boolean => jid.endsWith('@s.whatsapp.net');
/** `status@broadcast`, broadcast lists and channels (newsletters): never a support conversation. */
export const isBroadcastJid = (jid: string): boolean => jid.endsWith('@broadcast') || jid.endsWith('@newsletter');

/** Drops the device suffix: `123:45@s.whatsapp.net` → `123@s.whatsapp.net` (what `jidNormalizedUser` does). */
export function normalizeJid(jid: string): string {
  const at = jid.indexOf('@');
  if (at < 0) return jid;
  const user = jid.slice(0, at).split(':')[0] ?? '';
  const server = jid.slice(at + 1);
  return `${user}@${server === 'c.us' ? 's.whatsapp.net' : server}`;
}

/** `+7 (900) 123-45-67` or `79001234567@s.whatsapp.net` → `79001234567@s.whatsapp.net`. */
export function phoneToJid(phone: string): string {
  if (phone.includes('@')) return normalizeJid(phone);
  return `${phone.replace(/\D/g, '')}@s.whatsapp.net`;
}
