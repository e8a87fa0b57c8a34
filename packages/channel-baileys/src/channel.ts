import {
  type Channel,
  type ChannelCapabilities,
  ChannelError,
  type ChannelErrorKind,
  type DeliveryEvent,
  type InboundMessage,
  type LinkStatus,
  type OutboundMessage,
  type SendReceipt,
  type TurnResult,
  Listeners,
} from '@smmbot/core';
import { BaileysConnection, type SocketOn } from './connection.js';
import { type MessageUpdateLike, toDeliveryEvent } from './delivery.js';
import { BaileysInbound } from './inbound.js';
import { normalizeJid } from './jid.js';
import { LidMap } from './lid-map.js';
import { TIMELOCK_CODE } from './link.js';
import { waMessageId } from './message-id.js';
import type { MessagesUpsert, WAMessageLike } from './normalize.js';
import { NumberLookup } from './numbers.js';
import type { ChannelStatus, ReconnectDecision } from './reconnect.js';
import { sendError } from './send-error.js';
import type { BaileysChannelDeps, BaileysChannelOptions, BaileysSocketLike, LoginInfo } from './socket.js';

/**
 * WhatsApp Web through Baileys 7: one socket per number, auth state in our storage, inbound
 * `messages.upsert` (type `notify`) normalized to InboundMessage, `sendMessage(jid, { text })` out
 * with a WhatsApp id derived from `message.id`, a reconnect policy by close code on the injected
 * clock, and the balancer's signals: `link()`, `onLink()`, `onDelivery()`, `checkNumber()`.
 */
export class BaileysChannel implements Channel {
  readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: true,
    formatting: 'whatsapp',
    maxTextLength: 4096,
    antiBan: true,
  };
  readonly name: string;
  readonly tenantId: string;
  private readonly conn: BaileysConnection;
  private readonly inbound: BaileysInbound;
  private readonly numbers: NumberLookup;
  private readonly deliveries: Listeners<DeliveryEvent>;
  private lids?: LidMap;

  constructor(
    options: BaileysChannelOptions,
    private readonly deps: BaileysChannelDeps,
  ) {
    this.name = options.name;
    this.tenantId = options.tenant;
    const ns = `baileys:${this.name}`;
    this.conn = new BaileysConnection(options, deps, {
      prepare: async () => {
        if (this.lids) return;
        this.lids = new LidMap(deps.kv, this.tenantId, `${ns}:lidmap`, deps.secrets);
        await this.lids.load();
        await this.inbound.loadGroups();
      },
      wire: (sock, on) => this.wire(sock, on),
    });
    this.inbound = new BaileysInbound({
      tenantId: this.tenantId,
      channel: this.name,
      ns,
      kv: deps.kv,
      logger: deps.logger,
      clock: deps.clock,
      socket: () => this.conn.sock,
      lids: () => this.lids,
      ownJids: () => this.ownJids(),
    });
    this.numbers = new NumberLookup(options.onWhatsAppCacheMs, deps.clock);
    this.deliveries = new Listeners(deps.logger.child({ channel: this.name }), 'delivery');
  }

  get status(): ChannelStatus {
    return this.conn.status;
  }

  /** Status, current QR and pairing code: what a dashboard shows. */
  get login(): LoginInfo {
    return this.conn.login;
  }

  /** Close decisions, newest last (for logs, the dashboard and tests). */
  get decisions(): readonly { code: number | undefined; decision: ReconnectDecision }[] {
    return this.conn.decisions;
  }

  get lidMap(): LidMap | undefined {
    return this.lids;
  }

  onStatus(listener: (info: LoginInfo) => void): () => void {
    return this.conn.onStatus(listener);
  }

  /** Connection state for the balancer: see `toLinkStatus` for the mapping of every status. */
  link(): LinkStatus {
    return this.conn.link.current();
  }

  onLink(listener: (status: LinkStatus) => void): () => void {
    return this.conn.link.on(listener);
  }

  /** Delivery receipts and NACKs of our messages, from `messages.update` (see `toDeliveryEvent`). */
  onDelivery(listener: (event: DeliveryEvent) => void): () => void {
    return this.deliveries.add(listener);
  }

  connect(receive: (message: InboundMessage) => Promise<TurnResult>): void {
    this.inbound.connect(receive);
  }

  async start(): Promise<void> {
    await this.conn.start();
  }

  /** Closes the socket without logging out; no close event after this can reconnect. */
  async stop(): Promise<void> {
    this.conn.stop();
    await this.idle();
    await this.conn.auth?.flush();
    await this.lids?.flush();
  }

  async idle(): Promise<void> {
    await this.inbound.idle();
  }

  /** Normalizes and hands over the messages of one `notify` upsert; returns what was handed over. */
  ingest(messages: WAMessageLike[]): Promise<InboundMessage[]> {
    return this.inbound.ingest(messages);
  }

  private wire(_sock: BaileysSocketLike, on: SocketOn): void {
    on<MessagesUpsert>('messages.upsert', (u) => this.inbound.onUpsert(u));
    on<MessageUpdateLike[]>('messages.update', (updates) => this.onMessagesUpdate(updates));
    on<{ lid: string; pn: string } | { lid: string; pn: string }[]>('lid-mapping.update', (m) => {
      for (const pair of [m].flat()) this.lids?.learn(pair.lid, pair.pn);
    });
    on<{ id: string; subject?: string }[]>('groups.upsert', (groups) => {
      for (const g of groups) if (g.subject) this.inbound.rememberGroup(g.id, g.subject);
    });
  }

  private onMessagesUpdate(updates: MessageUpdateLike[]): void {
    for (const entry of [updates].flat()) {
      const event = toDeliveryEvent(entry, this.conn.link.timelockUntil());
      if (!event) continue;
      if (event.status === 'failed') {
        this.deps.logger.warn({ channel: this.name, msgId: event.platformId, code: event.code }, 'whatsapp NACK');
        if (event.code === TIMELOCK_CODE) this.conn.queryTimelock();
      }
      this.deliveries.emit(event);
    }
  }

  private ownJids(): Set<string> {
    const out = new Set<string>();
    const user = this.conn.sock?.user;
    if (user?.id) out.add(normalizeJid(user.id));
    if (user?.lid) out.add(normalizeJid(user.lid));
    const me = this.conn.auth?.state.creds.me;
    if (me?.id) out.add(normalizeJid(me.id));
    if (me?.lid) out.add(normalizeJid(me.lid));
    return out;
  }

  /** Why nothing can be sent now: banned → `banned`, logged out → `unauthorized`, otherwise `unavailable`. */
  private notReady(): ChannelError {
    const { status, code } = this.conn.login;
    const kind: ChannelErrorKind =
      status === 'banned' ? 'banned' : status === 'logged_out' ? 'unauthorized' : 'unavailable';
    // `failed` (stale version, session taken over, too many attempts) needs the operator: not retryable.
    const dead = status === 'logged_out' || status === 'banned' || status === 'failed';
    return new ChannelError(`whatsapp is not connected (status ${status})`, {
      retryable: !dead,
      ...(dead ? {} : { retryAfterMs: 5_000 }),
      details: { channel: this.name, status, kind, ...(code !== undefined ? { code } : {}) },
    });
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const sock = this.conn.ready;
    if (!sock) throw this.notReady();
    const messageId = message.id ? waMessageId(message.id) : undefined;
    try {
      const sent = await sock.sendMessage(message.chatId, { text: message.text }, messageId ? { messageId } : {});
      const platformId = sent?.key?.id ?? messageId;
      return { message, ...(platformId ? { platformId } : {}), sentAt: this.deps.clock.now() };
    } catch (err) {
      throw sendError(err, this.name, { timelockUntil: this.conn.link.timelockUntil(), now: this.deps.clock.now() });
    }
  }

  /** `composing` for `ms`, then `paused` (a presence expires after about 10 s on WhatsApp's side). */
  async typing(chatId: string, ms: number): Promise<void> {
    const sock = this.conn.ready;
    if (!sock) return;
    try {
      await sock.presenceSubscribe?.(chatId);
      await sock.sendPresenceUpdate('composing', chatId);
      await this.deps.clock.sleep(ms);
      await sock.sendPresenceUpdate('paused', chatId);
    } catch (err) {
      this.deps.logger.debug({ err, channel: this.name }, 'typing presence failed');
    }
  }

  /** Which of these phone numbers are on WhatsApp; answers are cached (`onWhatsAppCacheMs`). */
  async onWhatsApp(...phones: string[]): Promise<Map<string, string | undefined>> {
    return this.numbers.lookup(phones, async (jids) => {
      const sock = this.conn.ready;
      if (!sock) throw this.notReady();
      return sock.onWhatsApp(...jids);
    });
  }

  /** The JID to send to when `phone` (digits, international form) has WhatsApp, else undefined; cached. */
  async checkNumber(phone: string): Promise<string | undefined> {
    if (!/\d/.test(phone)) return undefined;
    return (await this.onWhatsApp(phone)).get(phone);
  }
}
