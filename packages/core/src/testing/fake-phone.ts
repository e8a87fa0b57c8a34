import type { Channel, ChannelCapabilities, DeliveryEvent, LinkStatus } from '../channel.js';
import type { Clock } from '../clock.js';
import type { OutboundMessage, SendReceipt } from '../message.js';
import { Tokens } from '../tokens.js';
import type { BotPlugin } from '../plugin.js';

export interface FakeSend {
  message: OutboundMessage;
  at: number;
}

/**
 * An anti-ban account (a WhatsApp number) for balancer tests: records every send with its time
 * (and does not dedupe, so duplicates are countable), can fail the next sends, changes its link
 * state on demand, emits delivery events and answers number checks.
 */
export class FakePhone implements Channel {
  readonly sends: FakeSend[] = [];
  readonly typings: { chatId: string; ms: number; at: number }[] = [];
  readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: true,
    formatting: 'whatsapp',
    maxTextLength: 4096,
    antiBan: true,
  };
  /** Numbers (digits) that have an account. */
  readonly registered = new Set<string>();
  private failures: Error[] = [];
  private status: LinkStatus = { state: 'connected' };
  private readonly linkListeners = new Set<(s: LinkStatus) => void>();
  private readonly deliveryListeners = new Set<(e: DeliveryEvent) => void>();
  private seq = 0;
  /** Optional hook run inside send (after failures are applied), e.g. to persist the send. */
  onSend?: (message: OutboundMessage) => void;

  constructor(
    readonly name: string,
    readonly tenantId: string,
    private readonly clock: Clock,
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sends.push({ message, at: this.clock.now() });
    this.onSend?.(message);
    return { message, platformId: `${this.name}-${++this.seq}`, sentAt: this.clock.now() };
  }

  async typing(chatId: string, ms: number): Promise<void> {
    this.typings.push({ chatId, ms, at: this.clock.now() });
  }

  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  link(): LinkStatus {
    return this.status;
  }

  onLink(listener: (s: LinkStatus) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  setLink(status: LinkStatus): void {
    this.status = status;
    for (const l of this.linkListeners) l(status);
  }

  onDelivery(listener: (e: DeliveryEvent) => void): () => void {
    this.deliveryListeners.add(listener);
    return () => this.deliveryListeners.delete(listener);
  }

  emitDelivery(event: DeliveryEvent): void {
    for (const l of this.deliveryListeners) l(event);
  }

  async checkNumber(phone: string): Promise<string | undefined> {
    const digits = phone.replace(/\D/g, '');
    return this.registered.has(digits) ? `${digits}@s.whatsapp.net` : undefined;
  }

  plugin(): BotPlugin {
    return { name: `fake-phone:${this.name}`, register: (c) => c.resolve(Tokens.Channels).add(this) };
  }
}
