import type { Channel, ChannelCapabilities } from '../channel.js';
import type { Clock } from '../clock.js';
import type { InboundMessage, OutboundMessage, SendReceipt } from '../message.js';
import type { PanelCapability, PanelClient, PanelOrder } from '../panel/index.js';
import type { BotPlugin } from '../plugin.js';
import { Tokens } from '../tokens.js';

/** A channel that records what it was asked to send; `failNext` makes sends throw. */
export class FakeChannel implements Channel {
  readonly sent: OutboundMessage[] = [];
  readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: false,
    formatting: 'plain',
    maxTextLength: 4096,
  };
  private failures: Error[] = [];
  private seq = 0;

  constructor(
    readonly name = 'fake',
    readonly tenantId = 'default',
    private readonly clock?: Clock,
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(message);
    return { message, platformId: `fake-${++this.seq}`, sentAt: this.clock?.now() ?? 0 };
  }

  failNext(error: Error = new Error('send failed')): void {
    this.failures.push(error);
  }

  /** A normalized inbound message from this channel. */
  message(text: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
    const n = ++this.seq;
    return {
      id: `in-${n}`,
      tenantId: this.tenantId,
      channel: this.name,
      chat: { id: 'chat-1', kind: 'private' },
      sender: { id: 'user-1' },
      text,
      sentAt: this.clock?.now() ?? 0,
      ...overrides,
    };
  }

  /** A plugin that registers this channel with the engine. */
  plugin(): BotPlugin {
    return {
      name: `fake-channel:${this.name}`,
      register: (container) => container.resolve(Tokens.Channels).add(this),
    };
  }
}

/** An in-process panel with seeded orders; counts calls so tests can assert batching. */
export class FakePanel implements PanelClient {
  readonly name = 'fake-panel';
  readonly capabilities: ReadonlySet<PanelCapability> = new Set<PanelCapability>(['orders.get']);
  readonly orders = new Map<string, PanelOrder>();
  calls = 0;
  failWith?: Error;

  constructor(orders: PanelOrder[] = []) {
    for (const o of orders) this.orders.set(o.id, o);
  }

  async getOrders(ids: string[]): Promise<PanelOrder[]> {
    this.calls++;
    if (this.failWith) throw this.failWith;
    return ids.flatMap((id) => {
      const o = this.orders.get(id);
      return o ? [o] : [];
    });
  }

  plugin(): BotPlugin {
    return { name: 'fake-panel', register: (c) => c.register(Tokens.Panel, { useValue: this }) };
  }
}
