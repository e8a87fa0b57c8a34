import type { Clock, InboundMessage, KeyValueStore, Logger, TurnResult } from '@smmbot/core';
import { isGroupJid } from './jid.js';
import type { LidMap } from './lid-map.js';
import { type MessagesUpsert, type NormalizeContext, toInbound, type WAMessageLike } from './normalize.js';
import type { BaileysSocketLike } from './socket.js';

export interface InboundDeps {
  tenantId: string;
  channel: string;
  /** Key-value namespace of this channel (`baileys:<name>`). */
  ns: string;
  kv: KeyValueStore;
  logger: Logger;
  clock: Clock;
  socket: () => BaileysSocketLike | undefined;
  lids: () => LidMap | undefined;
  /** Our own JIDs (PN and LID, normalized). */
  ownJids: () => Set<string>;
}

/**
 * Inbound side of the channel: `messages.upsert` (type `notify`) normalized one upsert at a time,
 * group titles (from `groups.upsert` or one `groupMetadata` per new group, persisted), and the turns
 * in flight.
 */
export class BaileysInbound {
  private receiveFn?: (message: InboundMessage) => Promise<TurnResult>;
  private readonly groupTitles = new Map<string, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private upserts: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: InboundDeps) {}

  connect(receive: (message: InboundMessage) => Promise<TurnResult>): void {
    this.receiveFn = receive;
  }

  async loadGroups(): Promise<void> {
    const titles = await this.deps.kv.get<Record<string, string>>(this.deps.tenantId, `${this.deps.ns}:groups`);
    for (const [jid, title] of Object.entries(titles ?? {})) this.groupTitles.set(jid, title);
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  rememberGroup(jid: string, title: string): void {
    if (this.groupTitles.get(jid) === title) return;
    this.groupTitles.set(jid, title);
    this.deps.kv
      .set(this.deps.tenantId, `${this.deps.ns}:groups`, Object.fromEntries(this.groupTitles))
      .catch((err) => this.deps.logger.warn({ err, channel: this.deps.channel }, 'group titles not saved'));
  }

  onUpsert(upsert: MessagesUpsert): void {
    if (upsert.type !== 'notify') return;
    // Normalization runs one upsert at a time (arrival order, one group lookup per new group); the
    // turns themselves run concurrently, ordered per conversation by the engine.
    const step = this.upserts.then(() => this.ingest(upsert.messages));
    this.upserts = step.catch(() => undefined);
    this.track(
      step.then(
        () => undefined,
        (err: unknown) => this.deps.logger.error({ err, channel: this.deps.channel }, 'baileys upsert not handled'),
      ),
    );
  }

  private track(work: Promise<void>): void {
    const done: Promise<void> = work.finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  /** Normalizes and hands over the messages of one `notify` upsert; returns what was handed over. */
  async ingest(messages: WAMessageLike[]): Promise<InboundMessage[]> {
    const { deps } = this;
    const lids = deps.lids();
    const ctx: NormalizeContext = {
      tenantId: deps.tenantId,
      channel: deps.channel,
      ownJids: deps.ownJids(),
      pnForLid: (lid) => lids?.pnFor(lid),
      lidForPn: (pn) => lids?.lidFor(pn),
      groupTitle: (jid) => this.groupTitles.get(jid),
      now: () => deps.clock.now(),
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
        deps.logger.debug({ channel: deps.channel, ignored: inbound }, 'baileys message not handed to the engine');
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
            deps.logger.error({ err, channel: deps.channel, msgId: m.id }, 'baileys message not handled'),
        ),
      );
    }
    return out;
  }

  private async fetchGroup(jid: string): Promise<void> {
    const sock = this.deps.socket();
    if (!sock?.groupMetadata) return;
    try {
      const meta = await sock.groupMetadata(jid);
      if (meta.subject) this.rememberGroup(jid, meta.subject);
    } catch (err) {
      this.deps.logger.debug({ err, channel: this.deps.channel, jid }, 'group metadata not available');
    }
  }
}
