import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type Channel,
  type ChannelCapabilities,
  ChannelError,
  type Clock,
  formatIssues,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  httpError,
  type InboundMessage,
  type Logger,
  type OutboundMessage,
  type SendReceipt,
  type TurnResult,
  WebhookIntake,
} from '@smmbot/core';
import {
  type CloudMessage,
  type CloudValue,
  cloudValueSchema,
  cloudWebhookSchema,
  graphErrorSchema,
  graphSendResponseSchema,
} from './payload.js';

export interface CloudApiChannelOptions {
  name: string;
  tenant: string;
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  graphBaseUrl: string;
  webhookPath: string;
  /** Per-request timeout for Graph API calls. */
  timeoutMs: number;
  /** Accept Groups API messages (`group_id`, Official Business Accounts only). Off: they are ignored. */
  groups?: boolean;
}

/** The Groups API allows 10,000 groups per number; remembered group ids are capped at that. */
const MAX_KNOWN_GROUPS = 10_000;

/** Graph error codes that mean "slow down": 4 (app rate limit), 80007 (WABA rate limit), 130429 (throughput), 131056 (pair rate). */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131056]);
/** 190: access token expired or invalid. */
const AUTH_CODES = new Set([190]);

export function headerOf(req: HttpRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function queryOf(req: HttpRequest, name: string): string | undefined {
  const value = req.query[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time string comparison that does not leak the length through an exception. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** `sha256=<hex>` of the raw body, as Meta sends it in `X-Hub-Signature-256`. */
export function signCloudPayload(rawBody: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody, 'utf8').digest('hex')}`;
}

/**
 * WhatsApp Business Cloud API channel: one instance per business phone number. Inbound messages
 * arrive on a signed webhook; replies go out through `POST {graph}/{phone-number-id}/messages`.
 * Direct messages by default: Groups API messages (`group_id`) are ignored unless `groups` is on.
 */
export class CloudApiChannel implements Channel {
  readonly capabilities: ChannelCapabilities;
  readonly name: string;
  readonly tenantId: string;
  /** The durable hand-off to the engine (stored before the 200). */
  private readonly intake = new WebhookIntake(() => ({ logger: this.logger, channel: this.name }));
  private stopped = false;
  /** Group ids seen inbound: replies to them go out with `recipient_type: "group"`. */
  private readonly knownGroups = new Set<string>();

  constructor(
    private readonly options: CloudApiChannelOptions,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.name = options.name;
    this.tenantId = options.tenant;
    this.capabilities = { groups: options.groups ?? false, typing: false, formatting: 'whatsapp', maxTextLength: 4096 };
  }

  /** Wired by the plugin once the engine is composed. */
  connect(
    receive: (message: InboundMessage) => Promise<TurnResult>,
    accept?: (message: InboundMessage) => Promise<void>,
  ): void {
    this.intake.connect(receive, accept);
    this.stopped = false;
  }

  async start(): Promise<void> {
    this.stopped = false;
  }

  /** Refuses new webhooks (503, so Meta redelivers) and waits for the accepted ones to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /** Resolves when every accepted webhook message has been handed to the engine and settled. */
  async idle(): Promise<void> {
    await this.intake.idle();
  }

  routes(plugin: string): HttpRoute[] {
    return [
      { method: 'GET', path: this.options.webhookPath, plugin, handler: (req) => this.verifySubscription(req) },
      { method: 'POST', path: this.options.webhookPath, plugin, handler: (req) => this.handleDurably(req) },
    ];
  }

  /** Meta's subscription check: `hub.mode=subscribe`, our verify token → the challenge as plain text. */
  verifySubscription(req: HttpRequest): HttpResponse {
    const mode = queryOf(req, 'hub.mode');
    const token = queryOf(req, 'hub.verify_token') ?? '';
    const challenge = queryOf(req, 'hub.challenge') ?? '';
    if (mode === 'subscribe' && safeEqual(token, this.options.verifyToken)) {
      this.logger.info({ channel: this.name }, 'cloud api webhook verified');
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: challenge };
    }
    this.logger.warn({ channel: this.name, mode }, 'cloud api webhook verification refused');
    return httpError(403, 'E_FORBIDDEN', 'verification failed');
  }

  /** The signed POST: 401 unless the signature matches the raw body; 200 at once, then the engine. */
  handleWebhook(req: HttpRequest): HttpResponse {
    const signature = headerOf(req, 'x-hub-signature-256');
    if (req.rawBody === undefined || !signature) {
      this.logger.warn({ channel: this.name, hasRawBody: req.rawBody !== undefined }, 'cloud api webhook unsigned');
      return httpError(401, 'E_UNAUTHORIZED', 'missing signature');
    }
    if (!safeEqual(signature, signCloudPayload(req.rawBody, this.options.appSecret))) {
      this.logger.warn({ channel: this.name }, 'cloud api webhook signature mismatch');
      return httpError(401, 'E_UNAUTHORIZED', 'bad signature');
    }
    let body = req.body;
    if (body === undefined || typeof body === 'string') {
      try {
        body = JSON.parse(req.rawBody);
      } catch {
        body = undefined;
      }
    }
    const parsed = cloudWebhookSchema.safeParse(body);
    if (!parsed.success) {
      const issues = formatIssues(parsed.error, 'body');
      this.logger.warn({ channel: this.name, issues }, 'cloud api webhook body rejected');
      return httpError(400, 'E_BAD_REQUEST', 'not a WhatsApp Cloud API webhook', issues);
    }
    if (this.stopped || !this.intake.connected) {
      return httpError(503, 'E_UNAVAILABLE', 'channel is not accepting messages');
    }
    const messages = this.normalize(parsed.data);
    for (const message of messages) this.intake.handOff(message);
    return { status: 200, body: { ok: true } };
  }

  /** Turns a verified webhook body into inbound messages; everything else is counted and logged. */
  normalize(webhook: { object: string; entry: { changes: { field: string; value: unknown }[] }[] }): InboundMessage[] {
    const out: InboundMessage[] = [];
    let statuses = 0;
    const ignored: string[] = [];
    if (webhook.object !== 'whatsapp_business_account') {
      this.logger.debug({ channel: this.name, object: webhook.object }, 'cloud api webhook for another object');
      return out;
    }
    for (const entry of webhook.entry) {
      for (const change of entry.changes) {
        if (change.field !== 'messages') {
          ignored.push(`field:${change.field}`);
          continue;
        }
        const value = cloudValueSchema.safeParse(change.value);
        if (!value.success) {
          ignored.push('value:invalid');
          this.logger.warn(
            { channel: this.name, issues: formatIssues(value.error, 'value') },
            'cloud api change value skipped',
          );
          continue;
        }
        const phoneNumberId = value.data.metadata?.phone_number_id;
        if (phoneNumberId && phoneNumberId !== this.options.phoneNumberId) {
          ignored.push('other_number');
          continue;
        }
        statuses += value.data.statuses?.length ?? 0;
        for (const message of value.data.messages ?? []) {
          const inbound = this.toInbound(message, value.data);
          if (typeof inbound === 'string') ignored.push(inbound);
          else out.push(inbound);
        }
      }
    }
    if (statuses > 0 || ignored.length > 0) {
      this.logger.debug({ channel: this.name, statuses, ignored }, 'cloud api webhook items not handed to the engine');
    }
    return out;
  }

  private toInbound(message: CloudMessage, value: CloudValue): InboundMessage | string {
    if (message.group_id && !this.options.groups) return 'group';
    const userId = message.user_id ?? message.from_user_id;
    const contact = value.contacts?.find(
      (c) => (message.from && c.wa_id === message.from) || (userId && c.user_id === userId),
    );
    const bsuid = userId ?? contact?.user_id;
    const senderId = message.from ?? bsuid;
    if (!senderId) return 'no_sender';
    const own = value.metadata?.display_phone_number?.replace(/\D/g, '');
    if (own && message.from === own) return 'own';
    const text = textOf(message);
    if (text === undefined) return `type:${message.type}`;
    const aliases: Record<string, string> = {};
    if (message.from) aliases.wa_id = message.from;
    if (bsuid) aliases.bsuid = bsuid;
    if (message.group_id) this.rememberGroup(message.group_id);
    return {
      id: message.id,
      tenantId: this.tenantId,
      channel: this.name,
      chat: message.group_id ? { id: message.group_id, kind: 'group' } : { id: senderId, kind: 'private' },
      sender: { id: senderId, aliases, displayName: contact?.profile?.name },
      text,
      sentAt: message.timestamp ? Number(message.timestamp) * 1000 : this.clock.now(),
      raw: message,
    };
  }

  private rememberGroup(groupId: string): void {
    this.knownGroups.delete(groupId);
    this.knownGroups.add(groupId);
    if (this.knownGroups.size > MAX_KNOWN_GROUPS) {
      const oldest = this.knownGroups.values().next().value;
      if (oldest !== undefined) this.knownGroups.delete(oldest);
    }
  }

  /** The route's handler: the 200 goes out only after the messages of this request are stored. */
  handleDurably(req: HttpRequest): Promise<HttpResponse> {
    return this.intake.respond(() => this.handleWebhook(req));
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const url = `${this.options.graphBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.options.phoneNumberId)}/messages`;
    const payload: Record<string, unknown> = {
      messaging_product: 'whatsapp',
      recipient_type: this.knownGroups.has(message.chatId) ? 'group' : 'individual',
      to: message.chatId,
      type: 'text',
      text: { body: message.text, preview_url: false },
    };
    if (message.inReplyTo?.startsWith('wamid.')) payload.context = { message_id: message.inReplyTo };
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new ChannelError(`cloud api send failed: ${(err as Error).message}`, {
        cause: err,
        retryable: true,
        details: { channel: this.name },
      });
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) throw this.sendError(response, json);
    const ok = graphSendResponseSchema.safeParse(json);
    return {
      message,
      platformId: ok.success ? ok.data.messages[0]?.id : undefined,
      sentAt: this.clock.now(),
    };
  }

  private sendError(response: Response, json: unknown): ChannelError {
    const graph = graphErrorSchema.safeParse(json);
    const code = graph.success ? graph.data.error.code : undefined;
    const details = {
      channel: this.name,
      status: response.status,
      code,
      subcode: graph.success ? graph.data.error.error_subcode : undefined,
      fbtrace_id: graph.success ? graph.data.error.fbtrace_id : undefined,
    };
    const reason = graph.success && graph.data.error.message ? graph.data.error.message : `HTTP ${response.status}`;
    const message = `cloud api send failed (${response.status}${code === undefined ? '' : `, code ${code}`}): ${reason}`;
    if (response.status === 401 || (code !== undefined && AUTH_CODES.has(code))) {
      return new ChannelError(message, { retryable: false, details: { ...details, kind: 'unauthorized' } });
    }
    if (response.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
      return new ChannelError(message, {
        retryable: true,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after'), this.clock.now()),
        details: { ...details, kind: 'rate_limited' },
      });
    }
    if (response.status >= 500) {
      return new ChannelError(message, { retryable: true, details: { ...details, kind: 'unavailable' } });
    }
    return new ChannelError(message, { retryable: false, details: { ...details, kind: 'rejected' } });
  }
}

function textOf(message: CloudMessage): string | undefined {
  switch (message.type) {
    case 'text':
      return message.text?.body;
    case 'button':
      return message.button?.text;
    case 'interactive':
      return message.interactive?.button_reply?.title ?? message.interactive?.list_reply?.title;
    default:
      return undefined;
  }
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
