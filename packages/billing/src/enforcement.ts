import {
  type Channel,
  type ChannelRegistry,
  type KeyValueStore,
  SYSTEM_TENANT,
  type Turn,
  type Verdict,
} from '@smmbot/core';
import type { Billing } from './billing.js';
import type { BillingOptions } from './options.js';
import { DAY_MS } from './periods.js';
import { phoneChannels, type UsageMeter } from './usage.js';
import type { Medium } from './types.js';

/** The channel classes of smmbot's channel packages, by constructor name. */
const BY_CLASS: Record<string, Medium> = {
  BaileysChannel: 'whatsapp',
  GreenApiChannel: 'greenapi',
  CloudApiChannel: 'whatsapp_cloud',
  TelegramChannel: 'telegram',
  WebchatChannel: 'webchat',
};

/** Channel-name prefixes (the channel packages' default names), tried after the class. */
const BY_PREFIX: [RegExp, Medium][] = [
  [/^(whatsapp[-_]cloud|wa[-_]cloud|cloud[-_]api)/, 'whatsapp_cloud'],
  [/^green[-_]?api/, 'greenapi'],
  [/^(whatsapp|baileys)/, 'whatsapp'],
  [/^telegram/, 'telegram'],
  [/^webchat/, 'webchat'],
];

/**
 * Which medium a channel is: the `channelMediums` option by channel name, else the channel's class
 * (smmbot's channel packages), else its name's prefix; undefined when nothing says.
 */
export function mediumOf(channel: Channel, overrides: Record<string, Medium>): Medium | undefined {
  const named = overrides[channel.name];
  if (named) return named;
  const byClass = BY_CLASS[channel.constructor?.name ?? ''];
  if (byClass) return byClass;
  const name = channel.name.toLowerCase();
  return BY_PREFIX.find(([re]) => re.test(name))?.[1];
}

export type DropReason = 'plan_blocked' | 'plan_medium' | 'plan_phone_limit' | 'plan_message_limit';

const NOTICE: Record<DropReason, keyof BillingOptions['notices']> = {
  plan_blocked: 'blocked',
  plan_medium: 'medium',
  plan_phone_limit: 'medium',
  plan_message_limit: 'quota',
};

export interface GateDeps {
  billing: Billing;
  meter: UsageMeter;
  channels: ChannelRegistry;
  kv: KeyValueStore;
  options: BillingOptions;
}

/**
 * The `verify` gate, run first (GUARD stage, `pre` plugin): a workspace without an active
 * subscription, a channel on a medium the plan does not allow (or a phone past the plan's
 * `phones`), and a workspace whose month's messages are used up get no processing at all. The
 * turn is dropped and the reason logged; with a notice configured, the chat gets it at most once a
 * day instead.
 */
export class PlanGate {
  constructor(private readonly deps: GateDeps) {}

  medium(channel: Channel): Medium | undefined {
    return mediumOf(channel, this.deps.options.channelMediums);
  }

  /** Why this inbound message may not be processed, or undefined when it may. */
  async check(turn: Turn): Promise<{ reason: DropReason; detail: Record<string, unknown> } | undefined> {
    const { billing, channels, meter, options } = this.deps;
    const tenant = turn.tenantId;
    // The installation's own number (the system channel) is no workspace: no plan applies to it.
    if (tenant === SYSTEM_TENANT) return undefined;
    const e = await billing.entitlement(tenant);
    if (e.blocked || !e.plan) return { reason: 'plan_blocked', detail: { status: e.status } };
    const plan = e.plan;
    const channel = channels.get(turn.message.channel);
    const medium = channel ? this.medium(channel) : undefined;
    if (medium === undefined ? options.unknownMedium === 'deny' : !plan.mediums.includes(medium)) {
      return { reason: 'plan_medium', detail: { plan: plan.id, medium: medium ?? 'unknown', allowed: plan.mediums } };
    }
    const phones = plan.limits.phones;
    if (phones !== null && channel && medium) {
      const numbered = phoneChannels(channels, tenant, (c) => this.medium(c));
      const place = numbered.indexOf(channel.name);
      if (place >= phones) return { reason: 'plan_phone_limit', detail: { plan: plan.id, phones, place: place + 1 } };
    }
    const limit = plan.limits.messages_per_month;
    if (limit !== null && (await meter.used(tenant, 'messages')) >= limit) {
      return { reason: 'plan_message_limit', detail: { plan: plan.id, limit } };
    }
    return undefined;
  }

  /** The `verify` tap. */
  async verify(turn: Turn): Promise<Verdict | undefined> {
    const refusal = await this.check(turn);
    if (!refusal) return undefined;
    turn.log.info({ reason: refusal.reason, ...refusal.detail }, 'message not processed: the plan does not allow it');
    const text = this.deps.options.notices[NOTICE[refusal.reason]];
    if (text && (await this.firstToday(turn, refusal.reason))) {
      return {
        kind: 'answer',
        reason: refusal.reason,
        reply: { text, template: 'billing_notice', priority: 'system' },
      };
    }
    return { kind: 'drop', reason: refusal.reason };
  }

  private firstToday(turn: Turn, reason: DropReason): Promise<boolean> {
    const key = `billing:notice:${reason}:${turn.message.channel}:${turn.message.chat.id}`;
    return this.deps.kv.setIfAbsent(turn.tenantId, key, 1, DAY_MS);
  }
}
