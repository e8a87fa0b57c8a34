import {
  ChannelError,
  type ChannelErrorKind,
  type Clock,
  type Collection,
  type HttpAuth,
  type HttpResponse,
  type HttpRoute,
  httpError,
  type Logger,
  SmmbotError,
  type StoredRecord,
  type TenantId,
  Tokens,
} from '@smmbot/core';
import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { InboxBuffer, InboxMessage } from './inbox.js';
import { errorResponses, replyBody, replyResponse } from './inbox-schema.js';

export type ReplyInput = z.output<typeof replyBody>;

export interface StaffRepliesDeps {
  inbox: InboxBuffer;
  /** The workspace's container: its outbox and channels (the root one when the host gives none). */
  containerFor(tenant: TenantId): DependencyContainer;
  clock: Clock;
  logger: Logger;
  /** How long a `client_id` is remembered: a retry within this sends nothing again. */
  rememberMs?: number;
}

/** A refusal with its HTTP status; the route turns it into the one JSON error shape. */
export class ReplyRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What staff read when the outbox would not take the message: what to do, never a stack or a token. */
const CHANNEL_TROUBLE: Record<ChannelErrorKind, string> = {
  unavailable: 'The channel is not connected right now. Try again in a moment.',
  unauthorized: 'The channel is logged out. Connect it again on the Channels page.',
  banned: 'The number of this channel is banned by WhatsApp.',
  timelock: 'WhatsApp blocks new messages from this number for a while. Try again later.',
  rate_limited: 'The platform is limiting messages right now. Try again in a minute.',
  rejected: 'The platform did not accept this message.',
};

/** The workspaces plugin's users: the dashboard reads only the phone, to say who answered. */
const WORKSPACE_USERS = 'workspace_users';
interface UserPhone extends StoredRecord {
  phone?: string;
}

interface Remembered {
  at: number;
  /** What the id was first used for: the same id with another message is a client bug (409). */
  fingerprint: string;
  result: Promise<InboxMessage>;
}

const MAX_REMEMBERED = 5000;

/**
 * Staff answering a customer from the inbox: the text goes to the chat through the workspace's outbox
 * (support priority, sticky to the channel the customer wrote to) under an idempotency key made from
 * the client's `client_id`, so a double click or a retry sends once — here (the same id answers with
 * the first result, even while it is in flight) and in a durable outbox (which keeps one job per id).
 * The sent message joins the conversation in the inbox buffer and every open stream of the workspace.
 */
export class StaffReplies {
  private readonly recent = new Map<string, Remembered>();
  private users?: Collection<UserPhone>;

  constructor(private readonly deps: StaffRepliesDeps) {}

  async reply(auth: HttpAuth, input: ReplyInput): Promise<{ message: InboxMessage; duplicate: boolean }> {
    this.forgetOld();
    const key = `${auth.tenantId}\u0000${input.client_id}`;
    const fingerprint = JSON.stringify([input.channel, input.chat_id, input.text]);
    const seen = this.recent.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        throw new ReplyRefused(409, 'E_CONFLICT', 'this client_id was used for another message');
      }
      return { message: await seen.result, duplicate: true };
    }
    const result = this.send(auth, input);
    this.recent.set(key, { at: this.deps.clock.now(), fingerprint, result });
    try {
      return { message: await result, duplicate: false };
    } catch (err) {
      // Nothing was sent: the same id may try again.
      this.recent.delete(key);
      throw err;
    }
  }

  private async send(auth: HttpAuth, input: ReplyInput): Promise<InboxMessage> {
    const tenant = auth.tenantId;
    const scope = this.deps.containerFor(tenant);
    const channel = scope.resolve(Tokens.Channels).get(input.channel);
    // Another workspace's channel gets the same answer as one that does not exist.
    if (!channel || channel.tenantId !== tenant) {
      throw new ReplyRefused(404, 'E_NOT_FOUND', 'no such chat in this workspace');
    }
    const receipt = await scope.resolve(Tokens.Outbox).send({
      id: `dashboard:${input.client_id}`,
      tenantId: tenant,
      channel: channel.name,
      chatId: input.chat_id,
      text: input.text,
      priority: 'support',
      route: 'sticky',
      meta: { kind: 'staff_reply', userId: auth.userId },
    });
    const before = this.deps.inbox.latest(tenant, channel.name, input.chat_id);
    const phone = await this.phoneOf(scope, tenant, auth.userId);
    const message: InboxMessage = {
      id: `staff:${input.client_id}`,
      at: this.deps.clock.now(),
      channel: channel.name,
      chatId: input.chat_id,
      chatKind: before?.chatKind ?? 'private',
      ...(before?.chatTitle ? { chatTitle: before.chatTitle } : {}),
      senderId: auth.userId,
      ...(phone ? { senderName: phone } : {}),
      role: auth.role,
      text: input.text,
      status: 'answered',
      replies: [],
      priority: false,
      staff: { userId: auth.userId, ...(phone ? { phone } : {}), delivery: receipt.status ?? 'sent' },
    };
    this.deps.inbox.push(tenant, message);
    return message;
  }

  /** The signed-in user's phone, from the workspaces plugin's records; undefined without that plugin. */
  private async phoneOf(scope: DependencyContainer, tenant: TenantId, userId: string): Promise<string | undefined> {
    try {
      if (!scope.isRegistered(Tokens.Store, true)) return undefined;
      this.users ??= scope.resolve(Tokens.Store).collection<UserPhone>({ name: WORKSPACE_USERS });
      const phone = (await this.users.get(tenant, userId))?.phone;
      return phone ? `+${phone.replace(/^\+/, '')}` : undefined;
    } catch (err) {
      this.deps.logger.debug({ err }, 'no phone for the staff user');
      return undefined;
    }
  }

  private forgetOld(): void {
    const horizon = this.deps.clock.now() - (this.deps.rememberMs ?? 15 * 60_000);
    for (const [key, entry] of this.recent) {
      if (entry.at >= horizon && this.recent.size <= MAX_REMEMBERED) break;
      this.recent.delete(key);
    }
  }
}

/** Every failure as the one JSON error shape, with text staff can act on; details go to the log. */
function refusal(err: unknown, logger: Logger, tenant: TenantId): HttpResponse {
  if (err instanceof ReplyRefused) return httpError(err.status, err.code, err.message);
  logger.warn({ err, tenant }, 'a staff reply from the inbox was not sent');
  if (err instanceof ChannelError) return httpError(502, err.code, CHANNEL_TROUBLE[err.kind]);
  if (err instanceof SmmbotError && err.code === 'E_QUOTA') return httpError(429, err.code, err.customerMessage);
  if (err instanceof SmmbotError && err.retryable) {
    return httpError(503, err.code, 'The message could not be sent right now. Try again in a moment.');
  }
  return httpError(500, 'E_INTERNAL', 'Something went wrong on our side: the message was not sent.');
}

/**
 * `POST /api/v1/inbox/reply`: staff (`dashboard.logs`: answering customers is their job) send a message
 * to a chat of their own workspace; the tenant is the session's, the channel must be one of its own.
 */
export function replyRoute(replies: StaffReplies, logger: Logger, plugin: string): HttpRoute {
  return {
    method: 'POST',
    path: '/api/v1/inbox/reply',
    plugin,
    auth: { kind: 'session', permission: 'dashboard.logs' },
    schema: {
      body: replyBody,
      response: { 200: replyResponse, ...errorResponses(400, 401, 403, 404, 409, 429, 500, 502, 503) },
      summary: 'Answer a customer from the inbox: sent once per client_id, shown to every open inbox',
      tags: ['dashboard'],
    },
    async handler(req) {
      const auth = req.auth!;
      try {
        const body = await replies.reply(auth, req.body as ReplyInput);
        return { headers: { 'cache-control': 'no-store' }, body };
      } catch (err) {
        return refusal(err, logger, auth.tenantId);
      }
    },
  };
}
