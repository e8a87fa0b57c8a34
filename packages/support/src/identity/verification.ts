import { type PanelCapability, type PanelClient, type ReplyDraft, Tokens, type Turn, type Verdict } from '@smmbot/core';
import type { SupportContext } from '../context.js';
import type { LogDraft } from '../state.js';
import { supportState } from '../state.js';
import { DEFAULT_TEMPLATES, draft, renderTemplate } from '../templates/defaults.js';
import { classify, type FlowInput } from './classify.js';
import {
  codeMatches,
  type FlowState,
  FlowStore,
  MAX_CODES_PER_WINDOW,
  newCode,
  sealCode,
  ISSUE_WINDOW_MS,
} from './otp.js';
import { isStaff } from './resolve.js';
import { type IdentityService, normalizeUsername } from './service.js';

/** What the message log keeps instead of a typed code. */
export const REDACTED_CODE = '[verification code]';

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

/**
 * The customer verification flow (spec "Customer Verification"), a `verify` tap for unlinked
 * customers while `verification_enabled`. Staff, linked customers, `!commands` and the commands that
 * work unverified (help, services, my username) pass through.
 *
 * Private chat: any message starts the flow (`welcome_message`); a username-like word while a
 * username is awaited (or a code is pending: asking again) is looked up on the panel and a code is
 * sent by panel ticket; a 6-digit number while a code is pending is checked (never taken for a
 * username: after an expiry or a lock it gets `verification_code_expired`). Order commands get
 * `verification_required`. Wrong codes count against `verification_max_attempts`; the last one
 * locks the flow for `verification_cooldown_seconds` and voids the code. At most 5 codes (panel
 * tickets) per identity and hour.
 *
 * Group chat: the flow answers only messages addressed to it — a greeting, an order command, a
 * username-like word when this sender was asked for its username (after a greeting, for 30 minutes),
 * a 6-digit number when this sender has a code pending (or just expired). Other chatter passes
 * through (and is ignored by the fallback as usual).
 *
 * Silent group: nothing is sent, so no code is issued; greetings and order commands get their
 * (unsent, logged) answers.
 */
export class VerificationFlow {
  constructor(
    private readonly ctx: SupportContext,
    private readonly service: IdentityService,
  ) {}

  async run(turn: Turn): Promise<Verdict | undefined> {
    const identity = supportState(turn).identity;
    if (!turn.config.verification_enabled || !identity || identity.panelUser || isStaff(turn.role)) return undefined;
    const input = classify(turn.message.text, turn.config.max_ids_per_message, turn.command);
    if (input.kind === 'admin' || input.kind === 'allowed') return undefined;
    const store = new FlowStore(this.ctx.kv, turn.tenantId, identity.id);
    const flow = await store.flow();
    const inGroup = turn.message.chat.kind === 'group';
    if (inGroup && !addressed(input, flow)) return undefined;
    if (turn.silent) return passive(turn, input);

    const now = this.ctx.clock.now();
    const lock = await store.lock();
    if (lock && lock.until > now) {
      if (input.kind === 'code') redact(turn);
      note(turn, 'refused', 'locked');
      return answer('verification_locked', draft('verification_locked', { minutes: minutes(lock.until - now) }));
    }
    switch (input.kind) {
      case 'greeting':
        if (flow?.stage !== 'code') await store.setFlow({ stage: 'username' });
        return welcome(turn);
      case 'order':
        if (!flow) await store.setFlow({ stage: 'username' });
        note(turn, 'refused', 'verification_required', { action: input.command.id, orderIds: input.command.ids });
        return answer('verification_required', draft('verification_required'));
      case 'code':
        if (flow?.stage === 'code') return this.checkCode(turn, store, input.code);
        // A 6-digit number is never taken for a username: it is an old code, or a misunderstanding.
        if (flow?.hadCode) return expired(turn);
        if (flow) return usernamePrompt(turn);
        break;
      case 'username':
        if (flow) return this.lookup(turn, store, input.username);
        break;
      case 'other':
        if (flow?.stage === 'username') return usernamePrompt(turn);
        if (flow?.stage === 'code') {
          note(turn, 'info', 'code_reminder');
          return answer('verification_code_reminder', draft('verification_code_sent'));
        }
        break;
    }
    await store.setFlow({ stage: 'username' });
    return welcome(turn);
  }

  /** Looks the username up on the panel and, when it exists, sends a code by panel ticket. */
  private async lookup(turn: Turn, store: FlowStore, typed: string): Promise<Verdict> {
    const identity = supportState(turn).identity!;
    const panel = this.panel(turn, 'users.get');
    if (!panel?.findUser) return this.unavailable(turn, 'users.get');
    const name = normalizeUsername(typed);
    note(turn, 'info', 'lookup');
    const user = await panel.findUser(name);
    if (!user) {
      await store.setFlow({ stage: 'username' });
      note(turn, 'refused', 'user_not_found');
      return answer('verification_user_not_found', draft('verification_user_not_found', { username: name }));
    }
    const now = this.ctx.clock.now();
    const window = await store.issued();
    if (window && window.count >= MAX_CODES_PER_WINDOW) {
      note(turn, 'refused', 'too_many_codes');
      const wait = minutes(window.since + ISSUE_WINDOW_MS - now);
      return answer('verification_locked', draft('verification_locked', { minutes: wait }));
    }
    const ticketPanel = this.panel(turn, 'tickets.create');
    if (!ticketPanel?.createTicket) return this.unavailable(turn, 'tickets.create');
    const ttlMs = turn.config.verification_code_ttl_seconds * 1000;
    const username = normalizeUsername(user.username || name);
    const code = newCode();
    const message = renderTemplate(DEFAULT_TEMPLATES.verification_ticket_message, { code, minutes: minutes(ttlMs) });
    await ticketPanel.createTicket(user.username || name, DEFAULT_TEMPLATES.verification_ticket_subject, message);
    await store.setCode(sealCode(identity.id, username, code, now + ttlMs), now);
    await store.setFlow({ stage: 'code', username, codeExpiresAt: now + ttlMs });
    await store.countIssued(now);
    note(turn, 'ok', 'code_sent');
    return answer('verification_code_sent', draft('verification_code_sent'));
  }

  /** Checks a typed code: expired, wrong (attempts left or locked), or right (linked for good). */
  private async checkCode(turn: Turn, store: FlowStore, code: string): Promise<Verdict> {
    redact(turn);
    const state = supportState(turn);
    const identity = state.identity!;
    const now = this.ctx.clock.now();
    const pending = await store.code();
    if (!pending || pending.expiresAt <= now) {
      await store.reset({ keepLock: true });
      await store.setFlow({ stage: 'username', hadCode: true });
      return expired(turn);
    }
    if (!codeMatches(pending, identity.id, code)) {
      const attempts = pending.attempts + 1;
      const max = turn.config.verification_max_attempts;
      if (attempts >= max) {
        const cooldownMs = turn.config.verification_cooldown_seconds * 1000;
        await store.reset({ keepLock: true });
        await store.setFlow({ stage: 'username', hadCode: true });
        await store.setLock(now + cooldownMs, now);
        note(turn, 'refused', 'locked');
        this.ctx.logger.info({ tenant: turn.tenantId, identity: identity.id }, 'verification locked after wrong codes');
        return answer('verification_locked', draft('verification_locked', { minutes: minutes(cooldownMs) }));
      }
      await store.setCode({ ...pending, attempts }, now);
      note(turn, 'refused', 'code_invalid');
      return answer('verification_code_invalid', draft('verification_code_invalid', { attempts_left: max - attempts }));
    }
    const linked = await this.service.link(turn.tenantId, identity, pending.username, 'otp');
    state.identity = linked.find((r) => r.id === identity.id) ?? { ...identity, panelUser: pending.username };
    turn.panelUser = pending.username;
    note(turn, 'ok', 'verified');
    return answer('verification_success', draft('verification_success'));
  }

  private panel(turn: Turn, capability: PanelCapability): PanelClient | undefined {
    if (!turn.services.has(Tokens.Panel)) return undefined;
    const panel = turn.services.resolve(Tokens.Panel);
    return panel.capabilities.has(capability) ? panel : undefined;
  }

  private unavailable(turn: Turn, capability: PanelCapability): Verdict {
    note(turn, 'error', `capability_missing:${capability}`);
    this.ctx.logger.warn(
      { tenant: turn.tenantId, capability },
      'customer verification needs a panel capability this panel does not have',
    );
    return answer('verification_unavailable', draft('action_unavailable', { action: 'verification' }));
  }
}

/** The group rule: which messages of an unlinked customer are meant for the flow. */
function addressed(input: FlowInput, flow: FlowState | undefined): boolean {
  switch (input.kind) {
    case 'greeting':
    case 'order':
      return true;
    case 'username':
      return flow?.stage === 'username';
    case 'code':
      return flow?.stage === 'code' || flow?.hadCode === true;
    default:
      return false;
  }
}

function passive(turn: Turn, input: FlowInput): Verdict | undefined {
  if (input.kind === 'greeting') return welcome(turn);
  if (input.kind !== 'order') return undefined;
  note(turn, 'refused', 'verification_required', { action: input.command.id, orderIds: input.command.ids });
  return answer('verification_required', draft('verification_required'));
}

function usernamePrompt(turn: Turn): Verdict {
  note(turn, 'info', 'username_prompt');
  return answer('verification_username_prompt', draft('verification_username_prompt'));
}

function expired(turn: Turn): Verdict {
  redact(turn);
  note(turn, 'refused', 'code_expired');
  return answer('verification_code_expired', draft('verification_code_expired'));
}

function welcome(turn: Turn): Verdict {
  note(turn, 'info', 'welcome');
  return answer('verification_welcome', draft('welcome_message'));
}

function answer(reason: string, reply: ReplyDraft): Verdict {
  return { kind: 'answer', reason, reply };
}

function note(turn: Turn, result: NonNullable<LogDraft['result']>, reason: string, extra: Partial<LogDraft> = {}) {
  Object.assign(supportState(turn).log, { action: 'verification', result, reason, ...extra });
}

/** A typed code never reaches the message log: the turn's text (and raw payload) is replaced. */
function redact(turn: Turn): void {
  turn.message = { ...turn.message, text: REDACTED_CODE, raw: undefined };
  // The engine parsed the message before this gate: its parse carries the digits too.
  if (turn.command) {
    turn.command = { ...turn.command, ids: [], args: [], extraText: '', raw: REDACTED_CODE, normalized: REDACTED_CODE };
  }
}
