import { ChannelError, type Role } from '@smmbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxToken, inboxMessageSchema, replyResponse } from '../src/index.js';
import { as, type InboxHost, openStream, say, startInboxHost } from './inbox-harness.js';

let host: InboxHost;

beforeAll(async () => {
  host = await startInboxHost();
});

afterAll(async () => {
  await host?.stop();
});

let seq = 0;
const clientId = () => `client-${Date.now()}-${++seq}`;

interface ReplyInput {
  channel?: string;
  chat_id?: string;
  text?: string;
  client_id?: string;
}

function reply(body: ReplyInput, headers: Record<string, string> = as('t1', 'staff')) {
  return fetch(`${host.base}/api/v1/inbox/reply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** What the web chat customer's page polls: the chat's messages, the bot's and staff's marked `bot`. */
async function customerSees(chatId: string): Promise<{ from: string; text: string }[]> {
  const res = await fetch(`${host.base}/webchat/messages?chatId=${encodeURIComponent(chatId)}&after=0`);
  return ((await res.json()) as { messages: { from: string; text: string }[] }).messages;
}

const sentTo = (chatId: string) => host.outbox.sent.filter((m) => m.chatId === chatId);

describe('staff reply to a customer from the inbox', () => {
  it('sends through the outbox once, even when posted twice at once or again with the same client_id', async () => {
    await say(host.base, '/webchat', 'dana', 'help');
    const body = { channel: 'webchat', chat_id: 'dana', text: 'Hi Dana, I am checking your order now.' };
    const id = clientId();
    const [first, second] = await Promise.all([reply({ ...body, client_id: id }), reply({ ...body, client_id: id })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const answers = [replyResponse.parse(await first.json()), replyResponse.parse(await second.json())];
    expect(answers.map((a) => a.duplicate).sort()).toEqual([false, true]);
    expect(answers[0]!.message).toEqual(answers[1]!.message);
    const retry = replyResponse.parse(await (await reply({ ...body, client_id: id })).json());
    expect(retry.duplicate).toBe(true);

    const staffSent = sentTo('dana').filter((m) => m.meta?.kind === 'staff_reply');
    expect(staffSent).toHaveLength(1);
    expect(staffSent[0]).toMatchObject({
      id: `dashboard:${id}`,
      tenantId: 't1',
      channel: 'webchat',
      priority: 'support',
      route: 'sticky',
    });
    expect(answers[0]!.message).toMatchObject({
      id: `staff:${id}`,
      text: body.text,
      role: 'staff',
      replies: [],
      staff: { userId: 'u1', delivery: 'sent' },
    });
    // The customer's page gets it like any message from the bot, once.
    const seen = (await customerSees('dana')).filter((m) => m.text === body.text);
    expect(seen).toEqual([expect.objectContaining({ from: 'bot' })]);
  });

  it('keeps the answer in the inbox (a reload shows it) under the customer’s name, and streams it to every open inbox', async () => {
    await say(host.base, '/webchat', 'erin', 'where is my order?');
    const owner = await openStream(host.base, 't1', 'owner');
    const staff = await openStream(host.base, 't1', 'staff');
    const other = await openStream(host.base, 't2', 'owner');
    await expect.poll(() => other.text()).toContain(': connected');
    const id = clientId();
    const res = await reply({ channel: 'webchat', chat_id: 'erin', text: 'It ships today.', client_id: id });
    expect(res.status).toBe(200);

    for (const stream of [owner, staff]) {
      const [event] = await stream.turns(1);
      expect(inboxMessageSchema.parse(event)).toMatchObject({ id: `staff:${id}`, chatId: 'erin', staff: {} });
      stream.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(other.text()).not.toContain('It ships today.');
    other.close();

    const inbox = (await (await fetch(`${host.base}/api/v1/inbox`, { headers: as('t1', 'staff') })).json()) as {
      conversations: { chatId: string; title: string; messages: { text: string; staff?: unknown }[] }[];
    };
    const erin = inbox.conversations.find((c) => c.chatId === 'erin')!;
    expect(erin.title).toBe('erin-user');
    expect(erin.messages.map((m) => m.text)).toEqual(['where is my order?', 'It ships today.']);
    expect(erin.messages[1]!.staff).toEqual({ userId: 'u1', delivery: 'sent' });
  });

  it('answers 404 for a chat of another workspace or an unknown channel, and sends nothing', async () => {
    const before = host.outbox.sent.length;
    const theirs = await reply({ channel: 'two', chat_id: 'bob', text: 'hello', client_id: clientId() });
    expect(theirs.status).toBe(404);
    expect(await theirs.json()).toEqual({ error: { code: 'E_NOT_FOUND', message: 'no such chat in this workspace' } });
    const none = await reply({ channel: 'nope', chat_id: 'x', text: 'hello', client_id: clientId() });
    expect(none.status).toBe(404);
    expect(host.outbox.sent.length).toBe(before);
  });

  it('needs a session (401) with dashboard.logs (403); staff, staff admins and owners may', async () => {
    const body = { channel: 'webchat', chat_id: 'fay', text: 'hello', client_id: clientId() };
    expect((await reply(body, {})).status).toBe(401);
    expect((await reply(body, as('t1', 'customer'))).status).toBe(403);
    for (const role of ['staff', 'staff_admin', 'owner'] as Role[]) {
      expect((await reply({ ...body, client_id: clientId() }, as('t1', role))).status).toBe(200);
    }
  });

  it('checks the body: 1..4000 characters of text, a client_id, no other fields', async () => {
    const ok = { channel: 'webchat', chat_id: 'gus', text: 'hello', client_id: clientId() };
    const cases: ReplyInput[] = [
      { ...ok, text: '   ' },
      { ...ok, text: 'x'.repeat(4001) },
      { ...ok, client_id: 'short' },
      { ...ok, client_id: undefined },
      { ...ok, chat_id: '' },
      { ...ok, extra: 1 } as ReplyInput,
    ];
    for (const body of cases) {
      const res = await reply(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_VALIDATION');
    }
    expect((await reply({ ...ok, text: 'x'.repeat(4000) })).status).toBe(200);
  });

  it('refuses the same client_id for another message (409)', async () => {
    const id = clientId();
    expect((await reply({ channel: 'webchat', chat_id: 'hal', text: 'one', client_id: id })).status).toBe(200);
    const clash = await reply({ channel: 'webchat', chat_id: 'hal', text: 'two', client_id: id });
    expect(clash.status).toBe(409);
  });

  it('says what went wrong in words staff can act on, never internals; a retry with the same id sends', async () => {
    const body = { channel: 'webchat', chat_id: 'ivy', text: 'are you there?', client_id: clientId() };
    host.outbox.failNext = new ChannelError('socket closed: ECONNRESET at 10.0.0.7:443', {
      retryable: true,
      details: { kind: 'unavailable' },
    });
    const down = await reply(body);
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({
      error: { code: 'E_CHANNEL_SEND', message: 'The channel is not connected right now. Try again in a moment.' },
    });
    const retried = await reply(body);
    expect(retried.status).toBe(200);
    expect(replyResponse.parse(await retried.json()).duplicate).toBe(false);

    const crash = new Error('TypeError: cannot read x of undefined\n    at /srv/smmbot/src/secret.ts:12:3');
    host.outbox.failNext = crash;
    const broken = await reply({ ...body, client_id: clientId() });
    expect(broken.status).toBe(500);
    const text = await broken.text();
    expect(text).not.toMatch(/TypeError|secret\.ts|at \//);
    expect(JSON.parse(text).error.code).toBe('E_INTERNAL');
    // Nothing failed reached the inbox.
    const inbox = host.engine.container.resolve(InboxToken).conversations('t1');
    const ivy = inbox.find((c) => c.chatId === 'ivy')!;
    expect(ivy.messages).toHaveLength(1);
  });
});
