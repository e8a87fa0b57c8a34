import { ChannelError } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import { mapError, telegram, telegramOptions, toTelegramHtml } from '../src/index.js';
import { telegramFixture } from './fixture.js';

describe('toTelegramHtml', () => {
  it('converts WhatsApp-style formatting and escapes HTML', () => {
    expect(toTelegramHtml('*Order 1001*: _completed_ <b>&')).toBe('<b>Order 1001</b>: <i>completed</i> &lt;b&gt;&amp;');
    expect(toTelegramHtml('~old~ `code`')).toBe('<s>old</s> <code>code</code>');
  });
  it('leaves snake_case, arithmetic and URLs alone', () => {
    expect(toTelegramHtml('user_name_1 2*3*4 https://x.io/a_b_c')).toBe('user_name_1 2*3*4 https://x.io/a_b_c');
  });
});

describe('TelegramChannel', () => {
  it('sends HTML with parse_mode HTML', async () => {
    const { channel, sent } = telegramFixture();
    const receipt = await channel.send({
      tenantId: 'default',
      channel: 'telegram',
      chatId: '42',
      text: '*Status:* 1 < 2',
      priority: 'support',
    });
    expect(sent[0]!.payload).toMatchObject({ chat_id: '42', text: '<b>Status:</b> 1 &lt; 2', parse_mode: 'HTML' });
    expect(receipt.platformId).toBe('101');
  });

  it('maps 429 retry_after to retryAfterMs', async () => {
    const { channel, fixture } = telegramFixture();
    fixture.failNextSend('rate_limited');
    const err = await channel
      .send({ tenantId: 'default', channel: 'telegram', chatId: '42', text: 'x', priority: 'support' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(mapError(new Error('ECONNRESET'), 'sendMessage').retryable).toBe(true);
  });

  it('ignores edits (documented choice)', async () => {
    const { fixture, events } = telegramFixture();
    expect(await fixture.deliver(events.edit)).toEqual([]);
  });

  it('keeps working after an update whose handling throws (bot.catch)', async () => {
    let calls = 0;
    const { fixture, events, post } = telegramFixture({
      onReceive: () => {
        if (++calls === 1) throw new Error('engine exploded');
      },
    });
    const res = await post(events.privateText);
    expect(res.status).toBe(200);
    expect(await fixture.deliver(events.groupText)).toHaveLength(1);
    expect(calls).toBe(2);
  });
});

describe('webhook route', () => {
  it('answers 401 without the right secret header when secretToken is set', async () => {
    const { post, events, received } = telegramFixture({ secretToken: 's3cret' });
    expect((await post(events.privateText)).status).toBe(401);
    expect((await post(events.privateText, { 'x-telegram-bot-api-secret-token': 'nope' })).status).toBe(401);
    expect(received()).toEqual([]);
    expect((await post(events.privateText, { 'x-telegram-bot-api-secret-token': 's3cret' })).status).toBe(200);
    expect(received()).toHaveLength(1);
  });

  it('answers 400 on a body that is not an update', async () => {
    const { post } = telegramFixture();
    for (const body of [undefined, 'garbage', { hello: 1 }, { update_id: 'x' }, [1, 2]]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'E_BAD_REQUEST' } });
    }
  });
});

describe('telegram plugin options', () => {
  it('defaults to polling without publicUrl, webhook with it, and a token-derived webhook path', () => {
    expect(telegramOptions.parse({ token: '1:a' })).toMatchObject({ mode: 'polling', name: 'telegram' });
    const o = telegramOptions.parse({ token: '1:a', publicUrl: 'https://bot.example.com' });
    expect(o.mode).toBe('webhook');
    expect(o.webhookPath).toMatch(/^\/webhooks\/telegram\/[0-9a-f]{32}$/);
    expect(o.webhookPath).not.toContain('1:a');
  });
  it('rejects a missing token', () => {
    expect(() => telegram({} as never)).toThrow(/token/);
    expect(new ChannelError('x')).toBeInstanceOf(Error);
  });
});
