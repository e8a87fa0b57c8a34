import { Listeners } from '@smmbot/core';
import type { Logger, TimerHandle } from '@smmbot/core';
import { type KvAuthState, useKvAuthState } from './auth-state.js';
import { LinkTracker } from './link.js';
import {
  type ChannelStatus,
  decideReconnect,
  defaultReconnectPolicy,
  type ReconnectDecision,
  type ReconnectPolicy,
  statusCodeOf,
} from './reconnect.js';
import {
  type BaileysChannelDeps,
  type BaileysChannelOptions,
  type BaileysSocketLike,
  type ConnectionUpdate,
  defaultSocketFactory,
  type Listener,
  type LoginInfo,
  type SocketFactory,
  socketConfig,
} from './socket.js';

/** Subscribes to an event of the current socket; the listener is ignored once the socket is replaced. */
export type SocketOn = <T>(event: string, fn: (arg: T) => void) => void;

export interface ConnectionHooks {
  /** Runs once per start, before the first socket (load the LID map, group titles). */
  prepare(): Promise<void>;
  /** A new socket: subscribe to the events the channel needs. */
  wire(sock: BaileysSocketLike, on: SocketOn): void;
}

/** Minimum time between two timelock queries after 463 NACKs. */
const TIMELOCK_QUERY_EVERY_MS = 60_000;

/**
 * One WhatsApp number's socket lifecycle: a brand-new socket per attempt, login (QR or pairing
 * code), the reconnect policy by close code on the injected clock, the status and the LinkStatus.
 */
export class BaileysConnection {
  sock?: BaileysSocketLike;
  auth?: KvAuthState;
  readonly link: LinkTracker;
  /** Close decisions, newest last (for logs, the dashboard and tests). */
  readonly decisions: { code: number | undefined; decision: ReconnectDecision }[] = [];
  private readonly policy: ReconnectPolicy;
  private readonly createSocket: SocketFactory;
  private readonly statusListeners: Listeners<LoginInfo>;
  private readonly log: Logger;
  private detach: (() => void)[] = [];
  private timer?: TimerHandle;
  private attempt = 0;
  private replacedAt: number[] = [];
  private stopped = true;
  private pairingRequested = false;
  private timelockQueriedAt?: number;
  private info: LoginInfo = { status: 'idle' };

  constructor(
    private readonly options: BaileysChannelOptions,
    private readonly deps: BaileysChannelDeps,
    private readonly hooks: ConnectionHooks,
  ) {
    this.policy = { ...defaultReconnectPolicy, ...options.reconnect };
    this.createSocket = deps.createSocket ?? defaultSocketFactory;
    this.log = deps.logger.child({ channel: options.name });
    this.statusListeners = new Listeners(this.log, 'status');
    this.link = new LinkTracker(() => this.info, deps.clock, this.log);
  }

  get status(): ChannelStatus {
    return this.info.status;
  }

  get login(): LoginInfo {
    return { ...this.info };
  }

  /** The socket when it is open (sending makes sense), else undefined. */
  get ready(): BaileysSocketLike | undefined {
    return this.info.status === 'open' ? this.sock : undefined;
  }

  onStatus(listener: (info: LoginInfo) => void): () => void {
    return this.statusListeners.add(listener);
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.auth ??= await useKvAuthState({
      kv: this.deps.kv,
      tenant: this.options.tenant,
      secrets: this.deps.secrets,
      namespace: `baileys:${this.options.name}`,
    });
    await this.hooks.prepare();
    this.link.arm();
    await this.open();
  }

  /** Closes the socket without logging out; no close event after this can reconnect. */
  stop(): void {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.link.disarm();
    this.closeSocket();
    if (!['logged_out', 'banned', 'failed'].includes(this.info.status)) this.setStatus({ status: 'stopped' });
  }

  /** After a 463 NACK: asks for the timelock (WA Web does), so `link()` and `until` know its end. */
  queryTimelock(): void {
    const sock = this.ready;
    const now = this.deps.clock.now();
    if (!sock?.fetchAccountReachoutTimelock) return;
    if (this.timelockQueriedAt !== undefined && now - this.timelockQueriedAt < TIMELOCK_QUERY_EVERY_MS) return;
    this.timelockQueriedAt = now;
    sock.fetchAccountReachoutTimelock().catch((err) => this.log.warn({ err }, 'reach-out timelock query failed'));
  }

  private setStatus(info: LoginInfo): void {
    this.info = info;
    this.statusListeners.emit({ ...info });
    this.link.update();
  }

  private closeSocket(): void {
    for (const d of this.detach) d();
    this.detach = [];
    const sock = this.sock;
    this.sock = undefined;
    try {
      sock?.end(undefined);
    } catch (err) {
      this.log.debug({ err }, 'baileys socket end failed');
    }
  }

  private async open(): Promise<void> {
    if (this.stopped || !this.auth) return;
    this.closeSocket();
    this.pairingRequested = false;
    const { status, reason, code } = this.info;
    // A reconnect keeps the reason and code of the close that caused it until the socket opens.
    this.setStatus(
      status === 'reconnecting'
        ? { status, ...(reason ? { reason } : {}), ...(code !== undefined ? { code } : {}) }
        : { status: 'connecting' },
    );
    const logger = this.log.child({ component: 'baileys' }, { level: this.options.baileysLogLevel });
    let sock: BaileysSocketLike;
    try {
      sock = await this.createSocket(socketConfig(this.options, this.auth.state, logger));
    } catch (err) {
      this.log.error({ err }, 'baileys socket could not be created');
      this.handleClose(err);
      return;
    }
    if (this.stopped) {
      sock.end(undefined);
      return;
    }
    this.sock = sock;
    const on: SocketOn = <T>(event: string, fn: (arg: T) => void) => {
      const guarded = ((arg: T) => {
        if (this.sock === sock) fn(arg);
      }) as Listener;
      sock.ev.on(event, guarded);
      this.detach.push(() => sock.ev.off?.(event, guarded));
    };
    on<ConnectionUpdate>('connection.update', (u) => this.onConnectionUpdate(u));
    on<unknown>('creds.update', () => {
      this.auth?.saveCreds().catch((err) => this.log.error({ err }, 'creds not saved'));
    });
    this.hooks.wire(sock, on);
  }

  private onConnectionUpdate(u: ConnectionUpdate): void {
    if (u.reachoutTimeLock) this.link.setTimelock(u.reachoutTimeLock);
    if (u.qr) {
      this.setStatus({
        status: 'qr',
        qr: u.qr,
        ...(this.info.pairingCode ? { pairingCode: this.info.pairingCode } : {}),
      });
      if (this.options.printQr && !this.options.pairingPhone) this.printQr(u.qr);
      this.log.info('whatsapp login: scan the QR code');
      if (this.options.pairingPhone && !this.pairingRequested && !this.auth?.state.creds.registered) {
        this.pairingRequested = true;
        void this.requestPairing(this.options.pairingPhone);
      }
    }
    if (u.connection === 'open') {
      this.attempt = 0;
      this.setStatus({ status: 'open' });
      this.log.info({ newLogin: u.isNewLogin === true }, 'whatsapp connected');
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
      this.log.info('whatsapp login: enter the pairing code on the phone');
      if (this.options.printQr) this.print(`WhatsApp pairing code for ${this.options.name}: ${code}\n`);
    } catch (err) {
      this.log.error({ err }, 'pairing code request failed');
    }
  }

  private print(text: string): void {
    (this.deps.print ?? ((t: string) => process.stdout.write(t)))(text);
  }

  private printQr(qr: string): void {
    this.print(
      `\nWhatsApp login for "${this.options.name}" (tenant ${this.options.tenant}): render this QR string with any QR tool ` +
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
    const withCode = code === undefined ? {} : { code };
    if (decision.action === 'stop') {
      this.stopped = true;
      this.link.disarm();
      this.setStatus({ status: decision.status, reason: decision.reason, ...withCode });
      this.log.error(
        { tenant: this.options.tenant, code, status: decision.status, operator: decision.notifyOperator },
        `whatsapp channel stopped: ${decision.reason}`,
      );
      if (decision.wipeCreds) this.auth?.clear().catch((err) => this.log.error({ err }, 'creds not wiped'));
      return;
    }
    if (decision.backoff) this.attempt++;
    this.setStatus({ status: 'reconnecting', reason: decision.reason, ...withCode });
    this.log.warn({ code, delayMs: decision.delayMs }, 'whatsapp reconnecting');
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.open();
    }, decision.delayMs);
  }
}
