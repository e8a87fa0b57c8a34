import {
  type Channel,
  type ChannelCapabilities,
  ChannelError,
  type Clock,
  type LinkStatus,
  type OutboundMessage,
  type ReplyPriority,
  type SendReceipt,
} from '@smmbot/core';

export type AttemptOutcome = 'sent' | 'rejected' | 'unavailable' | 'banned';

/** One platform call, as the phone saw it. `seq` orders it against the decision log. */
export interface Attempt {
  seq: number;
  at: number;
  phone: string;
  jobId: string;
  chatId: string;
  priority: ReplyPriority;
  outcome: AttemptOutcome;
}

/** What the simulated platform saw: every send attempt, in order, with one counter shared with decisions. */
export class SimLog {
  readonly attempts: Attempt[] = [];
  seq = 0;

  get sends(): Attempt[] {
    return this.attempts.filter((a) => a.outcome === 'sent');
  }
}

export interface SimPhoneOptions {
  /** Chats that have no account: every send to them is rejected (a property of the message). */
  invalid: ReadonlySet<string>;
  /** Share of attempts that fail with a dropped connection (`unavailable`, retried). */
  transientRate: number;
  random: () => number;
}

/**
 * A WhatsApp number on virtual time. After `ban('link')` its link reports `banned` but sends
 * still succeed, so a balancer that kept using it would show up in the log; after
 * `ban('error')` the link still says connected and every send throws `ChannelError` kind
 * `banned` (the balancer learns of the ban from a failed send).
 */
export class SimPhone implements Channel {
  readonly capabilities: ChannelCapabilities = {
    groups: false,
    typing: true,
    formatting: 'whatsapp',
    maxTextLength: 4096,
    antiBan: true,
  };
  bannedAt: number | undefined;
  private throwBanned = false;
  private status: LinkStatus = { state: 'connected' };
  private readonly listeners = new Set<(s: LinkStatus) => void>();
  private platformSeq = 0;

  constructor(
    readonly name: string,
    readonly tenantId: string,
    private readonly clock: Clock,
    private readonly log: SimLog,
    private readonly opts: SimPhoneOptions,
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const at = this.clock.now();
    const outcome: AttemptOutcome = this.throwBanned
      ? 'banned'
      : this.opts.invalid.has(message.chatId)
        ? 'rejected'
        : this.opts.transientRate > 0 && this.opts.random() < this.opts.transientRate
          ? 'unavailable'
          : 'sent';
    this.log.attempts.push({
      seq: this.log.seq++,
      at,
      phone: this.name,
      jobId: message.id ?? '',
      chatId: message.chatId,
      priority: message.priority,
      outcome,
    });
    switch (outcome) {
      case 'banned':
        throw new ChannelError('account banned', { details: { kind: 'banned' } });
      case 'rejected':
        throw new ChannelError('the number has no WhatsApp account', { details: { kind: 'rejected' } });
      case 'unavailable':
        throw new ChannelError('connection closed', { retryable: true, details: { kind: 'unavailable' } });
      default:
        return { message, platformId: `${this.name}-${++this.platformSeq}`, sentAt: at };
    }
  }

  async typing(): Promise<void> {}

  link(): LinkStatus {
    return this.status;
  }

  onLink(listener: (s: LinkStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The platform bans the number now: `link` announces it, `error` only fails its sends, `both` does both. */
  ban(mode: 'link' | 'error' | 'both'): void {
    this.bannedAt = this.clock.now();
    if (mode !== 'link') this.throwBanned = true;
    if (mode !== 'error') {
      this.status = { state: 'banned', reason: 'account banned' };
      for (const l of this.listeners) l(this.status);
    }
  }
}
