import {
  type Channel,
  type ChannelCapabilities,
  type Clock,
  type DeliveryEvent,
  formatIssues,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  httpError,
  type InboundMessage,
  type LinkStatus,
  type Logger,
  type OutboundMessage,
  type SendReceipt,
  type TurnResult,
  WebhookIntake,
} from '@smmbot/core';
import {
  type GreenIncomingMessage,
  greenIncomingMessageSchema,
  greenOutgoingStatusSchema,
  greenSendResponseSchema,
  greenStateChangedSchema,
  greenStateResponseSchema,
  greenWebhookSchema,
} from './payload.js';
import { NumberCheck } from './numbers.js';
import { GreenRest } from './rest.js';
import { headerOf, safeEqual } from './webhook-auth.js';
import { deliveryOfStatus, linkOfState } from './signals.js';
import { Listeners } from '@smmbot/core';

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
  /** How long a `checkWhatsapp` answer is cached (both "has WhatsApp" and "has not"). */
  checkNumberCacheMs: number;
  /** Ask `getStateInstance` on start, so `link()` is right before the first `stateInstanceChanged`. */
  checkStateOnStart: boolean;
}

/** The inbound message id: `idMessage` is unique only within a chat, so it is prefixed with the chat id. */
export function greenMessageId(chatId: string, idMessage: string): string {
  return `${chatId}/${idMessage}`;
}

/**
 * Green API channel (a hosted WhatsApp gateway): one instance per Green API instance. Webhooks in
 * (`incomingMessageReceived` text messages to the engine; `stateInstanceChanged` and
 * `outgoingMessageStatus` to `onLink` / `onDelivery`; everything else is ignored), `sendMessage` out.
 */
export class GreenApiChannel implements Channel {
  readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: false,
    formatting: 'whatsapp',
    maxTextLength: 4096,
    antiBan: true,
  };
  readonly name: string;
  readonly tenantId: string;
  /** The durable hand-off to the engine (stored before the 200). */
  private readonly intake = new WebhookIntake(() => ({ logger: this.logger, channel: this.name }));
  private readonly rest: GreenRest;
  private readonly linkListeners: Listeners<LinkStatus>;
  private readonly deliveries: Listeners<DeliveryEvent>;
  private readonly numbers: NumberCheck;
  /** Until Green API says otherwise: Green API queues sends for 24 h whatever the state. */
  private linkStatus: LinkStatus = { state: 'connected', reason: 'assumed: Green API has not reported the state yet' };
  /** Bumped by every state report, so an older `getStateInstance` answer cannot undo a newer webhook. */
  private stateSeq = 0;
  private stateCheck?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly options: GreenApiChannelOptions,
    private readonly logger: Logger,
    private readonly clock: Clock,
    fetchFn: typeof fetch = fetch,
  ) {
    this.name = options.name;
    this.tenantId = options.tenant;
    this.rest = new GreenRest(options, this.name, clock, fetchFn);
    this.numbers = new NumberCheck(this.rest, clock, options.checkNumberCacheMs, this.name);
    const log = logger.child({ channel: this.name });
    this.linkListeners = new Listeners(log, 'link');
    this.deliveries = new Listeners(log, 'delivery');
  }

  /** The instance state: from `getStateInstance` on start, then `stateInstanceChanged` webhooks. */
  link(): LinkStatus {
    return { ...this.linkStatus };
  }

  onLink(listener: (status: LinkStatus) => void): () => void {
    return this.linkListeners.add(listener);
  }

  /** `outgoingMessageStatus` webhooks of our messages (needs the instance's `outgoingWebhook` setting). */
  onDelivery(listener: (event: DeliveryEvent) => void): () => void {
    return this.deliveries.add(listener);
  }

  private setLink(next: LinkStatus, source: string): void {
    this.stateSeq++;
    const prev = this.linkStatus;
    if (prev.state === next.state && prev.reason === next.reason && prev.code === next.code) return;
    this.linkStatus = next;
    const level = next.state === 'connected' && !next.reason ? 'info' : 'warn';
    this.logger[level]({ channel: this.name, link: next, source }, 'green api instance state changed');
    this.linkListeners.emit({ ...next });
  }

  /** Asks `getStateInstance` and applies it unless a webhook reported a state meanwhile. */
  async refreshState(): Promise<LinkStatus> {
    const seq = this.stateSeq;
    try {
      const answer = greenStateResponseSchema.safeParse(await this.rest.call('getStateInstance', 'getStateInstance'));
      if (!answer.success) throw new Error('getStateInstance answered without stateInstance');
      if (seq === this.stateSeq) this.setLink(linkOfState(answer.data.stateInstance), 'getStateInstance');
    } catch (err) {
      this.logger.warn({ err, channel: this.name }, 'green api instance state not known');
    }
    return this.link();
  }

  /**
   * Whether `phone` (digits, international form) has WhatsApp, via `checkWhatsapp`; answers the chat
   * id `<digits>@c.us` or undefined. Answers are cached for `checkNumberCacheMs`.
   */
  checkNumber(phone: string): Promise<string | undefined> {
    return this.numbers.check(phone);
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
    if (this.options.checkStateOnStart) this.stateCheck = this.refreshState().then(() => undefined);
  }

  /** Refuses new webhooks (503: Green API redelivers) and waits for accepted messages to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.stateCheck;
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
    const type = envelope.data.typeWebhook;
    if (type === 'incomingMessageReceived') {
      const incoming = greenIncomingMessageSchema.safeParse(body);
      if (!incoming.success) return this.reject(formatIssues(incoming.error, 'body'));
      inbound = this.toInbound(incoming.data);
    } else if (type === 'stateInstanceChanged' || type === 'outgoingMessageStatus') {
      return this.onSignal(body);
    } else {
      inbound = `type:${type}`;
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

  /** `stateInstanceChanged` → link; `outgoingMessageStatus` → delivery (or link, for `yellowCard`). */
  private onSignal(body: unknown): HttpResponse {
    const state = greenStateChangedSchema.safeParse(body);
    if (state.success) {
      this.setLink(linkOfState(state.data.stateInstance), 'stateInstanceChanged');
      return { status: 200, body: { ok: true } };
    }
    const status = greenOutgoingStatusSchema.safeParse(body);
    if (!status.success) return this.reject(formatIssues(status.error, 'body'));
    if (status.data.status === 'yellowCard') {
      this.setLink(linkOfState('yellowCard'), 'outgoingMessageStatus');
    } else {
      const event = deliveryOfStatus(status.data);
      if (event?.status === 'failed') {
        this.logger.warn(
          {
            channel: this.name,
            msgId: event.platformId,
            status: status.data.status,
            description: status.data.description,
          },
          'green api message failed',
        );
      }
      if (event) this.deliveries.emit(event);
    }
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

  /** `{ chatId, message }` (+ `quotedMessageId`); Green API takes no message id of ours, so `message.id` is not sent. */
  async send(message: OutboundMessage): Promise<SendReceipt> {
    const payload: Record<string, unknown> = { chatId: message.chatId, message: message.text };
    const prefix = `${message.chatId}/`;
    if (message.inReplyTo?.startsWith(prefix)) payload.quotedMessageId = message.inReplyTo.slice(prefix.length);
    const json = await this.rest.call('sendMessage', 'send', payload);
    const ok = greenSendResponseSchema.safeParse(json);
    return { message, platformId: ok.success ? ok.data.idMessage : undefined, sentAt: this.clock.now() };
  }
}
