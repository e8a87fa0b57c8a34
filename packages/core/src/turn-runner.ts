import { randomUUID } from 'node:crypto';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Clock } from './clock.js';
import { parseCommand } from './commands/parse.js';
import type { CommandLexicon, ParseOptions } from './commands/types.js';
import { PluginError, type SmmbotError, toSmmbotError } from './errors.js';
import type { EngineHooks } from './hooks.js';
import type { Logger } from './logger.js';
import type { InboundMessage, OutboundMessage } from './message.js';
import type { Outbox } from './outbox.js';
import type { KeyValueStore } from './storage.js';
import type { TenantConfigSource } from './tenant-config.js';
import { type TurnLease, TurnClaims } from './turn-claim.js';
import type { Outcome, ReplyDraft, Turn, TurnServices } from './turn.js';

/**
 * `duplicate`: handled already; `in_progress`: another worker holds a live claim on the message (its
 * turn is running), so nothing happened here and the caller should try again after the claim's lease.
 */
export type TurnStatus = 'answered' | 'silent' | 'dropped' | 'duplicate' | 'in_progress' | 'failed';

export interface TurnResult {
  turnId: string;
  status: TurnStatus;
  /** Why the turn ended as it did (`duplicate`, a verify reason, a command outcome reason, ...). */
  reason?: string;
  /** The messages handed to the outbox, after the reply hook. */
  replies: OutboundMessage[];
  error?: SmmbotError;
}

export interface TurnRunnerDeps {
  hooks: EngineHooks;
  kv: KeyValueStore;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  config: TenantConfigSource;
  containerFor(tenant: string): DependencyContainer;
  /**
   * The longest a turn holds its claim on a message: the claim is renewed while the turn runs, up to
   * this; a turn hung longer is given up, so the message is not lost for good.
   */
  claimTtlMs: number;
  /**
   * How long a claim lives unless renewed (default 30 s, at most `claimTtlMs`): after a worker dies
   * mid-turn, another may take the message this soon.
   */
  claimLeaseMs?: number;
  /** Handled message ids are remembered this long, so redeliveries are never answered twice. */
  doneTtlMs: number;
  /** Tenant command words for the parser, when a plugin registered them. */
  lexicon?: CommandLexicon;
}

/** How long a turn's claim lives unless renewed, when the engine does not say. */
export const DEFAULT_CLAIM_LEASE_MS = 30_000;

/** Runs one inbound message through dedupe → inbound → verify → command → reply → outbox. */
export class TurnRunner {
  private readonly services = new Map<string, TurnServices>();
  private readonly parseCache = new Map<string, { words: unknown; options: ParseOptions }>();
  private readonly claims: TurnClaims;

  constructor(private readonly deps: TurnRunnerDeps) {
    const leaseMs = Math.min(deps.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS, deps.claimTtlMs);
    this.claims = new TurnClaims(deps, { leaseMs, maxTurnMs: deps.claimTtlMs, doneTtlMs: deps.doneTtlMs });
  }

  async run(message: InboundMessage): Promise<TurnResult> {
    const { logger } = this.deps;
    const turnId = randomUUID();
    const bindings = { tenant: message.tenantId, channel: message.channel, msgId: message.id, turn: turnId };
    // The child logger is made on first use: most turns log one line, which can carry the bindings.
    let child: Logger | undefined;
    const lazyLog = () => {
      child ??= logger.child(bindings);
      return child;
    };
    const claim = await this.claims.claim(message.tenantId, message.channel, message.id, lazyLog);
    if (claim.kind !== 'owned') {
      logger.debug(bindings, claim.kind === 'duplicate' ? 'duplicate delivery ignored' : 'message is being handled');
      return { turnId, status: claim.kind, reason: claim.kind, replies: [] };
    }
    const lease = claim.lease;
    const replies: OutboundMessage[] = [];
    let turn: Turn | undefined;
    try {
      turn = await this.createTurn(turnId, message, lazyLog);
      const processed = await this.process(turn, replies);
      const result =
        turn.silent && processed.status === 'answered'
          ? { ...processed, status: 'silent' as const, reason: processed.reason ?? 'silent' }
          : processed;
      await this.settle(turn, result);
      await lease.done();
      const fields = { status: result.status, reason: result.reason, replies: replies.length };
      if (child) child.info(fields, 'turn handled');
      else logger.info({ ...bindings, ...fields }, 'turn handled');
      return result;
    } catch (thrown) {
      const failed = await this.fail(thrown, { turnId, message, turn, log: lazyLog(), replies, lease });
      if (turn) await this.settle(turn, failed);
      return failed;
    } finally {
      lease.stop();
    }
  }

  /** Runs `settled` taps (message logs, metrics); their failure is logged, never surfaced to the customer. */
  private async settle(turn: Turn, result: TurnResult): Promise<void> {
    if (!hasTaps(this.deps.hooks.settled)) return;
    await this.deps.hooks.settled.promise(turn, result).catch((err) => turn.log.error({ err }, 'a settled tap failed'));
  }

  private async createTurn(id: string, message: InboundMessage, log: () => Logger): Promise<Turn> {
    const hooks = this.deps.hooks;
    const turn: Turn = {
      id,
      tenantId: message.tenantId,
      message,
      role: 'customer',
      locale: 'auto',
      config: await this.deps.config.get(message.tenantId),
      priority: false,
      silent: false,
      get log() {
        return log();
      },
      services: this.servicesFor(message.tenantId),
      state: {},
      dispatch: (action) => hooks.dispatch.promise(action, turn),
    };
    return turn;
  }

  /** Parse options per tenant, cached: the parser compiles aliases and custom words once per object. */
  private parseOptions(turn: Turn): ParseOptions {
    const words = this.deps.lexicon?.forTenant(turn.tenantId);
    const maxIds = turn.config.max_ids_per_message;
    const cached = this.parseCache.get(turn.tenantId);
    if (cached && cached.words === words && cached.options.maxIds === maxIds) return cached.options;
    const options: ParseOptions = { maxIds, ...(words ?? {}) };
    this.parseCache.set(turn.tenantId, { words, options });
    return options;
  }

  /** One services object per tenant, not per turn: turns are the hot path. */
  private servicesFor(tenant: string): TurnServices {
    let services = this.services.get(tenant);
    if (!services) {
      const container = this.deps.containerFor(tenant);
      services = {
        resolve: <T>(token: InjectionToken<T>) => container.resolve(token),
        has: (token) => container.isRegistered(token, true),
      };
      this.services.set(tenant, services);
    }
    return services;
  }

  private async process(turn: Turn, replies: OutboundMessage[]): Promise<TurnResult> {
    const { hooks } = this.deps;
    // Hooks without taps are skipped: calling one still costs a promise and a compiled call.
    if (hasTaps(hooks.inbound)) turn.message = await hooks.inbound.promise(turn.message, turn);
    // Parsed before verify: gates (verification, permissions) decide on the command, not on raw text.
    const command = parseCommand(turn.message.text, this.parseOptions(turn));
    turn.command = command;
    if (command.dirty) turn.priority = true;
    const verdict = hasTaps(hooks.verify) ? await hooks.verify.promise(turn) : undefined;
    if (verdict?.kind === 'drop') return { turnId: turn.id, status: 'dropped', reason: verdict.reason, replies };
    if (verdict?.kind === 'answer') {
      await this.deliver(turn, [verdict.reply], replies);
      return { turnId: turn.id, status: 'answered', reason: verdict.reason, replies };
    }

    let outcome: Outcome | undefined = await hooks.command.get(command.id)?.promise(turn, command);
    if (!outcome && command.id !== 'unknown') outcome = await hooks.command.get('unknown')?.promise(turn, command);
    if (!outcome || outcome.replies.length === 0) {
      return { turnId: turn.id, status: 'silent', reason: outcome?.reason ?? 'no_handler', replies };
    }
    await this.deliver(turn, outcome.replies, replies);
    return { turnId: turn.id, status: 'answered', reason: outcome.reason, replies };
  }

  private async deliver(turn: Turn, drafts: ReplyDraft[], sent: OutboundMessage[]): Promise<void> {
    for (const draft of drafts) {
      const draftMessage = this.toOutbound(turn.message, draft, `r${sent.length + 1}`);
      const reply = this.deps.hooks.reply;
      const built = hasTaps(reply) ? await reply.promise(draftMessage, { turn }) : draftMessage;
      // Silent mode: the reply is built (and logged by `settled` taps) but never sent.
      if (!turn.silent) await this.send(built, turn.log);
      sent.push(built);
    }
  }

  private async send(message: OutboundMessage, log: Logger): Promise<void> {
    const receipt = await this.deps.outbox.send(message);
    // `sent` taps are side effects (transcripts, metrics): their failure must not fail the turn.
    if (hasTaps(this.deps.hooks.sent))
      this.deps.hooks.sent.promise(receipt).catch((err) => log.warn({ err }, 'a sent tap failed'));
  }

  /** `slot` makes the idempotency key: the same inbound message handled again yields the same ids. */
  private toOutbound(message: InboundMessage, draft: ReplyDraft, slot: string): OutboundMessage {
    return {
      id: `${message.channel}:${message.id}:${slot}`,
      tenantId: message.tenantId,
      channel: message.channel,
      chatId: draft.chatId ?? message.chat.id,
      text: draft.text,
      inReplyTo: message.id,
      priority: draft.priority ?? 'support',
      template: draft.template,
      facts: draft.facts,
      vars: draft.vars,
    };
  }

  /** The error boundary: log everything, tell the customer something safe, never rethrow. */
  private async fail(
    thrown: unknown,
    ctx: {
      turnId: string;
      message: InboundMessage;
      turn?: Turn;
      log: Logger;
      replies: OutboundMessage[];
      lease: TurnLease;
    },
  ): Promise<TurnResult> {
    const error = toSmmbotError(thrown);
    const where = error instanceof PluginError ? { plugin: error.plugin, hook: error.hook } : {};
    ctx.log.error({ err: error, errorCode: error.code, ...where }, 'turn failed');
    try {
      this.deps.hooks.error.call(error, ctx.turn);
    } catch (reporterError) {
      ctx.log.error({ err: reporterError }, 'an error reporter failed');
    }
    if (ctx.turn?.silent) {
      // A silent group gets no replies, not even an apology; the error is logged above.
      await ctx.lease.done();
      return { turnId: ctx.turnId, status: 'failed', reason: error.code, replies: ctx.replies, error };
    }
    const draft: ReplyDraft = { text: error.customerMessage, template: 'error' };
    let apology = this.toOutbound(ctx.message, draft, 'err');
    try {
      apology = await this.deps.hooks.reply.promise(apology, { turn: ctx.turn });
      // A reply tap must not smuggle technical detail into an error reply.
      if (!apology.text.trim()) apology = this.toOutbound(ctx.message, draft, 'err');
    } catch (replyError) {
      ctx.log.error({ err: replyError }, 'reply hook failed while building the error reply; sending it plain');
      apology = this.toOutbound(ctx.message, draft, 'err');
    }
    try {
      await this.send(apology, ctx.log);
      ctx.replies.push(apology);
      await ctx.lease.done();
    } catch (sendError) {
      // Nothing reached the customer: free the claim so a redelivery or a retry can try again.
      ctx.log.error({ err: sendError }, 'could not deliver the error reply');
      await ctx.lease.abandon().catch(() => undefined);
    }
    return { turnId: ctx.turnId, status: 'failed', reason: error.code, replies: ctx.replies, error };
  }
}

/** tapable's isUsed() counts interceptors, and every hook has ours: count taps instead. */
function hasTaps(hook: { taps: unknown[] }): boolean {
  return hook.taps.length > 0;
}
