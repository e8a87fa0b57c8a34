import {
  type Channel,
  type ChannelCapabilities,
  ChannelError,
  type InboundMessage,
  type OutboundMessage,
  type SendReceipt,
  type TimerHandle,
  type TurnResult,
} from '@smmbot/core';
import { type KvAuthState, useKvAuthState } from './auth-state.js';
import { isBroadcastJid, isGroupJid, normalizeJid, phoneToJid } from './jid.js';
import { LidMap } from './lid-map.js';
import { type MessagesUpsert, type NormalizeContext, toInbound, type WAMessageLike } from './normalize.js';
import {
  type ChannelStatus,
  decideReconnect,
  defaultReconnectPolicy,
  type ReconnectDecision,
  type ReconnectPolicy,
  statusCodeOf,
} from './reconnect.js';
import { sendError } from './send-error.js';
import {
  type BaileysChannelDeps,
  type BaileysChannelOptions,
  type BaileysSocketConfig,
  type BaileysSocketLike,
  type ConnectionUpdate,
  defaultSocketFactory,
  type Listener,
  type LoginInfo,
  type SocketFactory,
} from './socket.js';

export { sendError } from './send-error.js';
export {
  type BaileysChannelDeps,
  type BaileysChannelOptions,
  type BaileysSocketConfig,
  type BaileysSocketLike,
  defaultSocketFactory,
  type LoginInfo,
  type SocketFactory,
} from './socket.js';

/**
 * WhatsApp Web through Baileys 7: one socket per number, auth state in our storage, inbound
 * `messages.upsert` (type `notify`) normalized to InboundMessage, `sendMessage(jid, { text })` out,
 * and a reconnect policy by close code on the injected clock.
 */
export class BaileysChannel implements Channel {
  readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: true,
    formatting: 'whatsapp',
    maxTextLength: 4096,
  };
  readonly name: string;
  readonly tenantId: string;
  private readonly policy: ReconnectPolicy;
  private readonly createSocket: SocketFactory;
  private receiveFn?: (message: InboundMessage) => Promise<TurnResult>;
  private sock?: BaileysSocketLike;
  private detach: (() => void)[] = [];
  private auth?: KvAuthState;
  private lids?: LidMap;
  private readonly groupTitles = new Map<string, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private upserts: Promise<unknown> = Promise.resolve();
  private readonly statusListeners = new Set<(info: LoginInfo) => void>();
  private readonly numberCache = new Map<string, { at: number; jid?: string }>();
  private timer?: TimerHandle;
  private attempt = 0;
  private replacedAt: number[] = [];
  private stopped = true;
  private pairingRequested = false;
  private info: LoginInfo = { status: 'idle' };
  /** Close decisions, newest last (for logs, the dashboard and tests). */
  readonly decisions: { code: number | undefined; decision: ReconnectDecision }[] = [];

  constructor(
    private readonly options: BaileysChannelOptions,
    private readonly deps: BaileysChannelDeps,
  ) {
    this.name = options.name;
    this.tenantId = options.tenant;
    this.policy = { ...defaultReconnectPolicy, ...options.reconnect };
    this.createSocket = deps.createSocket ?? defaultSocketFactory;
  }

  get status(): ChannelStatus {
    return this.info.status;
  }

  /** Status, current QR and pairing code: what a dashboard shows. */
  get login(): LoginInfo {
    return { ...this.info };
  }

  get lidMap(): LidMap | undefined {
    return this.lids;
  }

  onStatus(listener: (info: LoginInfo) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  connect(receive: (message: InboundMessage) => Promise<TurnResult>): void {
    this.receiveFn = receive;
  }

  private get ns(): string {
    return `baileys:${this.name}`;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.auth ??= await useKvAuthState({
      kv: this.deps.kv,
      tenant: this.tenantId,
      secrets: this.deps.secrets,
      namespace: this.ns,
    });
    if (!this.lids) {
      this.lids = new LidMap(this.deps.kv, this.tenantId, `${this.ns}:lidmap`, this.deps.secrets);
      await this.lids.load();
      const titles = await this.deps.kv.get<Record<string, string>>(this.tenantId, `${this.ns}:groups`);
      for (const [jid, title] of Object.entries(titles ?? {})) this.groupTitles.set(jid, title);
    }
    await this.openSocket();
  }

  /** Closes the socket without logging out; no close event after this can reconnect. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.closeSocket();
    if (!['logged_out', 'banned', 'failed'].includes(this.info.status)) this.setStatus({ status: 'stopped' });
    await this.idle();
    await this.auth?.flush();
    await this.lids?.flush();
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private setStatus(info: LoginInfo): void {
    this.info = info;
    for (const l of this.statusListeners) l({ ...info });
  }

  private closeSocket(): void {
    for (const d of this.detach) d();
    this.detach = [];
    const sock = this.sock;
    this.sock = undefined;
    try {
      sock?.end(undefined);
    } catch (err) {
      this.deps.logger.debug({ err, channel: this.name }, 'baileys socket end failed');
    }
  }

  private async openSocket(): Promise<void> {
    if (this.stopped || !this.auth) return;
    this.closeSocket();
    this.pairingRequested = false;
    this.setStatus({ status: this.info.status === 'reconnecting' ? 'reconnecting' : 'connecting' });
    const logger = this.deps.logger.child(
      { channel: this.name, component: 'baileys' },
      { level: this.options.baileysLogLevel },
    );
    const config: BaileysSocketConfig = {
      auth: this.auth.state,
      logger,
      markOnlineOnConnect: false,
      shouldIgnoreJid: (jid) => isBroadcastJid(jid),
      getMessage: async () => undefined,
    };
    if (this.options.waWebSocketUrl) config.waWebSocketUrl = this.options.waWebSocketUrl;
    if (this.options.version) config.version = this.options.version;
    if (this.options.browser) config.browser = this.options.browser;
    if (this.options.connectTimeoutMs) config.connectTimeoutMs = this.options.connectTimeoutMs;
    let sock: BaileysSocketLike;
    try {
      sock = await this.createSocket(config);
    } catch (err) {
      this.deps.logger.error({ err, channel: this.name }, 'baileys socket could not be created');
      this.handleClose(err);
      return;
    }
    if (this.stopped) {
      sock.end(undefined);
      return;
    }
    this.sock = sock;
    const on = <T>(event: string, fn: (arg: T) => void) => {
      const guarded = ((arg: T) => {
        if (this.sock === sock) fn(arg);
      }) as Listener;
      sock.ev.on(event, guarded);
      this.detach.push(() => sock.ev.off?.(event, guarded));
    };
    on<ConnectionUpdate>('connection.update', (u) => this.onConnectionUpdate(u));
    on<unknown>('creds.update', () => {
      this.auth?.saveCreds().catch((err) => this.deps.logger.error({ err, channel: this.name }, 'creds not saved'));
    });
    on<MessagesUpsert>('messages.upsert', (u) => this.onUpsert(u));
    on<{ lid: string; pn: string } | { lid: string; pn: string }[]>('lid-mapping.update', (m) => {
      for (const pair of [m].flat()) this.lids?.learn(pair.lid, pair.pn);
    });
    on<{ id: string; subject?: string }[]>('groups.upsert', (groups) => {
      for (const g of groups) if (g.subject) this.rememberGroup(g.id, g.subject);
    });
  }

  private onConnectionUpdate(u: ConnectionUpdate): void {
    if (u.qr) {
      this.setStatus({
        status: 'qr',
        qr: u.qr,
        ...(this.info.pairingCode ? { pairingCode: this.info.pairingCode } : {}),
      });
      if (this.options.printQr && !this.options.pairingPhone) this.printQr(u.qr);
      this.deps.logger.info({ channel: this.name }, 'whatsapp login: scan the QR code');
      if (this.options.pairingPhone && !this.pairingRequested && !this.auth?.state.creds.registered) {
        this.pairingRequested = true;
        void this.requestPairing(this.options.pairingPhone);
      }
    }
    if (u.connection === 'open') {
      this.attempt = 0;
      this.setStatus({ status: 'open' });
      this.deps.logger.info({ channel: this.name, newLogin: u.isNewLogin === true }, 'whatsapp connected');
    } else if (u.connection === 'close') {
      this.handleClose(u.lastDisconnect?.error);
    }
  }

  private async requestPairing(phone: string): Promise<void> {
    const sock = this.sock;
    if (!sock) return;
    try {
      const code = await sock.requestPairingCode(phone.replace(/\D/g, ''));
      this.setStatus({ ...this.info, pairingCode: code });
      this.deps.logger.info({ channel: this.name }, 'whatsapp login: enter the pairing code on the phone');
      if (this.options.printQr) this.print(`WhatsApp pairing code for ${this.name}: ${code}\n`);
    } catch (err) {
      this.deps.logger.error({ err, channel: this.name }, 'pairing code request failed');
    }
  }

  private print(text: string): void {
    (this.deps.print ?? ((t: string) => process.stdout.write(t)))(text);
  }

  private printQr(qr: string): void {
    this.print(
      `\nWhatsApp login for "${this.name}" (tenant ${this.tenantId}): render this QR string with any QR tool ` +
        `or open the dashboard, then scan it in WhatsApp → Linked devices:\n${qr}\n\n`,
    );
  }

  private handleClose(error: unknown): void {
    if (this.stopped) return;
    const code = statusCodeOf(error);
    const now = this.deps.clock.now();
    const decision = decideReconnect(
      code,
      { attempt: this.attempt, replacedAt: this.replacedAt, now, random: (this.deps.random ?? Math.random)() },
      this.policy,
    );
    if (code === 440) {
      this.replacedAt = [...this.replacedAt, now].filter((t) => now - t < this.policy.replacedWindowMs);
    }
    this.decisions.push({ code, decision });
    this.closeSocket();
    if (decision.action === 'stop') {
      this.stopped = true;
      this.setStatus({ status: decision.status, reason: decision.reason });
      this.deps.logger.error(
        { channel: this.name, tenant: this.tenantId, code, status: decision.status, operator: decision.notifyOperator },
        `whatsapp channel stopped: ${decision.reason}`,
      );
      if (decision.wipeCreds) {
        this.auth?.clear().catch((err) => this.deps.logger.error({ err, channel: this.name }, 'creds not wiped'));
      }
      return;
    }
    if (decision.backoff) this.attempt++;
    this.setStatus({ status: 'reconnecting', reason: decision.reason });
    this.deps.logger.warn({ channel: this.name, code, delayMs: decision.delayMs }, 'whatsapp reconnecting');
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.openSocket();
    }, decision.delayMs);
  }

  private rememberGroup(jid: string, title: string): void {
    if (this.groupTitles.get(jid) === title) return;
    this.groupTitles.set(jid, title);
    this.deps.kv
      .set(this.tenantId, `${this.ns}:groups`, Object.fromEntries(this.groupTitles))
      .catch((err) => this.deps.logger.warn({ err, channel: this.name }, 'group titles not saved'));
  }

  private ownJids(): Set<string> {
    const out = new Set<string>();
    const user = this.sock?.user;
    if (user?.id) out.add(normalizeJid(user.id));
    if (user?.lid) out.add(normalizeJid(user.lid));
    const me = this.auth?.state.creds.me;
    if (me?.id) out.add(normalizeJid(me.id));
    if (me?.lid) out.add(normalizeJid(me.lid));
    return out;
  }

  private onUpsert(upsert: MessagesUpsert): void {
    if (upsert.type !== 'notify') return;
    // Normalization runs one upsert at a time (arrival order, one group lookup per new group); the
    // turns themselves run concurrently, ordered per conversation by the engine.
    const step = this.upserts.then(() => this.ingest(upsert.messages));
    this.upserts = step.catch(() => undefined);
    this.track(
      step.then(
        () => undefined,
        (err: unknown) => this.deps.logger.error({ err, channel: this.name }, 'baileys upsert not handled'),
      ),
    );
  }

  private track(work: Promise<void>): void {
    const done: Promise<void> = work.finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  /** Normalizes and hands over the messages of one `notify` upsert; returns what was handed over. */
  async ingest(messages: WAMessageLike[]): Promise<InboundMessage[]> {
    const lids = this.lids;
    const ctx: NormalizeContext = {
      tenantId: this.tenantId,
      channel: this.name,
      ownJids: this.ownJids(),
      pnForLid: (lid) => lids?.pnFor(lid),
      lidForPn: (pn) => lids?.lidFor(pn),
      groupTitle: (jid) => this.groupTitles.get(jid),
      now: () => this.deps.clock.now(),
    };
    const out: InboundMessage[] = [];
    for (const msg of messages) {
      const key = msg.key ?? {};
      lids?.learn(key.remoteJid, key.remoteJidAlt);
      lids?.learn(key.participant, key.participantAlt);
      const remote = key.remoteJid;
      if (remote && isGroupJid(remote) && !key.fromMe && !this.groupTitles.has(remote)) await this.fetchGroup(remote);
      const inbound = toInbound(msg, ctx);
      if (typeof inbound === 'string') {
        this.deps.logger.debug({ channel: this.name, ignored: inbound }, 'baileys message not handed to the engine');
        continue;
      }
      out.push(inbound);
    }
    const receive = this.receiveFn;
    if (!receive) return out;
    for (const m of out) {
      this.track(
        receive(m).then(
          () => undefined,
          (err: unknown) =>
            this.deps.logger.error({ err, channel: this.name, msgId: m.id }, 'baileys message not handled'),
        ),
      );
    }
    return out;
  }

  private async fetchGroup(jid: string): Promise<void> {
    const sock = this.sock;
    if (!sock?.groupMetadata) return;
    try {
      const meta = await sock.groupMetadata(jid);
      if (meta.subject) this.rememberGroup(jid, meta.subject);
    } catch (err) {
      this.deps.logger.debug({ err, channel: this.name, jid }, 'group metadata not available');
    }
  }

  private notReady(): ChannelError {
    const status = this.info.status;
    const dead = status === 'logged_out' || status === 'banned' || status === 'failed';
    return new ChannelError(`whatsapp is not connected (status ${status})`, {
      retryable: !dead,
      ...(dead ? {} : { retryAfterMs: 5_000 }),
      details: { channel: this.name, status, kind: dead ? 'unauthorized' : 'unavailable' },
    });
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const sock = this.sock;
    if (!sock || this.info.status !== 'open') throw this.notReady();
    try {
      const sent = await sock.sendMessage(message.chatId, { text: message.text });
      const platformId = sent?.key?.id ?? undefined;
      return { message, ...(platformId ? { platformId } : {}), sentAt: this.deps.clock.now() };
    } catch (err) {
      throw sendError(err, this.name);
    }
  }

  /** `composing` for `ms`, then `paused` (a presence expires after about 10 s on WhatsApp's side). */
  async typing(chatId: string, ms: number): Promise<void> {
    const sock = this.sock;
    if (!sock || this.info.status !== 'open') return;
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
    const now = this.deps.clock.now();
    const result = new Map<string, string | undefined>();
    const ask: string[] = [];
    for (const phone of phones) {
      const jid = phoneToJid(phone);
      const hit = this.numberCache.get(jid);
      if (hit && now - hit.at < this.options.onWhatsAppCacheMs) result.set(phone, hit.jid);
      else ask.push(phone);
    }
    if (ask.length > 0) {
      const sock = this.sock;
      if (!sock || this.info.status !== 'open') throw this.notReady();
      const found = (await sock.onWhatsApp(...ask.map(phoneToJid))) ?? [];
      const existing = new Map(found.filter((r) => r.exists).map((r) => [normalizeJid(r.jid), r.jid]));
      for (const phone of ask) {
        const jid = phoneToJid(phone);
        const hit = existing.get(jid);
        this.numberCache.set(jid, { at: now, ...(hit ? { jid: hit } : {}) });
        result.set(phone, hit);
      }
    }
    return result;
  }
}
