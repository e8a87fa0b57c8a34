import type { OutboundMessage, SendReceipt } from './message.js';
import type { TenantId } from './storage.js';

/** What a channel can do; reply taps adapt to these instead of checking channel names. */
export interface ChannelCapabilities {
  groups: boolean;
  typing: boolean;
  /** Formatting dialect the channel renders. */
  formatting: 'plain' | 'whatsapp' | 'telegram-html' | 'markdown';
  maxTextLength: number;
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

  all(): Channel[] {
    return [...this.channels.values()];
  }
}
