import { timingSafeEqual } from 'node:crypto';
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
  type GreenIncomingMessage,
  greenIncomingMessageSchema,
  greenSendResponseSchema,
  greenWebhookSchema,
} from './payload.js';

export interface GreenApiChannelOptions {
  name: string;
  tenant: string;
  idInstance: string;
  apiTokenInstance: string;
  apiUrl: string;
  /** The instance's `webhookUrlToken`; Green API sends it back as `Authorization: Bearer <token>`. */
  webhookToken: string;
  webhookPath: string;
  timeoutMs: number;
}

function headerOf(req: HttpRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** The inbound message id: `idMessage` is unique only within a chat, so it is prefixed with the chat id. */
export function greenMessageId(chatId: string, idMessage: string): string {
  return `${chatId}/${idMessage}`;
}

/**
 * Green API channel (a hosted WhatsApp gateway): one instance per Green API instance. Webhooks in
 * (`incomingMessageReceived` text messages; everything else is ignored), `sendMessage` out.
 */
export class GreenApiChannel implements Channel {
  readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: false,
    formatting: 'whatsapp',
    maxTextLength: 4096,
  };
  readonly name: string;
  readonly tenantId: string;
  /** The durable hand-off to the engine (stored before the 200). */
  private readonly intake = new WebhookIntake(() => ({ logger: this.logger, channel: this.name }));
  private stopped = false;

  constructor(
    private readonly options: GreenApiChannelOptions,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.name = options.name;
    this.tenantId = options.tenant;
  }

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

  /** Refuses new webhooks (503: Green API redelivers) and waits for accepted messages to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  async idle(): Promise<void> {
    await this.intake.idle();
  }

  routes(plugin: string): HttpRoute[] {
    return [{ method: 'POST', path: this.options.webhookPath, plugin, handler: (req) => this.handleDurably(req) }];
  }

  /** Checks the token, validates the body, answers 200 at once and hands text messages to the engine. */
  handleWebhook(req: HttpRequest): HttpResponse {
    const auth = headerOf(req, 'authorization');
    const presented = auth?.replace(/^Bearer\s+/i, '');
    if (!presented || !safeEqual(presented, this.options.webhookToken)) {
      this.logger.warn({ channel: this.name, hasAuth: auth !== undefined }, 'green api webhook unauthorized');
      return httpError(401, 'E_UNAUTHORIZED', 'bad webhook token');
    }
    let body = req.body;
    if ((body === undefined || typeof body === 'string') && req.rawBody !== undefined) {
      try {
        body = JSON.parse(req.rawBody);
      } catch {
        body = undefined;
      }
    }
    const envelope = greenWebhookSchema.safeParse(body);
    if (!envelope.success) return this.reject(formatIssues(envelope.error, 'body'));
    let inbound: InboundMessage | string;
    if (envelope.data.typeWebhook === 'incomingMessageReceived') {
      const incoming = greenIncomingMessageSchema.safeParse(body);
      if (!incoming.success) return this.reject(formatIssues(incoming.error, 'body'));
      inbound = this.toInbound(incoming.data);
    } else {
      inbound = `type:${envelope.data.typeWebhook}`;
    }
    if (typeof inbound === 'string') {
      this.logger.debug({ channel: this.name, ignored: inbound }, 'green api webhook not handed to the engine');
      return { status: 200, body: { ok: true } };
    }
    if (this.stopped || !this.intake.connected)
      return httpError(503, 'E_UNAVAILABLE', 'channel is not accepting messages');
    this.intake.handOff(inbound);
    return { status: 200, body: { ok: true } };
  }

  private reject(issues: string[]): HttpResponse {
    this.logger.warn({ channel: this.name, issues }, 'green api webhook body rejected');
    return httpError(400, 'E_BAD_REQUEST', 'not a Green API webhook', issues);
  }

  /** A normalized message, or why the webhook is ignored. */
  toInbound(webhook: GreenIncomingMessage): InboundMessage | string {
    const { senderData, messageData } = webhook;
    const text =
      messageData.typeMessage === 'textMessage'
        ? messageData.textMessageData?.textMessage
        : messageData.typeMessage === 'extendedTextMessage'
          ? messageData.extendedTextMessageData?.text
          : undefined;
    if (text === undefined) return `message:${messageData.typeMessage}`;
    const group = senderData.chatId.endsWith('@g.us');
    if (!group && !senderData.chatId.endsWith('@c.us')) return 'chat:unsupported';
    const senderId = senderData.sender ?? (group ? undefined : senderData.chatId);
    if (!senderId) return 'no_sender';
    const own = webhook.instanceData?.wid;
    if (own && senderId === own) return 'own';
    return {
      id: greenMessageId(senderData.chatId, webhook.idMessage),
      tenantId: this.tenantId,
      channel: this.name,
      chat: group
        ? { id: senderData.chatId, kind: 'group', title: senderData.chatName }
        : { id: senderData.chatId, kind: 'private' },
      sender: { id: senderId, displayName: senderData.senderName || senderData.senderContactName || undefined },
      text,
      sentAt: webhook.timestamp * 1000,
      raw: webhook,
    };
  }

  /** The route's handler: the 200 goes out only after the messages of this request are stored. */
  handleDurably(req: HttpRequest): Promise<HttpResponse> {
    return this.intake.respond(() => this.handleWebhook(req));
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const base = this.options.apiUrl.replace(/\/+$/, '');
    const url = `${base}/waInstance${encodeURIComponent(this.options.idInstance)}/sendMessage/${encodeURIComponent(this.options.apiTokenInstance)}`;
    const payload: Record<string, unknown> = { chatId: message.chatId, message: message.text };
    const prefix = `${message.chatId}/`;
    if (message.inReplyTo?.startsWith(prefix)) payload.quotedMessageId = message.inReplyTo.slice(prefix.length);
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new ChannelError(`green api send failed: ${(err as Error).name}`, {
        cause: err,
        retryable: true,
        details: { channel: this.name },
      });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw this.sendError(response, text);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const ok = greenSendResponseSchema.safeParse(json);
    return { message, platformId: ok.success ? ok.data.idMessage : undefined, sentAt: this.clock.now() };
  }

  private sendError(response: Response, text: string): ChannelError {
    const details = { channel: this.name, status: response.status, body: text.slice(0, 200) };
    const message = `green api send failed (HTTP ${response.status})`;
    if (response.status === 401 || response.status === 403) {
      return new ChannelError(message, { retryable: false, details: { ...details, kind: 'unauthorized' } });
    }
    if (response.status === 429) {
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

export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
