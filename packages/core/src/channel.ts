import type { OutboundMessage, SendReceipt } from './message.js';
import type { TenantId } from './storage.js';

/** What a channel can do; reply taps adapt to these instead of checking channel names. */
export interface ChannelCapabilities {
  groups: boolean;
  typing: boolean;
  /** Formatting dialect the channel renders. */
  formatting: 'plain' | 'whatsapp' | 'telegram-html' | 'markdown';
  maxTextLength: number;
  /**
   * A personal account (a WhatsApp number on Baileys or Green API) that platforms ban for bot-like
   * sending: the balancer applies warm-up caps, pacing, typing and working hours to it. Official
   * APIs (Cloud API, Telegram bots) and the web chat leave it unset.
   */
  antiBan?: boolean;
}

/** Connection state of an account-backed channel, for the balancer and the dashboard. */
export type LinkState = 'connected' | 'connecting' | 'disconnected' | 'logged_out' | 'banned';

export interface LinkStatus {
  state: LinkState;
  /** Why, in the platform's words (close reason, error text). */
  reason?: string;
  /** The platform's status code (e.g. WhatsApp close code 401/403/428). */
  code?: number;
}

/** What the platform said later about a message it had accepted (receipts, NACKs). */
export interface DeliveryEvent {
  /** `SendReceipt.platformId` of the message. */
  platformId: string;
  status: 'delivered' | 'read' | 'failed';
  /** The platform's error code for failures, e.g. WhatsApp NACK 463 (new-contact timelock). */
  code?: number;
  /** For a timelock: when the platform will allow new contacts again (epoch ms), if it says. */
  until?: number;
}

/** A channel plugin's runtime part: one instance per connected account (a WhatsApp number, a bot token). */
export interface Channel {
  /** Instance name; `InboundMessage.channel` and `OutboundMessage.channel` refer to it. */
  readonly name: string;
  readonly tenantId: TenantId;
  readonly capabilities: ChannelCapabilities;
  send(message: OutboundMessage): Promise<SendReceipt>;
  /** Shows "typing…" for `ms` where the platform supports it. */
  typing?(chatId: string, ms: number): Promise<void>;
  /** Current connection state; channels without a login (webhooks, bots) may leave it out. */
  link?(): LinkStatus;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onLink?(listener: (status: LinkStatus) => void): () => void;
  /** Later delivery news about sent messages (failures matter to ban detection). */
  onDelivery?(listener: (event: DeliveryEvent) => void): () => void;
  /**
   * Whether a phone number (digits, international form) has an account on this platform; resolves
   * to the chat id to send to, or undefined when it has none.
   */
  checkNumber?(phone: string): Promise<string | undefined>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** The channels an engine knows, by name. */
export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>();

  add(channel: Channel): void {
    if (this.channels.has(channel.name)) throw new Error(`channel "${channel.name}" is registered twice`);
    this.channels.set(channel.name, channel);
  }

  get(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  /** Removes a channel added at runtime (the caller stops it); false when none had that name. */
  remove(name: string): boolean {
    return this.channels.delete(name);
  }

  all(): Channel[] {
    return [...this.channels.values()];
  }
}
