import type { Balancer, EnqueueResult } from '@smmbot/balancer';
import {
  type AiChatMessage,
  type AiCompleteOptions,
  AiError,
  type AiProvider,
  type OutboundMessage,
  type Outbox,
  QuotaError,
  type SendReceipt,
  SYSTEM_TENANT,
  type TenantId,
} from '@smmbot/core';
import type { Billing } from './billing.js';
import type { Module } from './types.js';
import type { UsageMeter } from './usage.js';

/** A refusal for the send paths: a `QuotaError`, which the send API answers with 429 and its text. */
function refuse(tenant: TenantId, why: string, customer: string, details: Record<string, unknown>): QuotaError {
  return new QuotaError(`workspace ${tenant}: ${why}`, { details, customerMessage: customer });
}

/**
 * Counts every message handed for delivery against the plan's `messages_per_month`, and refuses
 * proactive ones (broadcasts, the send API) that the plan does not allow. Replies to an inbound
 * message are always let through (and counted): the `verify` gate already refused the turn if
 * the month was used up, and a turn is never cut off half-answered.
 */
export class MessageMeter {
  constructor(
    private readonly billing: Billing,
    private readonly meter: UsageMeter,
  ) {}

  async admit(message: OutboundMessage): Promise<void> {
    const tenant = message.tenantId;
    // The installation's own messages (sign-up and reset codes from the system number) are no workspace's usage.
    if (tenant === SYSTEM_TENANT) return;
    const reply = message.inReplyTo !== undefined;
    const e = await this.billing.entitlement(tenant);
    if (!reply) {
      if (e.blocked || !e.plan) {
        throw refuse(tenant, `no active subscription (${e.status})`, 'The subscription is not active.', {
          reason: 'plan_blocked',
        });
      }
      const needs: Module | undefined =
        message.meta?.source === 'api' ? 'send_api' : message.priority === 'marketing' ? 'marketing' : undefined;
      if (needs && !e.plan.modules.includes(needs)) {
        throw refuse(tenant, `plan "${e.plan.id}" lacks "${needs}"`, 'This feature is not included in the plan.', {
          reason: 'plan_module',
          module: needs,
        });
      }
    }
    const limit = e.plan?.limits.messages_per_month ?? null;
    if (!(await this.meter.take(tenant, 'messages', limit, !reply))) {
      throw refuse(
        tenant,
        `used the ${limit} messages of plan "${e.plan?.id}" this month`,
        'The monthly message quota of the plan is used up.',
        { reason: 'plan_message_limit', limit },
      );
    }
  }

  giveBack(tenant: TenantId): Promise<void> {
    if (tenant === SYSTEM_TENANT) return Promise.resolve();
    return this.meter.giveBack(tenant, 'messages');
  }
}

/** `Tokens.Outbox`, metered: replies, notices, broadcasts. */
export class MeteredOutbox implements Outbox {
  constructor(
    private readonly inner: Outbox,
    private readonly meter: MessageMeter,
  ) {}

  async send(message: OutboundMessage): Promise<SendReceipt> {
    await this.meter.admit(message);
    return this.inner.send(message);
  }

  drain(): Promise<void> {
    return this.inner.drain();
  }
}

/** `BalancerToken`, metered: what is enqueued directly (the send API). A message it already had is not counted twice. */
export class MeteredBalancer implements Balancer {
  constructor(
    private readonly inner: Balancer,
    private readonly meter: MessageMeter,
  ) {}

  async enqueue(message: OutboundMessage): Promise<EnqueueResult> {
    await this.meter.admit(message);
    let result: EnqueueResult;
    try {
      result = await this.inner.enqueue(message);
    } catch (err) {
      await this.meter.giveBack(message.tenantId);
      throw err;
    }
    if (!result.created) await this.meter.giveBack(message.tenantId);
    return result;
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    await this.meter.admit(message);
    return this.inner.send(message);
  }

  drain = () => this.inner.drain();
  status: Balancer['status'] = (tenant, id) => this.inner.status(tenant, id);
  snapshot: Balancer['snapshot'] = (tenant) => this.inner.snapshot(tenant);
  alerts: Balancer['alerts'] = (tenant, query) => this.inner.alerts(tenant, query);
  resolveAlert: Balancer['resolveAlert'] = (tenant, id) => this.inner.resolveAlert(tenant, id);
  attachChannel: NonNullable<Balancer['attachChannel']> = async (channel) => this.inner.attachChannel?.(channel);
  detachChannel: NonNullable<Balancer['detachChannel']> = async (channel) =>
    (await this.inner.detachChannel?.(channel)) ?? false;
}

/** `Tokens.Ai`, metered: the `ai` module and the plan's `ai_requests` a month. */
export class MeteredAi implements AiProvider {
  readonly name: string;
  readonly usage?: AiProvider['usage'];

  constructor(
    private readonly inner: AiProvider,
    private readonly billing: Billing,
    private readonly meter: UsageMeter,
  ) {
    this.name = inner.name;
    if (inner.usage) this.usage = (tenant, day) => inner.usage!(tenant, day);
  }

  async complete(tenant: TenantId, messages: AiChatMessage[], options?: AiCompleteOptions): Promise<string> {
    const e = await this.billing.entitlement(tenant);
    if (e.blocked || !e.plan?.modules.includes('ai')) {
      throw new AiError('rejected', `workspace ${tenant}: the plan does not include the "ai" module`, {
        details: { plan: e.plan?.id, module: 'ai' },
      });
    }
    const limit = e.plan.limits.ai_requests;
    if (!(await this.meter.take(tenant, 'ai', limit, true))) {
      throw new AiError('limit', `workspace ${tenant}: used the ${limit} AI requests of plan "${e.plan.id}"`, {
        details: { plan: e.plan.id, limit },
      });
    }
    return this.inner.complete(tenant, messages, options);
  }
}
