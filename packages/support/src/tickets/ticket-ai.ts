import {
  acquireLeasedLock,
  type AiProvider,
  type BotConfig,
  type Channel,
  type InboundMessage,
  type PanelClient,
  type PanelTicket,
  type ParsedCommand,
  type ParseOptions,
  parseCommand,
  type TenantId,
  Tokens,
  type TurnResult,
} from '@smmbot/core';
import type { DependencyContainer } from 'tsyringe';
import type { SupportContext } from '../context.js';
import type { MessageLog } from '../log/message-log.js';
import { identityId } from '../records.js';
import { withSignature } from './signature.js';
import { aiReplyLogEntry, contextOrders, ticketAiMessages } from './ticket-ai-context.js';

/** The scheduler job id of the poll (one per tenant). */
export const TICKET_JOB_ID = 'ticket-ai';
/** A worker holds a ticket this long at most (spec: SET NX lock, TTL 5 min). */
export const TICKET_LOCK_TTL_MS = 5 * 60_000;
/** Answered tickets are not looked at again for this long (spec: `ticket_replied:{tenant}`, TTL 2 h). */
export const TICKET_REPLIED_TTL_MS = 2 * 60 * 60_000;
export const ticketLockKey = (ticketId: string) => `ticket-lock:${ticketId}`;
/** A ticket command's reply, kept until it is posted: `ticket-reply:<inbound message id>` (2 h). */
export const ticketReplyKey = (messageId: string) => `ticket-reply:${messageId}`;
export const ticketRepliedKey = (tenant: TenantId) => `ticket_replied:${tenant}`;
/** The internal channel command tickets run through (one per tenant: channels belong to one tenant). */
export const ticketChannelName = (tenant: TenantId) => `ticket:${tenant}`;
export const isTicketChannel = (channel: string) => channel.startsWith('ticket:');

/** The order actions a ticket may ask for (spec: Speedup, Refill, Cancel, Refund, Partial Refund). */
export const TICKET_ACTIONS: ReadonlySet<string> = new Set(['speedup', 'refill', 'cancel', 'refund', 'partial']);

const MAX_PAGES = 20;
const PAGE_SIZE = 100;
const MAX_TICKET_TEXT = 4000;

/** What applyTickets needs from the plugin context (`PluginContext` fields). */
export interface TicketHost {
  container: DependencyContainer;
  /**
   * The tenant's container (`PluginContext.containerFor`): a panel or AI configured for one tenant is
   * registered there, not in `container`. Defaults to `container`.
   */
  containerFor?: (tenant: TenantId) => DependencyContainer;
  /** The tenants the engine serves (`PluginContext.tenants`); defaults to `default` + tenants named in the options. */
  tenants?: readonly TenantId[];
  /** The engine's `handle` (`PluginContext.receive`): command tickets run through it like a chat command. */
  receive?: (message: InboundMessage) => Promise<TurnResult>;
  /** The tenant's panel; defaults to the panel registered in `containerFor(tenant)`. */
  panelFor?: (tenant: TenantId) => PanelClient | undefined;
  /** The AI; defaults to `Tokens.Ai` in `containerFor(tenant)` when registered. */
  aiFor?: (tenant: TenantId) => AiProvider | undefined;
}

export type TicketOutcome =
  | 'replied_command'
  | 'replied_ai'
  | 'already_replied'
  | 'locked'
  | 'no_message'
  | 'no_user'
  | 'left_for_staff'
  | 'failed';

export interface TicketPollResult {
  seen: number;
  outcomes: Record<string, TicketOutcome>;
}

/** The fixed text customers never get from us: without an AI the ticket is left to staff (see README). */
export const NO_AI_NOTE = 'no AI provider: left for staff';

/**
 * Ticket AI (spec "Ticket AI"). Polls the panel's tickets with `ticket_poll_subject` and answers each
 * once, whatever number of workers poll:
 * - a ticket in `ticket_replied:{tenant}` is skipped; else the worker takes `ticket-lock:<id>` (5 min)
 *   and checks the set again under the lock (another worker may have just answered and released);
 * - a **command ticket** (the command parser reads an action with order ids in the latest customer
 *   message) runs through the engine exactly like a chat command, as the ticket's panel user:
 *   ownership → eligibility → cooldown → dispatch, logged with serial, provider and provider order id
 *   (action `ticket:<command>`). The reply is the command's own reply: the model never decides or
 *   words an action;
 * - any other ticket gets an AI reply with that user's orders as context (only theirs), logged as
 *   `ticket:ai-reply`. Without an AI (or when it fails) nothing is posted and the ticket stays open
 *   for staff; it is not marked replied, so a later poll answers it once the AI is back;
 * - AI sign-offs are stripped and `ticket_signature` appended (fallback "Support Team"); the reply is
 *   posted as `ticket_reply_staff_name`; the ticket joins the replied set (2 h) and the lock is released.
 */
/** Tickets handled at once per poll: enough to overlap model latency, few enough for a panel's rate limit. */
export const TICKET_CONCURRENCY = 16;

export class TicketAi {
  private readonly channels = new Set<TenantId>();

  constructor(
    private readonly ctx: SupportContext,
    private readonly host: TicketHost,
    private readonly log: MessageLog,
  ) {}

  /** The tenants to poll for (see TicketHost.tenants). */
  tenants(): TenantId[] {
    if (this.host.tenants?.length) return [...this.host.tenants];
    return [...new Set(['default', ...Object.keys(this.ctx.options.tenants)])];
  }

  panel(tenant: TenantId): PanelClient | undefined {
    if (this.host.panelFor) return this.host.panelFor(tenant);
    const c = this.host.containerFor?.(tenant) ?? this.host.container;
    return c.isRegistered(Tokens.Panel, true) ? c.resolve(Tokens.Panel) : undefined;
  }

  private ai(tenant: TenantId): AiProvider | undefined {
    if (this.host.aiFor) return this.host.aiFor(tenant);
    const c = this.host.containerFor?.(tenant) ?? this.host.container;
    return c.isRegistered(Tokens.Ai, true) ? c.resolve(Tokens.Ai) : undefined;
  }

  /** Registers the tenant's internal `ticket:<tenant>` channel (replies are taken from the turn result). */
  ensureChannel(tenant: TenantId): void {
    if (this.channels.has(tenant)) return;
    this.channels.add(tenant);
    const name = ticketChannelName(tenant);
    if (this.ctx.channels.get(name)) return;
    const clock = this.ctx.clock;
    const channel: Channel = {
      name,
      tenantId: tenant,
      capabilities: { groups: false, typing: false, formatting: 'plain', maxTextLength: 10_000 },
      // The reply is posted to the panel ticket by the poll (with the signature), not by the outbox.
      send: async (message) => ({ message, sentAt: clock.now() }),
    };
    this.ctx.channels.add(channel);
  }

  /**
   * One poll for a tenant: every open/pending ticket with the subject, several at a time (the
   * per-ticket lock and the replied set keep two workers, or two slots, off the same ticket). The
   * panel's own rate limit still paces the requests.
   */
  async poll(tenant: TenantId): Promise<TicketPollResult> {
    const result: TicketPollResult = { seen: 0, outcomes: {} };
    const panel = this.panel(tenant);
    if (!panel?.listTickets || !panel.getTicket || !panel.replyTicket) return result;
    const config = await this.ctx.config.get(tenant);
    const tickets = await this.listOpen(panel, config.ticket_poll_subject);
    result.seen = tickets.length;
    let next = 0;
    const slot = async () => {
      while (next < tickets.length) {
        const ticket = tickets[next++]!;
        try {
          result.outcomes[ticket.id] = await this.handle(tenant, panel, ticket.id, config);
        } catch (err) {
          this.ctx.logger.warn({ err, tenant, ticket: ticket.id }, 'ticket AI: ticket failed');
          result.outcomes[ticket.id] = 'failed';
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(TICKET_CONCURRENCY, tickets.length) }, slot));
    return result;
  }

  private async listOpen(panel: PanelClient, subject: string): Promise<PanelTicket[]> {
    const seen = new Map<string, PanelTicket>();
    for (const status of ['pending', 'open'] as const) {
      for (let page = 0; page < MAX_PAGES; page++) {
        const rows = await panel.listTickets!({ subject, status, limit: PAGE_SIZE, offset: page * PAGE_SIZE });
        const before = seen.size;
        for (const t of rows) if (!seen.has(t.id)) seen.set(t.id, t);
        // An adapter that ignores offset returns the same page again: stop on no progress.
        if (rows.length < PAGE_SIZE || seen.size === before) break;
      }
    }
    return [...seen.values()];
  }

  /** Answers one ticket at most once across workers. */
  async handle(tenant: TenantId, panel: PanelClient, ticketId: string, config: BotConfig): Promise<TicketOutcome> {
    const { kv } = this.ctx;
    const replied = ticketRepliedKey(tenant);
    if (await kv.setHas(tenant, replied, ticketId)) return 'already_replied';
    // Renewed while this worker handles the ticket: if it dies, the ticket is free again within a lease.
    const lock = await acquireLeasedLock(kv, tenant, ticketLockKey(ticketId), {
      maxMs: TICKET_LOCK_TTL_MS,
      clock: this.ctx.clock,
    });
    if (!lock) return 'locked';
    try {
      // Checked again under the lock: another worker may have answered between our check and the lock.
      if (await kv.setHas(tenant, replied, ticketId)) return 'already_replied';
      const ticket = await panel.getTicket!(ticketId);
      if (!ticket || (ticket.status !== 'open' && ticket.status !== 'pending')) return 'already_replied';
      const messages = ticket.messages ?? [];
      const index = messages.findLastIndex((m) => m.author === 'customer' || m.author === 'unknown');
      const latest = messages[index];
      if (!latest?.text.trim()) return 'no_message';
      const user = ticket.user?.trim();
      // Without the ticket's user there is no ownership to check and no order context: staff take it.
      if (!user) return 'no_user';

      const command = this.parse(tenant, latest.text, config);
      let text: string | undefined;
      let outcome: TicketOutcome;
      if (TICKET_ACTIONS.has(command.id) && command.ids.length > 0 && this.host.receive) {
        text = await this.runCommand(tenant, ticket, user, latest.text, index);
        outcome = 'replied_command';
      } else {
        text = await this.aiReply(tenant, panel, ticket, user, latest.text);
        outcome = 'replied_ai';
      }
      if (text === undefined) return 'left_for_staff';
      const reply = withSignature(text, config.ticket_signature);
      await panel.replyTicket!(ticket.id, reply, { staffName: config.ticket_reply_staff_name || undefined });
      await kv.setAdd(tenant, replied, ticket.id, TICKET_REPLIED_TTL_MS);
      return outcome;
    } finally {
      await lock.release().catch(() => false);
    }
  }

  /** The same parse the engine does (the tenant's command words, `max_ids_per_message`). */
  parse(tenant: TenantId, text: string, config: BotConfig): ParsedCommand {
    const c = this.host.container;
    const words = c.isRegistered(Tokens.CommandLexicon, true)
      ? c.resolve(Tokens.CommandLexicon).forTenant(tenant)
      : undefined;
    const options: ParseOptions = { maxIds: config.max_ids_per_message, ...(words ?? {}) };
    return parseCommand(text, options);
  }

  /**
   * Runs the ticket's message through the engine as the ticket's panel user on the internal ticket
   * channel, with an identity linked to that user (the panel says who wrote the ticket). Returns the
   * command's reply, or undefined when the turn failed or said nothing (the ticket is left for staff).
   */
  private async runCommand(
    tenant: TenantId,
    ticket: PanelTicket,
    user: string,
    text: string,
    index: number,
  ): Promise<string | undefined> {
    this.ensureChannel(tenant);
    const channel = ticketChannelName(tenant);
    const address = `panel:${user.toLowerCase()}`;
    await this.linkIdentity(tenant, channel, address, user);
    const message: InboundMessage = {
      // One id per customer message: a redelivery (a second worker, a retry) is deduplicated by the engine.
      id: `ticket:${ticket.id}:${index}`,
      tenantId: tenant,
      channel,
      chat: { id: `ticket-${ticket.id}`, kind: 'private', title: ticket.subject },
      sender: { id: address, displayName: user },
      text: text.slice(0, MAX_TICKET_TEXT),
      sentAt: this.ctx.clock.now(),
      raw: { ticketId: ticket.id },
    };
    const result = await this.host.receive!(message);
    // Done already: a worker died after the turn and before posting its reply. Running the command
    // again would act twice; the reply the turn stored (applyTickets' settled tap) is posted instead.
    if (result.status === 'duplicate') return this.ctx.kv.get<string>(tenant, ticketReplyKey(message.id));
    if (result.status === 'failed') return undefined;
    return ticketReplyText(result.replies);
  }

  private async linkIdentity(tenant: TenantId, channel: string, address: string, user: string): Promise<void> {
    const id = identityId(channel, address);
    const existing = await this.ctx.identities.get(tenant, id);
    if (existing?.panelUser === user.toLowerCase()) return;
    const now = this.ctx.clock.now();
    await this.ctx.identities.upsert(tenant, {
      id,
      channel,
      address,
      aliases: existing?.aliases ?? [],
      displayName: user,
      panelUser: user.toLowerCase(),
      status: existing?.status ?? 'active',
      verifiedAt: now,
      verifiedBy: 'admin',
      lastActiveAt: now,
      createdAt: existing?.createdAt ?? now,
    });
  }

  private async aiReply(
    tenant: TenantId,
    panel: PanelClient,
    ticket: PanelTicket,
    user: string,
    text: string,
  ): Promise<string | undefined> {
    const ai = this.ai(tenant);
    if (!ai) {
      this.ctx.logger.debug({ tenant, ticket: ticket.id }, NO_AI_NOTE);
      return undefined;
    }
    const orders = await contextOrders(panel, user, text);
    const messages = ticketAiMessages(ticket, user, text, orders);
    let answer: string;
    try {
      answer = (await ai.complete(tenant, messages, { maxTokens: 500 })).trim();
    } catch (err) {
      this.ctx.logger.warn({ err, tenant, ticket: ticket.id }, 'ticket AI: the AI failed; left for staff');
      return undefined;
    }
    if (!answer) return undefined;
    const config = await this.ctx.config.get(tenant);
    const reply = withSignature(answer, config.ticket_signature);
    await this.log.record(tenant, aiReplyLogEntry(ticketChannelName(tenant), ticket, user, text, orders, reply));
    return answer;
  }
}

/** The ticket reply a command turn's replies make (undefined when they say nothing). */
export function ticketReplyText(replies: readonly { text: string }[]): string | undefined {
  const texts = replies.map((r) => r.text.trim()).filter(Boolean);
  return texts.length ? texts.join('\n\n') : undefined;
}
