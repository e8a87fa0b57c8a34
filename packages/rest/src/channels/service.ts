import { type Channel, type TenantId, Tokens } from '@smmbot/core';
import { notFound, RestError } from '../http.js';
import type { Scope } from '../scope.js';

/** What a login-based channel (Baileys) offers a dashboard: its status, current QR and pairing code. */
export interface LoginInfoLike {
  status: string;
  qr?: string;
  pairingCode?: string;
  reason?: string;
  code?: number;
}

/** Channel classes of the bundled plugins, by class name: the kind is for display only. */
const KINDS: Record<string, string> = {
  BaileysChannel: 'whatsapp-web',
  CloudApiChannel: 'whatsapp-cloud',
  GreenApiChannel: 'greenapi',
  TelegramChannel: 'telegram',
  WebchatChannel: 'webchat',
};

const loginOf = (c: Channel): LoginInfoLike | undefined => {
  const login = (c as { login?: unknown }).login;
  return login && typeof login === 'object' && typeof (login as LoginInfoLike).status === 'string'
    ? (login as LoginInfoLike)
    : undefined;
};

export function kindOf(c: Channel): string {
  if (c.name.startsWith('ticket:')) return 'panel-tickets';
  return KINDS[c.constructor.name] ?? (loginOf(c) ? 'whatsapp-web' : 'other');
}

export function channelItem(c: Channel) {
  const link = c.link?.();
  return {
    name: c.name,
    kind: kindOf(c),
    link: link ? { state: link.state, reason: link.reason ?? null, code: link.code ?? null } : null,
    login_available: loginOf(c) !== undefined,
    capabilities: {
      groups: c.capabilities.groups,
      typing: c.capabilities.typing,
      formatting: c.capabilities.formatting,
      max_text_length: c.capabilities.maxTextLength,
      anti_ban: c.capabilities.antiBan ?? false,
    },
  };
}

/**
 * The workspace's channels (WhatsApp numbers, Telegram bots, ...): their link state where the channel
 * reports one (Baileys, Green API), and the Baileys login (QR string, pairing code) for "Connect".
 * Webhook/bot channels (Cloud API, Telegram) have no link state: `link` is null.
 */
export class ChannelsService {
  constructor(private readonly scope: Scope) {}

  private mine(tenant: TenantId): Channel[] {
    return this.scope
      .need(Tokens.Channels, 'a channel registry')
      .all()
      .filter((c) => c.tenantId === tenant);
  }

  list(tenant: TenantId) {
    return { items: this.mine(tenant).map(channelItem) };
  }

  login(tenant: TenantId, name: string) {
    const channel = this.mine(tenant).find((c) => c.name === name);
    if (!channel) throw notFound(`channel "${name}"`);
    const login = loginOf(channel);
    if (!login) {
      throw new RestError(
        409,
        'E_UNSUPPORTED',
        `channel "${name}" (${kindOf(channel)}) has no QR or pairing-code login`,
      );
    }
    return {
      name: channel.name,
      kind: kindOf(channel),
      status: login.status,
      qr: login.qr ?? null,
      pairing_code: login.pairingCode ?? null,
      reason: login.reason ?? null,
      code: login.code ?? null,
      link: channelItem(channel).link,
    };
  }
}
