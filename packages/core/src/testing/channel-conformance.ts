import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../channel.js';
import { ChannelError } from '../errors.js';
import type { InboundMessage, OutboundMessage } from '../message.js';

export type ChannelFailureKind = 'rate_limited' | 'unauthorized' | 'unavailable';

/** What a channel's test hands the suite: the channel, platform events to feed it, and fault control. */
export interface ChannelFixture {
  channel: Channel;
  /** Feeds one platform event (webhook body, update, socket event) and returns what the channel handed to `receive()`. */
  deliver(raw: unknown): Promise<InboundMessage[]>;
  events: {
    /** A text message in a private chat, from `expect.senderId` in `expect.privateChatId`, text `expect.text`. */
    privateText: unknown;
    /** A text message in the group `expect.groupChatId` from `expect.senderId`. */
    groupText: unknown;
    /** A message the bot itself sent (echo, own number). */
    ownMessage: unknown;
    /** A service/system event: joins, status receipts, pins, ... */
    system: unknown;
    /**
     * An edit of `privateText`. The channel either ignores it (returns nothing) or hands over a message
     * with the original message's id, so the engine's dedupe keeps it from being answered twice.
     */
    edit?: unknown;
  };
  expect: { privateChatId: string; groupChatId: string; senderId: string; text: string };
  /** What the platform received from `send`, oldest first. */
  sent(): { chatId: string; text: string }[];
  /** Makes the platform fail the next send. `rate_limited` should carry a retry-after when the platform gives one. */
  failNextSend(kind: ChannelFailureKind): void;
  cleanup?(): Promise<void>;
}

const outbound = (channel: Channel, chatId: string, text: string): OutboundMessage => ({
  tenantId: channel.tenantId,
  channel: channel.name,
  chatId,
  text,
  priority: 'support',
});

/**
 * The behaviour every channel must have, as a vitest suite. Call it from the channel's test file:
 * `channelConformance('telegram', async () => ({ channel, deliver, events, expect, sent, failNextSend }))`.
 */
export function channelConformance(label: string, factory: () => Promise<ChannelFixture>): void {
  describe(`channel conformance: ${label}`, () => {
    let f: ChannelFixture;
    beforeEach(async () => {
      f = await factory();
    });
    afterEach(async () => {
      await f?.cleanup?.();
    });

    it('normalizes a private text message', async () => {
      const messages = await f.deliver(f.events.privateText);
      expect(messages).toHaveLength(1);
      const m = messages[0]!;
      expect(m.channel).toBe(f.channel.name);
      expect(m.tenantId).toBe(f.channel.tenantId);
      expect(m.chat.kind).toBe('private');
      expect(m.chat.id).toBe(f.expect.privateChatId);
      expect(m.sender.id).toBe(f.expect.senderId);
      expect(m.text).toBe(f.expect.text);
      expect(typeof m.id).toBe('string');
      expect(m.id.length).toBeGreaterThan(0);
      expect(Number.isFinite(m.sentAt)).toBe(true);
    });

    it('normalizes a group text message', async () => {
      const messages = await f.deliver(f.events.groupText);
      expect(messages).toHaveLength(1);
      const m = messages[0]!;
      expect(m.chat.kind).toBe('group');
      expect(m.chat.id).toBe(f.expect.groupChatId);
      expect(m.sender.id).toBe(f.expect.senderId);
      expect(m.channel).toBe(f.channel.name);
      expect(m.tenantId).toBe(f.channel.tenantId);
    });

    it("ignores the bot's own messages", async () => {
      expect(await f.deliver(f.events.ownMessage)).toEqual([]);
    });

    it('ignores system events', async () => {
      expect(await f.deliver(f.events.system)).toEqual([]);
    });

    it('does not let an edit be answered twice', async (ctx) => {
      if (f.events.edit === undefined) return ctx.skip();
      const [original] = await f.deliver(f.events.privateText);
      expect(original).toBeDefined();
      const edited = await f.deliver(f.events.edit);
      // Either ignored, or one message the engine's dedupe drops (same id as the original).
      expect(edited.length).toBeLessThanOrEqual(1);
      if (edited.length === 1) expect(edited[0]!.id).toBe(original!.id);
    });

    it('gives the same id to the same event delivered twice', async () => {
      const first = await f.deliver(f.events.privateText);
      const again = await f.deliver(f.events.privateText);
      expect(first).toHaveLength(1);
      expect(again.map((m) => m.id)).toEqual(first.map((m) => m.id));
      const group = await f.deliver(f.events.groupText);
      expect(group[0]!.id).not.toBe(first[0]!.id);
    });

    it('sends text to the platform and returns a receipt', async () => {
      const message = outbound(f.channel, f.expect.privateChatId, 'Order 1001 is completed.');
      const receipt = await f.channel.send(message);
      expect(receipt.message).toBe(message);
      expect(Number.isFinite(receipt.sentAt)).toBe(true);
      const sent = f.sent();
      expect(sent).toHaveLength(1);
      expect(sent[0]!.chatId).toBe(f.expect.privateChatId);
      expect(sent[0]!.text).toBe('Order 1001 is completed.');
    });

    it('has sane capabilities', () => {
      const c = f.channel.capabilities;
      expect(c.maxTextLength).toBeGreaterThan(0);
      expect(['plain', 'whatsapp', 'telegram-html', 'markdown']).toContain(c.formatting);
      expect(typeof c.groups).toBe('boolean');
      expect(typeof c.typing).toBe('boolean');
      expect(f.channel.name.length).toBeGreaterThan(0);
    });

    it('maps a rate limit to a retryable ChannelError', async () => {
      f.failNextSend('rate_limited');
      const err = await f.channel.send(outbound(f.channel, f.expect.privateChatId, 'hi')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      const e = err as ChannelError;
      expect(e.retryable).toBe(true);
      if (e.retryAfterMs !== undefined) expect(e.retryAfterMs).toBeGreaterThan(0);
      expect(f.sent()).toHaveLength(0);
    });

    it('maps an auth failure to a non-retryable ChannelError', async () => {
      f.failNextSend('unauthorized');
      const err = await f.channel.send(outbound(f.channel, f.expect.privateChatId, 'hi')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      expect((err as ChannelError).retryable).toBe(false);
    });

    it('maps an outage to a retryable ChannelError', async () => {
      f.failNextSend('unavailable');
      const err = await f.channel.send(outbound(f.channel, f.expect.privateChatId, 'hi')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      expect((err as ChannelError).retryable).toBe(true);
    });

    it('sends again after a failure', async () => {
      f.failNextSend('unavailable');
      await f.channel.send(outbound(f.channel, f.expect.privateChatId, 'first')).catch(() => undefined);
      await f.channel.send(outbound(f.channel, f.expect.privateChatId, 'second'));
      expect(f.sent().map((s) => s.text)).toEqual(['second']);
    });
  });
}
