import {
  type Channel,
  type ChannelCapabilities,
  ChannelError,
  type Clock,
  type InboundMessage,
  type Logger,
  type OutboundMessage,
  type SendReceipt,
  type TurnResult,
} from '@smmbot/core';
import { Telegraf, TelegramError } from 'telegraf';
import type { Update } from 'telegraf/types';
import { toTelegramHtml } from './format.js';
import { normalizeUpdate, type TgUpdate } from './normalize.js';

export interface TelegramChannelOptions {
  name: string;
  tenantId: string;
  token: string;
  mode: 'webhook' | 'polling';
  clock: Clock;
  /** Bot API root, e.g. a telegram-test-api emulator's `config.apiURL`. */
  apiRoot?: string;
  /** Webhook mode: when set, `start()` registers `<publicUrl><webhookPath>` with Telegram. */
  publicUrl?: string;
  webhookPath?: string;
  secretToken?: string;
}

/** The id in a bot token (`<id>:<secret>`), known before `getMe`. */
const botIdOf = (token: string): number | undefined => {
  const id = Number(token.split(':')[0]);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
};

/**
 * A Telegram bot account (telegraf). Inbound: text messages in private chats and groups; edits,
 * service messages, channel posts and messages from bots are ignored. Outbound: `sendMessage` with
 * our WhatsApp-style formatting converted to Telegram HTML.
 */
export class TelegramChannel implements Channel {
  readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: true,
    formatting: 'telegram-html',
    maxTextLength: 4096,
  };
  readonly name: string;
  readonly tenantId: string;
  /** The telegraf instance (tests replace `bot.telegram.callApi`). */
  readonly bot: Telegraf;
  private receiveFn?: (message: InboundMessage) => Promise<TurnResult>;
  private acceptFn?: (message: InboundMessage) => Promise<void>;
  private logger?: Logger;
  private polling = false;

  constructor(private readonly options: TelegramChannelOptions) {
    this.name = options.name;
    this.tenantId = options.tenantId;
    this.bot = new Telegraf(options.token, {
      telegram: { ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}), webhookReply: false },
    });
    // The default handler rethrows, which stops polling: one bad update must never stop the bot.
    this.bot.catch((err, ctx) => {
      this.logger?.error({ err, updateId: ctx.update.update_id, channel: this.name }, 'telegram update failed');
    });
    this.bot.use(async (ctx) => {
      const message = normalizeUpdate(ctx.update as TgUpdate, {
        channel: this.name,
        tenantId: this.tenantId,
        botId: ctx.botInfo?.id ?? botIdOf(options.token),
      });
      if (!message) return;
      if (!this.receiveFn) throw new Error(`telegram channel "${this.name}" is not connected to an engine`);
      // Webhook/polling acks wait only for the durable hand-off; the turn runs in the background.
      if (this.acceptFn) await this.acceptFn(message);
      else await this.receiveFn(message);
    });
  }

  /** Wired by the plugin once the engine is composed. */
  connect(
    receive: (message: InboundMessage) => Promise<TurnResult>,
    logger?: Logger,
    accept?: (message: InboundMessage) => Promise<void>,
  ): void {
    this.receiveFn = receive;
    this.acceptFn = accept;
    if (logger) this.logger = logger;
  }

  /** Runs one update through the bot (the webhook route calls this). Never throws for a bad update. */
  async handleUpdate(update: unknown): Promise<void> {
    await this.bot.handleUpdate(update as Update);
  }

  async start(): Promise<void> {
    // Idempotent: a channel started before the engine's start (restored at boot) is not launched twice.
    if (this.polling) return;
    this.bot.botInfo ??= await this.bot.telegram.getMe().catch((err: unknown) => {
      throw mapError(err, 'getMe');
    });
    if (this.options.mode === 'polling') {
      await new Promise<void>((resolve, reject) => {
        this.bot
          .launch(() => resolve())
          .catch((err: unknown) => {
            if (!this.polling) reject(mapError(err, 'launch'));
            else this.logger?.error({ err, channel: this.name }, 'telegram polling stopped');
            this.polling = false;
          });
      });
      this.polling = true;
    } else if (this.options.publicUrl && this.options.webhookPath) {
      const url = new URL(this.options.webhookPath, this.options.publicUrl).toString();
      await this.bot.telegram
        .setWebhook(url, this.options.secretToken ? { secret_token: this.options.secretToken } : {})
        .catch((err: unknown) => {
          throw mapError(err, 'setWebhook');
        });
    }
  }

  async stop(): Promise<void> {
    if (this.polling) {
      this.polling = false;
      this.bot.stop('smmbot stop');
    }
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    try {
      const sent = await this.bot.telegram.sendMessage(message.chatId, toTelegramHtml(message.text), {
        parse_mode: 'HTML',
      });
      return { message, platformId: String(sent.message_id), sentAt: this.options.clock.now() };
    } catch (err) {
      throw mapError(err, 'sendMessage');
    }
  }

  /** Best effort: Telegram shows "typing…" for about 5 s; failures are logged, never thrown. */
  async typing(chatId: string): Promise<void> {
    await this.bot.telegram.sendChatAction(chatId, 'typing').catch((err: unknown) => {
      this.logger?.debug({ err, channel: this.name }, 'telegram sendChatAction failed');
    });
  }
}

/** Maps a Bot API failure: 429 and 5xx and network errors are retryable, the rest (401, 403, 400) are not. */
export function mapError(err: unknown, method: string): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof TelegramError) {
    const code = err.code;
    const retryAfter = err.parameters?.retry_after;
    const retryable = code === 429 || code >= 500;
    return new ChannelError(`telegram ${method} failed: ${code} ${err.description}`, {
      cause: err,
      retryable,
      ...(code === 429 && typeof retryAfter === 'number' ? { retryAfterMs: retryAfter * 1000 } : {}),
      details: { method, status: code },
    });
  }
  return new ChannelError(`telegram ${method} failed: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
    retryable: true,
    details: { method },
  });
}
