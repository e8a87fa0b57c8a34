import type { ChannelRegistry } from './channel.js';
import type { Clock } from './clock.js';
import { ChannelError } from './errors.js';
import type { OutboundMessage, SendReceipt } from './message.js';

/**
 * Delivery is a service, not a hook: every reply and broadcast goes through the one Outbox
 * registered under `Tokens.Outbox`. The balancer package replaces this default with the
 * anti-ban phone balancer and the durable send queue.
 */
export interface Outbox {
  /**
   * Delivers the message, or (a durable outbox) stores it and resolves with `status: 'queued'`;
   * delivery then follows even across restarts. Rejects when it cannot take the message at all.
   */
  send(message: OutboundMessage): Promise<SendReceipt>;
  /**
   * Shutdown: take nothing new and finish the platform calls in flight. A durable outbox keeps
   * what is still queued for the next start; the direct one has nothing left by then.
   */
  drain(): Promise<void>;
}

/** Sends straight to the named channel: the default when no balancer is configured. */
export class DirectOutbox implements Outbox {
  constructor(
    private readonly channels: ChannelRegistry,
    private readonly clock: Clock,
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const channel = this.channels.get(message.channel);
    if (!channel) throw new ChannelError(`no channel named "${message.channel}" is registered`);
    if (channel.tenantId !== message.tenantId) {
      throw new ChannelError(`channel "${message.channel}" belongs to another tenant`, {
        details: { channelTenant: channel.tenantId, messageTenant: message.tenantId },
      });
    }
    const receipt = await channel.send(message);
    return { ...receipt, sentAt: receipt.sentAt ?? this.clock.now() };
  }

  async drain(): Promise<void> {}
}
