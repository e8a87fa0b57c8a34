import type { InjectionToken } from 'tsyringe';
import type { ParsedCommand } from './commands/types.js';
import type { BotConfig } from './config/bot-config.js';
import type { Logger } from './logger.js';
import type { InboundMessage, ReplyPriority } from './message.js';
import type { TenantId } from './storage.js';

export type Role = 'customer' | 'staff' | 'staff_admin' | 'owner';

/** A reply a handler wants sent; the engine turns it into an OutboundMessage and runs the reply hook. */
export interface ReplyDraft {
  text: string;
  /** Template key (`help`, `order_status`, `error`, ...): custom templates and AI rewrites key on it. */
  template?: string;
  /** Facts (order ids, statuses, numbers, links) a rewrite must keep. */
  facts?: string[];
  /** Values a custom template may use as `{name}` (order_id, status, reason, ...). */
  vars?: Record<string, string | number>;
  /** Defaults to the chat the message came from. */
  chatId?: string;
  priority?: ReplyPriority;
}

/** A `verify` tap's decision to end the turn. Returning undefined lets the turn go on. */
export type Verdict = { kind: 'drop'; reason: string } | { kind: 'answer'; reason: string; reply: ReplyDraft };

/** A `command` tap's result; the first tap that returns one wins. */
export interface Outcome {
  replies: ReplyDraft[];
  /** Short machine-readable note for the log (e.g. `order_status`). */
  reason?: string;
}

/** An action that passed ownership, eligibility and cooldown checks, handed to `dispatch`. */
export interface DispatchAction {
  kind: string;
  orderIds: string[];
  params?: Record<string, unknown>;
}

export interface DispatchResult {
  /** Which route carried the action: `panel`, `provider-group`, `ticket`, ... */
  route: string;
  ok: boolean;
  detail?: Record<string, unknown>;
}

/** Typed access to the tenant's services (panel, stores, AI, ...), resolved from its container. */
export interface TurnServices {
  resolve<T>(token: InjectionToken<T>): T;
  has(token: InjectionToken<unknown>): boolean;
}

/** One inbound message's journey through the engine. A plain object: stages read and annotate it. */
export interface Turn {
  readonly id: string;
  readonly tenantId: TenantId;
  message: InboundMessage;
  role: Role;
  /** Linked panel username once the sender is verified. */
  panelUser?: string;
  /** BCP-47-ish language tag; `auto` until detected. */
  locale: string;
  command?: ParsedCommand;
  config: BotConfig;
  /** Raised by dirty commands and consolation: staff should look first. */
  priority: boolean;
  /** Silent mode (a silent group): the turn is processed and logged, but nothing is sent. */
  silent: boolean;
  log: Logger;
  services: TurnServices;
  /** Free-form annotations taps share within one turn. */
  state: Record<string, unknown>;
  /** Runs the `dispatch` hook for an action that passed ownership, eligibility and cooldown checks. */
  dispatch(action: DispatchAction): Promise<DispatchResult | undefined>;
}
