import { type InboundMessage, type TurnResult, VirtualClock } from '@smmbot/core';
import type { ChannelFixture } from '@smmbot/core/testing';
import { TelegramError } from 'telegraf';
import { TelegramChannel, telegramWebhookRoute } from '../src/index.js';

export const TOKEN = '123456:TEST-TOKEN';
export const BOT_ID = 123456;

type Failure = 'rate_limited' | 'unauthorized' | 'unavailable';
const FAILURES: Record<Failure, ConstructorParameters<typeof TelegramError>[0]> = {
  rate_limited: { error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } },
  unauthorized: { error_code: 403, description: 'Forbidden: bot was blocked by the user' },
  unavailable: { error_code: 502, description: 'Bad Gateway' },
};

let n = 0;
const message = (chat: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  message_id: ++n,
  date: 1_770_000_000,
  chat,
  from: { id: 42, is_bot: false, first_name: 'Masha', username: 'masha' },
  text: 'order 1001',
  ...extra,
});

/** A channel whose Bot API calls go to a fake `callApi`; updates go in through the webhook route. */
export function telegramFixture(options: { secretToken?: string; onReceive?: (m: InboundMessage) => void } = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 1, 12));
  const channel = new TelegramChannel({ name: 'telegram', tenantId: 'default', token: TOKEN, mode: 'webhook', clock });
  const sent: { chatId: string; text: string; payload: Record<string, unknown> }[] = [];
  const calls: string[] = [];
  const failures: Failure[] = [];
  let seq = 100;
  (channel.bot.telegram as unknown as { callApi: unknown }).callApi = async (
    method: string,
    payload: Record<string, unknown>,
  ) => {
    calls.push(method);
    if (method === 'getMe') {
      return { id: BOT_ID, is_bot: true, first_name: 'Support', username: 'smm_support_bot' };
    }
    if (method === 'sendMessage') {
      const failure = failures.shift();
      if (failure) throw new TelegramError(FAILURES[failure], { method, payload });
      sent.push({ chatId: String(payload.chat_id), text: String(payload.text), payload });
      return { message_id: ++seq, date: 1_770_000_000, chat: { id: Number(payload.chat_id), type: 'private' } };
    }
    throw new TelegramError({ error_code: 500, description: `${method} not faked` }, { method, payload });
  };
  let received: InboundMessage[] = [];
  channel.connect(async (m) => {
    received.push(m);
    options.onReceive?.(m);
    return {} as TurnResult;
  });
  const route = telegramWebhookRoute(channel, '/webhooks/telegram/x', 'test', options.secretToken);
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    route.handler({ method: 'POST', path: route.path, params: {}, query: {}, headers, body });

  const privateMsg = message({ id: 42, type: 'private', first_name: 'Masha' });
  const events = {
    privateText: { update_id: 1001, message: privateMsg },
    groupText: {
      update_id: 1002,
      message: message({ id: -100500, type: 'supergroup', title: 'Customers' }),
    },
    ownMessage: {
      update_id: 1003,
      message: message(
        { id: -100500, type: 'supergroup', title: 'Customers' },
        { from: { id: BOT_ID, is_bot: true, first_name: 'Support' } },
      ),
    },
    system: {
      update_id: 1004,
      message: {
        ...message({ id: -100500, type: 'supergroup', title: 'Customers' }),
        text: undefined,
        new_chat_members: [{ id: 77, is_bot: false, first_name: 'New' }],
      },
    },
    edit: { update_id: 1005, edited_message: { ...privateMsg, text: 'order 1002', edit_date: 1_770_000_100 } },
  };

  const fixture: ChannelFixture = {
    channel,
    async deliver(raw) {
      received = [];
      const res = await post(
        raw,
        options.secretToken ? { 'x-telegram-bot-api-secret-token': options.secretToken } : {},
      );
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      return received;
    },
    events,
    expect: { privateChatId: '42', groupChatId: '-100500', senderId: '42', text: 'order 1001' },
    sent: () => sent.map(({ chatId, text }) => ({ chatId, text })),
    failNextSend: (kind) => void failures.push(kind),
  };
  return { fixture, channel, sent, calls, post, events, received: () => received };
}
