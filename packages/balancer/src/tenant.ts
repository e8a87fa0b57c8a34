import type { Channel, ChannelRegistry, Clock, KeyValueStore, Logger, TenantId } from '@smmbot/core';
import PQueue from 'p-queue';
import type { AlertLog } from './alerts.js';
import { type BalancerOptions, type Rules, resolveRules } from './config.js';
import { type Decision, decide, LANES, SchedulingIndex } from './dispatcher.js';
import { SendWindow } from './hours.js';
import type { Entry } from './lanes.js';
import { freshStats, Phone, type PhoneStats } from './phones.js';
import { onDelivery, onLink, RecentSends } from './phone-events.js';
import { utcDay } from './policy.js';
import { recipientOf, type SendQueue } from './queue/types.js';
import { runCycle } from './cycle.js';
import type { SendJob } from './types.js';

export interface TenantDeps {
  tenant: TenantId;
  options: BalancerOptions;
  queue: SendQueue;
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  alerts: AlertLog;
  channels: ChannelRegistry;
  random: () => number;
  /** Called after each successful send (the engine's `sent` hook). */
  onSent?: (job: SendJob, platformId: string | undefined, sentAt: number) => void;
  /** Instrumentation for the simulator: time spent deciding. */
  metrics?: DecisionMetrics;
}

/** Decisions made and the time spent on them; `onDecision` sees each one with the phones it was made over. */
export interface DecisionMetrics {
  decisions: number;
  decisionNs: number;
  onDecision?: (e: Entry, d: Decision, now: number, phones: readonly Phone[]) => void;
}

const PHONE_KEY = (name: string) => `balancer:phone:${name}`;
const COMPANY_DAY_KEY = (day: number) => `balancer:company:day:${day}`;

/** One tenant's balancer: its phones, its scheduling index, its counters and its send cycles. */
export class TenantBalancer {
  readonly rules: Rules;
  readonly window: SendWindow | undefined;
  readonly index: SchedulingIndex;
  readonly phones = new Map<string, Phone>();
  phoneList: Phone[] = [];
  /** Recipient → last send time; +Infinity while a send to them is in flight. */
  readonly lastSentTo = new Map<string, number>();
  /** Recipient → when the last send to them completed (the in-flight marker above can hide it). */
  readonly lastDoneTo = new Map<string, number>();
  readonly active = new Set<Promise<void>>();
  /** Ids of the jobs in a send cycle (out of the index, not finished yet). */
  private readonly sending = new Set<string>();
  readonly gate: PQueue;
  private readonly directBusy = new Set<string>();
  companyDay = { day: -1, count: 0 };
  seq = 0;
  private pumping = false;
  private again = false;
  stopped = false;
  private onStop: () => void = () => undefined;
  /** Resolves at stop: pacing sleeps race it, so shutdown does not wait out delays and typing. */
  readonly stopping = new Promise<void>((resolve) => {
    this.onStop = resolve;
  });
  /** Per phone: its link and delivery listeners, removed at stop or when the phone is detached. */
  private readonly unsubscribe = new Map<string, (() => void)[]>();

  constructor(readonly deps: TenantDeps) {
    this.rules = resolveRules(deps.options, deps.tenant);
    this.window = this.rules.workingHours ? new SendWindow(this.rules.workingHours) : undefined;
    // Leased mode admits ids from a transport and a rescan: the index must know which it holds.
    this.index = new SchedulingIndex(deps.clock, { trackIds: deps.options.distributed !== undefined });
    this.gate = new PQueue({ concurrency: deps.options.maxInFlightSends });
  }

  /** Attaches the tenant's anti-ban channels and rebuilds the index from the store. */
  async start(): Promise<number> {
    for (const channel of this.deps.channels.all()) {
      if (channel.tenantId === this.deps.tenant && channel.capabilities.antiBan) await this.attach(channel);
    }
    const { tenant, queue, clock } = this.deps;
    this.seq = await queue.lastSeq(tenant);
    const now = clock.now();
    const cooldown = Math.max(
      this.rules.recipientCooldownMs,
      ...this.phoneList.map((p) => p.rules.recipientCooldownMs),
    );
    for (const s of await queue.sentSince(tenant, now - cooldown)) {
      this.lastSentTo.set(s.recipient, Math.max(this.lastSentTo.get(s.recipient) ?? 0, s.sentAt));
    }
    this.companyDay = {
      day: utcDay(now),
      count: (await this.deps.kv.get<number>(tenant, COMPANY_DAY_KEY(utcDay(now)))) ?? 0,
    };
    let recovered = 0;
    for await (const job of queue.unfinished(tenant)) {
      // A job found `sending` may or may not have reached the platform: it goes again, same id,
      // and its phone rests as if it had sent it then.
      if (job.state === 'sending' && job.phone !== undefined) this.phones.get(job.phone)?.restAfter(job.updatedAt);
      this.index.add(this.entryOf(job), this.groupOf(this.entryOf(job)), now);
      recovered++;
    }
    this.pump();
    return recovered;
  }

  async attach(channel: Channel): Promise<Phone> {
    const existing = this.phones.get(channel.name);
    if (existing) return existing;
    const { tenant, kv, clock, options } = this.deps;
    const configured = options.phones[channel.name]?.registeredAt;
    const registeredAt = configured === undefined ? undefined : new Date(configured).getTime();
    const stored = await kv.get<PhoneStats>(tenant, PHONE_KEY(channel.name));
    const stats = stored ?? freshStats(clock.now(), registeredAt);
    if (registeredAt !== undefined) stats.registeredAt = registeredAt;
    const phone = new Phone(channel, resolveRules(options, tenant, channel.name), stats);
    // The rest after the phone's last send holds across a restart or a change of leader.
    if (stats.lastSentAt !== null) phone.restAfter(stats.lastSentAt);
    if (!stored) await this.savePhone(phone);
    this.phones.set(channel.name, phone);
    this.phoneList = [...this.phones.values()];
    const listeners: (() => void)[] = [];
    if (channel.onLink) listeners.push(channel.onLink((status) => void onLink(this, phone, status)));
    if (channel.onDelivery) listeners.push(channel.onDelivery((event) => void onDelivery(this, phone, event)));
    this.unsubscribe.set(channel.name, listeners);
    return phone;
  }

  /** Forgets the phone of a channel removed at runtime; its stored stats stay (reconnecting keeps its age). */
  detach(name: string): boolean {
    if (!this.phones.delete(name)) return false;
    this.phoneList = [...this.phones.values()];
    for (const u of this.unsubscribe.get(name) ?? []) u();
    this.unsubscribe.delete(name);
    return true;
  }

  entryOf(job: SendJob): Entry {
    const sticky = job.message.route === 'pool' ? undefined : job.message.channel;
    return {
      id: job.id,
      seq: job.seq,
      lane: LANES.indexOf(job.lane) as 0 | 1 | 2,
      notBefore: job.notBefore,
      recipient: recipientOf(job),
      sticky: sticky && this.phones.has(sticky) ? sticky : undefined,
      channel: job.message.route === 'pool' ? '*' : job.message.channel,
      textLength: job.message.text.length,
      attempts: job.attempts,
    };
  }

  groupOf(e: Entry): string {
    return SchedulingIndex.groupOf(e, (c) => this.phones.has(c));
  }

  /** True while the job is in the index or being sent: admitting it again would send it twice. */
  holds(id: string): boolean {
    return this.sending.has(id) || this.index.has(id);
  }

  /** Schedules a stored job; false when stopped or already held (leased mode may be handed an id twice). */
  admit(job: SendJob): boolean {
    if (this.stopped || this.holds(job.id)) return false;
    const e = this.entryOf(job);
    this.index.add(e, this.groupOf(e), this.deps.clock.now());
    this.pump();
    return true;
  }

  /** Puts an entry back: at the front of its lane when due now (requeue-front), else by time. */
  requeue(e: Entry, front: boolean): void {
    this.index.add(e, this.groupOf(e), this.deps.clock.now(), front);
  }

  companyCount(now: number): number {
    const day = utcDay(now);
    if (this.companyDay.day !== day) this.companyDay = { day, count: 0 };
    return this.companyDay.count;
  }

  /** Company sends started and not counted yet: phones sending in parallel must not overshoot the daily limit. */
  readonly companyInFlight = new Set<string>();

  async countCompanySend(now: number, id?: string): Promise<void> {
    if (id !== undefined) this.companyInFlight.delete(id);
    this.companyCount(now);
    this.companyDay.count++;
    await this.deps.kv.increment(this.deps.tenant, COMPANY_DAY_KEY(utcDay(now)), 1, 2 * 86_400_000);
  }

  savePhone(phone: Phone): Promise<void> {
    return this.deps.kv.set(this.deps.tenant, PHONE_KEY(phone.name), phone.stats);
  }

  /** Decides what can go now; re-entrant calls fold into one more pass. */
  pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    let wake: number | undefined;
    try {
      do {
        this.again = false;
        const now = this.deps.clock.now();
        this.index.release(now, (e) => this.groupOf(e));
        const w = this.index.pass(
          (e) => this.decideTimed(e, now),
          (e, d) => this.act(e, d),
        );
        if (w !== undefined) wake = Math.min(wake ?? w, w);
      } while (this.again);
    } finally {
      this.pumping = false;
    }
    this.index.arm(wake, () => this.pump());
  }

  private decideTimed(e: Entry, now: number): Decision {
    const m = this.deps.metrics;
    const t0 = m ? performance.now() : 0;
    const direct = e.sticky || e.channel === '*' ? undefined : this.deps.channels.get(e.channel);
    const d = decide(e, {
      now,
      rules: this.rules,
      window: this.window,
      phones: this.phoneList,
      phoneByName: this.phones,
      direct,
      directFree: direct ? !this.directBusy.has(direct.name) : false,
      lastSentTo: this.lastSentTo,
      companyCount: this.companyCount(now) + this.companyInFlight.size,
      random: this.deps.random,
    });
    if (m) {
      m.decisions++;
      m.decisionNs += (performance.now() - t0) * 1e6;
      m.onDecision?.(e, d, now, this.phoneList);
    }
    return d;
  }

  private act(e: Entry, d: Decision): void {
    if (d.kind === 'defer') {
      this.index.add(e, this.groupOf(e), this.deps.clock.now());
      if (d.pending) void this.persist(e.id, { state: 'pending', notBefore: e.notBefore });
      return;
    }
    if (d.kind === 'fail') {
      void this.persist(e.id, { state: 'failed', error: d.reason });
      this.deps.logger.warn({ tenant: this.deps.tenant, msgId: e.id, reason: d.reason }, 'send job failed');
      return;
    }
    if (d.kind !== 'start') return;
    const phone = d.phone;
    const prev = this.lastSentTo.get(e.recipient);
    this.lastSentTo.set(e.recipient, Number.POSITIVE_INFINITY);
    if (phone) phone.busy = true;
    else this.directBusy.add(e.channel);
    if (e.lane !== 0) this.companyInFlight.add(e.id);
    this.sending.add(e.id);
    const cycle = runCycle(this, e, phone, prev).finally(() => {
      this.sending.delete(e.id);
      this.companyInFlight.delete(e.id);
      if (phone) phone.busy = false;
      else this.directBusy.delete(e.channel);
      this.active.delete(cycle);
      this.pump();
    });
    this.active.add(cycle);
  }

  async persist(id: string, patch: Partial<SendJob>): Promise<void> {
    try {
      await this.deps.queue.update(this.deps.tenant, id, { ...patch, updatedAt: this.deps.clock.now() });
    } catch (err) {
      this.deps.logger.error({ err, tenant: this.deps.tenant, msgId: id }, 'could not record a send job state');
    }
  }

  /** Platform ids of recent sends → job ids, so a late failure (a NACK) finds its job. */
  readonly recent = new RecentSends();

  /** Stops at once: no new decision or platform call; calls in flight finish and record their outcome. */
  stop(): void {
    this.stopped = true;
    this.onStop();
    this.index.disarm();
    for (const list of this.unsubscribe.values()) for (const u of list) u();
  }
}
