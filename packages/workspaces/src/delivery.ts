import type { Channel, ChannelRegistry, Clock, Logger, Outbox, TenantId } from '@smmbot/core';
import { HttpFail } from './http-util.js';
import { maskPhone } from './phone.js';

export interface DeliveryDeps {
  channels: ChannelRegistry;
  outbox: () => Outbox;
  clock: Clock;
  logger: Logger;
  /** The tenant-less channel instance that sends sign-up and reset codes. */
  systemChannel?: string;
  /** With no channel able to deliver a code, print it in the log (demo / operator) instead of refusing. */
  logCodes: boolean;
  checkTimeoutMs?: number;
}

/** A channel with a login counts only while connected; webhook channels (no `link`) always do. */
const connected = (c: Channel): boolean => c.link === undefined || c.link().state === 'connected';

/**
 * Sends codes and credentials to a phone over WhatsApp: from the workspace's own WhatsApp numbers
 * (staff codes and credentials), else from the system channel, through the engine's outbox.
 */
export class Delivery {
  constructor(private readonly deps: DeliveryDeps) {}

  /** The senders to try, in order: the tenant's connected WhatsApp numbers, then the system channel. */
  private senders(tenant?: TenantId): Channel[] {
    const all = this.deps.channels.all();
    const own = tenant
      ? all.filter((c) => c.tenantId === tenant && c.capabilities.formatting === 'whatsapp' && connected(c))
      : [];
    const system = this.deps.systemChannel ? this.deps.channels.get(this.deps.systemChannel) : undefined;
    return [...own, ...(system && connected(system) && !own.includes(system) ? [system] : [])];
  }

  /**
   * Sends `text` to the phone; true once a channel (or the durable outbox) took it. A number the
   * channel knows is not on WhatsApp is refused with a 400: there is nowhere to send it.
   */
  async send(phone: string, text: string, meta: { tenant?: TenantId; template: string }): Promise<boolean> {
    for (const channel of this.senders(meta.tenant)) {
      const chatId = await this.chatId(channel, phone);
      if (chatId === null) {
        throw new HttpFail(400, 'E_NOT_ON_WHATSAPP', 'this phone number is not on WhatsApp');
      }
      if (chatId === undefined) continue;
      try {
        await this.deps.outbox().send({
          tenantId: channel.tenantId,
          channel: channel.name,
          chatId,
          text,
          priority: 'system',
          route: 'sticky',
          template: meta.template,
        });
        return true;
      } catch (err) {
        this.deps.logger.warn(
          { err, channel: channel.name, tenant: meta.tenant, phone: maskPhone(phone), template: meta.template },
          'could not hand the message to the outbox',
        );
      }
    }
    return false;
  }

  /**
   * Sends a one-time code; with no channel able to, prints it in the host's log when `logCodes` is
   * on (the spec's "printed by the host in its log"), else refuses with 503.
   */
  async sendCode(
    phone: string,
    code: string,
    text: string,
    meta: { tenant?: TenantId; purpose: string; ttlMs: number },
  ): Promise<'whatsapp' | 'log'> {
    if (await this.send(phone, text, { tenant: meta.tenant, template: `workspaces_otp_${meta.purpose}` })) {
      return 'whatsapp';
    }
    if (!this.deps.logCodes) {
      throw new HttpFail(503, 'E_UNAVAILABLE', 'no WhatsApp channel is connected to send the code; try again later');
    }
    const masked = maskPhone(phone);
    // The code is in the message text on purpose (a field named `otp` would be redacted): this is
    // the delivery path of a host without a system channel. The phone is masked.
    this.deps.logger.info(
      { tenant: meta.tenant, purpose: meta.purpose, phone: masked, expiresInS: Math.round(meta.ttlMs / 1000) },
      `one-time code ${code} for ${masked} (${meta.purpose}); printed here because no system channel could deliver it`,
    );
    return 'log';
  }

  /** The chat id for the phone on this channel: undefined when unknown (try the next), null when not on WhatsApp. */
  private async chatId(channel: Channel, phone: string): Promise<string | null | undefined> {
    if (!channel.checkNumber) return phone;
    const ms = this.deps.checkTimeoutMs ?? 10_000;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.deps.clock.setTimeout(() => reject(new Error(`number check timed out after ${ms} ms`)), ms);
    });
    try {
      return (await Promise.race([channel.checkNumber(phone), timeout])) ?? null;
    } catch (err) {
      this.deps.logger.warn({ err, channel: channel.name, phone: maskPhone(phone) }, 'number check failed');
      return undefined;
    } finally {
      if (timer) this.deps.clock.clearTimeout(timer);
    }
  }
}
