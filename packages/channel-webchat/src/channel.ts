import { randomUUID } from 'node:crypto';
import type {
  Channel,
  ChannelCapabilities,
  Clock,
  InboundMessage,
  OutboundMessage,
  SendReceipt,
  TurnResult,
} from '@smmbot/core';

export interface WebchatMessage {
  id: string;
  chatId: string;
  from: 'bot' | 'user';
  text: string;
  at: number;
}

const KEEP_PER_CHAT = 200;

/**
 * A local chat channel: messages come from the browser page, the JSON endpoint or the terminal;
 * replies are kept per chat (the last 200) so a page can also poll for messages the bot sends on
 * its own (broadcasts, follow-ups).
 */
export class WebchatChannel implements Channel {
  readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: false,
    formatting: 'plain',
    maxTextLength: 8000,
  };
  private readonly history = new Map<string, WebchatMessage[]>();
  private receiveFn?: (message: InboundMessage) => Promise<TurnResult>;

  constructor(
    readonly name: string,
    readonly tenantId: string,
    private readonly clock: Clock,
  ) {}

  /** Wired by the plugin once the engine is composed. */
  connect(receive: (message: InboundMessage) => Promise<TurnResult>): void {
    this.receiveFn = receive;
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const sent: WebchatMessage = {
      id: randomUUID(),
      chatId: message.chatId,
      from: 'bot',
      text: message.text,
      at: this.clock.now(),
    };
    this.remember(sent);
    return { message, platformId: sent.id, sentAt: sent.at };
  }

  /** Sends a customer's text through the engine and returns the turn's result (replies included). */
  async ask(input: {
    chatId: string;
    senderId: string;
    text: string;
    messageId?: string;
    senderName?: string;
    group?: boolean;
  }): Promise<TurnResult> {
    if (!this.receiveFn) throw new Error('webchat channel is not connected to an engine');
    const id = input.messageId ?? randomUUID();
    this.remember({ id, chatId: input.chatId, from: 'user', text: input.text, at: this.clock.now() });
    return this.receiveFn({
      id,
      tenantId: this.tenantId,
      channel: this.name,
      chat: { id: input.chatId, kind: input.group ? 'group' : 'private' },
      sender: { id: input.senderId, displayName: input.senderName },
      text: input.text,
      sentAt: this.clock.now(),
    });
  }

  /** Messages of a chat after a given time (epoch ms), oldest first. */
  messages(chatId: string, after = 0): WebchatMessage[] {
    return (this.history.get(chatId) ?? []).filter((m) => m.at > after);
  }

  private remember(message: WebchatMessage): void {
    const list = this.history.get(message.chatId) ?? [];
    list.push(message);
    if (list.length > KEEP_PER_CHAT) list.splice(0, list.length - KEEP_PER_CHAT);
    this.history.set(message.chatId, list);
  }
}
