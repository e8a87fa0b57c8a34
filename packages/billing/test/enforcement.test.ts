import { balancer, BalancerToken } from '@smmbot/balancer';
import { type AiError, basicCommands, type OutboundMessage, QuotaError, Tokens } from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { mediumOf, PlanError } from '../src/index.js';
import { type Options, start } from './helpers.js';

let app: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Channels of workspace `acme` (and one of `globex`); FakeChannel's medium comes from `channelMediums`. */
function channels() {
  const list = {
    wa1: new FakeChannel('wa1', 'acme'),
    wa2: new FakeChannel('wa2', 'acme'),
    wa3: new FakeChannel('wa3', 'acme'),
    tg: new FakeChannel('tg', 'acme'),
    web: new FakeChannel('web', 'acme'),
    mystery: new FakeChannel('mystery', 'acme'),
    gweb: new FakeChannel('gweb', 'globex'),
  };
  const channelMediums = {
    wa1: 'whatsapp',
    wa2: 'whatsapp',
    wa3: 'whatsapp',
    tg: 'telegram',
    web: 'webchat',
    gweb: 'webchat',
  } as const;
  return { list, channelMediums, plugins: Object.values(list).map((c) => c.plugin()) };
}

async function withChannels(options: Options) {
  const ch = channels();
  app = await start({
    before: ch.plugins,
    after: [basicCommands()],
    options: { channelMediums: ch.channelMediums, ...options },
  });
  const send = (c: FakeChannel, text = 'help', chat = 'chat-1') =>
    app!.engine.handle(c.message(text, { chat: { id: chat, kind: 'private' } }));
  return { ...ch.list, send };
}

describe('runtime enforcement: the verify gate', () => {
  it('drops messages on a medium the plan does not allow, answers on an allowed one', async () => {
    const c = await withChannels({ assign: { acme: 'free' } }); // free: webchat only
    const dropped = await c.send(c.wa1);
    expect(dropped).toMatchObject({ status: 'dropped', reason: 'plan_medium' });
    expect(c.wa1.sent).toEqual([]);
    const answered = await c.send(c.web);
    expect(answered.status).toBe('answered');
    expect(c.web.sent[0]!.text).toMatch(/Here is what I can do/);
    const line = app!.logs.lines.find((l) => l.reason === 'plan_medium');
    expect(line).toMatchObject({ tenant: 'acme', channel: 'wa1', medium: 'whatsapp', plan: 'free' });
  });

  it('drops everything for a workspace without an active subscription', async () => {
    const c = await withChannels({});
    expect(await c.send(c.web)).toMatchObject({ status: 'dropped', reason: 'plan_blocked' });
    expect(c.web.sent).toEqual([]);
  });

  it('sends a configured notice once a day per chat instead of silence', async () => {
    const c = await withChannels({ assign: { acme: 'free' }, notices: { medium: 'This number is not active yet.' } });
    expect((await c.send(c.tg)).reason).toBe('plan_medium');
    expect(c.tg.sent.map((m) => m.text)).toEqual(['This number is not active yet.']);
    expect(await c.send(c.tg)).toMatchObject({ status: 'dropped' });
    expect(c.tg.sent).toHaveLength(1);
    await app!.clock.advance(86_400_000);
    await c.send(c.tg);
    expect(c.tg.sent).toHaveLength(2);
  });

  it('treats a channel whose medium cannot be told as disallowed, unless told to allow', async () => {
    const denied = await withChannels({ assign: { acme: 'pro' } });
    expect((await denied.send(denied.mystery)).reason).toBe('plan_medium');
    await app!.stop();
    const allowed = await withChannels({ assign: { acme: 'pro' }, unknownMedium: 'allow' });
    expect((await allowed.send(allowed.mystery)).status).toBe('answered');
  });

  it('answers on the plan’s first phones only', async () => {
    const c = await withChannels({ assign: { acme: 'pro' } }); // pro: 2 phones
    expect((await c.send(c.wa1)).status).toBe('answered');
    expect((await c.send(c.wa2)).status).toBe('answered');
    expect(await c.send(c.wa3)).toMatchObject({ status: 'dropped', reason: 'plan_phone_limit' });
  });

  it('stops answering when the month’s messages are used up, and starts again next month', async () => {
    const c = await withChannels({ assign: { acme: 'free' } });
    await app!.as('master').patch('/api/v1/master/billing/plans/free', { limits: { messages_per_month: 2 } });
    expect((await c.send(c.web, 'help', 'a')).status).toBe('answered');
    expect((await c.send(c.web, 'help', 'b')).status).toBe('answered');
    expect(await c.send(c.web, 'help', 'c')).toMatchObject({ status: 'dropped', reason: 'plan_message_limit' });
    const usage = await app!.as('owner:acme').get('/api/v1/billing/usage');
    expect(usage.body).toMatchObject({
      period: '2026-01',
      messages: { used: 2, limit: 2 },
      phones: { used: 3, limit: 0 },
    });
    await app!.clock.advance(25 * 86_400_000); // February
    expect((await c.send(c.web, 'help', 'd')).status).toBe('answered');
    expect((await app!.as('owner:acme').get('/api/v1/billing/usage')).body.messages).toEqual({ used: 1, limit: 2 });
  });
});

describe('runtime enforcement: metered delivery and the module guard', () => {
  const proactive = (priority: OutboundMessage['priority'], extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
    tenantId: 'acme',
    channel: 'web',
    chatId: 'c1',
    text: 'news',
    priority,
    ...extra,
  });

  it('refuses broadcasts without the marketing module, and past the month’s limit', async () => {
    const c = await withChannels({ assign: { acme: 'free' } });
    const outbox = app!.engine.container.resolve(Tokens.Outbox);
    const err = await outbox.send(proactive('marketing')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaError);
    expect((err as QuotaError).details).toMatchObject({ reason: 'plan_module', module: 'marketing' });
    await outbox.send(proactive('system'));
    expect(c.web.sent).toHaveLength(1);
    await app!.as('master').patch('/api/v1/master/billing/plans/free', { limits: { messages_per_month: 1 } });
    const over = await outbox.send(proactive('system')).catch((e: unknown) => e);
    expect((over as QuotaError).details).toMatchObject({ reason: 'plan_message_limit', limit: 1 });
    expect(c.web.sent).toHaveLength(1);
  });

  it('meters the balancer’s queue: the send API needs send_api, a re-queued id is counted once', async () => {
    const ch = channels();
    app = await start({
      before: ch.plugins,
      after: [balancer()],
      options: { channelMediums: ch.channelMediums, assign: { acme: 'free', globex: 'pro' } },
    });
    const queue = app.engine.container.resolve(BalancerToken);
    const api = (tenantId: string, id: string) =>
      ({
        id,
        tenantId,
        channel: tenantId === 'acme' ? 'web' : 'gweb',
        chatId: 'c',
        text: 'pay',
        priority: 'system',
        meta: { source: 'api' },
      }) as OutboundMessage;
    const refused = await queue.enqueue(api('acme', 'm1')).catch((e: unknown) => e);
    expect((refused as QuotaError).details).toMatchObject({ module: 'send_api' });
    expect((await queue.enqueue(api('globex', 'm1'))).created).toBe(true);
    expect((await queue.enqueue(api('globex', 'm1'))).created).toBe(false);
    expect((await app.as('owner:globex').get('/api/v1/billing/usage')).body.messages.used).toBe(1);
  });

  it('requireModule throws a customer-safe PlanError; the AI provider is metered', async () => {
    const calls: string[] = [];
    app = await start({
      before: [
        {
          name: 'fake-ai',
          register: (c) =>
            c.register(Tokens.Ai, {
              useValue: {
                name: 'fake',
                complete: async (t) => {
                  calls.push(t);
                  return 'hi';
                },
              },
            }),
        },
      ],
      options: { assign: { acme: 'free', globex: 'pro' } },
    });
    await expect(app.billing.requireModule('acme', 'ai')).rejects.toBeInstanceOf(PlanError);
    const err = (await app.billing.requireModule('acme', 'ai').catch((e: unknown) => e)) as PlanError;
    expect(err.customerMessage).toBe(
      'This feature is not available on the current plan. Please contact the administrator.',
    );
    expect(err.details).toMatchObject({ module: 'ai', plan: 'free' });
    await expect(app.billing.requireModule('globex', 'ai')).resolves.toBeUndefined();
    expect(await app.billing.hasModule('globex', 'tickets')).toBe(true);

    const ai = app.engine.container.resolve(Tokens.Ai);
    const refused = await ai.complete('acme', [{ role: 'user', content: 'x' }]).catch((e: AiError) => e);
    expect(refused).toMatchObject({ kind: 'rejected' });
    await app.as('master').patch('/api/v1/master/billing/plans/pro', { limits: { ai_requests: 1 } });
    expect(await ai.complete('globex', [{ role: 'user', content: 'x' }])).toBe('hi');
    expect(await ai.complete('globex', [{ role: 'user', content: 'x' }]).catch((e: AiError) => e.kind)).toBe('limit');
    expect(calls).toEqual(['globex']);
  });
});

describe('mediumOf', () => {
  it('reads the option, then the channel class, then the name', () => {
    class TelegramChannel extends FakeChannel {}
    expect(mediumOf(new FakeChannel('x'), { x: 'greenapi' })).toBe('greenapi');
    expect(mediumOf(new TelegramChannel('support-bot'), {})).toBe('telegram');
    expect(mediumOf(new FakeChannel('whatsapp-cloud'), {})).toBe('whatsapp_cloud');
    expect(mediumOf(new FakeChannel('whatsapp'), {})).toBe('whatsapp');
    expect(mediumOf(new FakeChannel('greenapi:sales'), {})).toBe('greenapi');
    expect(mediumOf(new FakeChannel('fake'), {})).toBeUndefined();
  });
});
