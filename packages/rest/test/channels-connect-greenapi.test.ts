import { type BotPlugin, SecretBox, Tokens } from '@smmbot/core';
import { memoryStorage } from '@smmbot/storage-memory';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ID_INSTANCE, incomingText } from '../../channel-greenapi/test/events.js';
import { startFakeGreenApi } from '../../channel-greenapi/test/fake-rest.js';
import { RUNTIME_CHANNELS, type RuntimeChannelRecord } from '../src/index.js';
import { Answers, captureLogs, expectNoSecrets, settle, watchTurns, webhook } from './channels-webhook-helpers.js';
import { A, B, type RestApp, restApp, SECRET } from './helpers.js';

const owner = `${A}:owner`;
const API_TOKEN = 'green-api-token-instance-SECRET';
const WEBHOOK_TOKEN = 'green-webhook-token-SECRET';
const PATH = `/webhooks/greenapi/${A}/green`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('runtime channels: a Green API instance connected from the dashboard', () => {
  let green: Awaited<ReturnType<typeof startFakeGreenApi>>;
  let storage: BotPlugin[];
  let app: RestApp;
  const logs = captureLogs();
  const answers = new Answers();
  const start = () =>
    restApp({
      storage,
      logger: logs.logger,
      runtimeChannels: { apiUrlAllowed: (url) => url.hostname === '127.0.0.1' },
    });
  const post = (body: unknown, headers: Record<string, string> = bearer(WEBHOOK_TOKEN), url = PATH) =>
    webhook(app, 'POST', url, { raw: JSON.stringify(body), headers });
  const phones = async (user = owner) =>
    ((await app.call(user, 'GET', '/api/v1/balancer/phones')).json().items as { channel: string }[])
      .map((p) => p.channel)
      .sort();
  /** Waits until the fake Green API got `n` `sendMessage` calls. */
  const sent = (n: number) => vi.waitFor(() => expect(green.requests).toHaveLength(n), { timeout: 5000 });

  beforeAll(async () => {
    green = await startFakeGreenApi();
    storage = memoryStorage();
    app = await start();
  });
  afterAll(async () => {
    await app?.stop();
    await green?.close();
    expect(logs.lines.join('\n')).toContain('green api webhook unauthorized');
    expectNoSecrets([API_TOKEN, WEBHOOK_TOKEN], answers.bodies, logs.lines);
  });

  it('connects with the given webhook token, shows it once, and attaches the instance to the balancer', async () => {
    // The one answer that shows the webhook token (kept out of `answers`).
    const res = await app.call(owner, 'POST', '/api/v1/channels', {
      kind: 'greenapi',
      name: 'green',
      id_instance: ID_INSTANCE,
      api_token_instance: API_TOKEN,
      api_url: green.apiUrl,
      webhook_token: WEBHOOK_TOKEN,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(API_TOKEN);
    expect(res.json()).toEqual({
      name: `${A}.green`,
      kind: 'greenapi',
      login_available: false,
      link: { state: expect.any(String), reason: expect.anything(), code: null },
      webhook_url: PATH,
      webhook_token: WEBHOOK_TOKEN,
    });
    // Green API is anti-ban: the instance is one of A's phones, and its state was asked.
    expect(await phones()).toEqual([`${A}.green`, 'phone-a']);
    expect(await phones(`${B}:owner`)).toEqual(['phone-b']);
    await vi.waitFor(() => expect(green.stateRequests.length).toBeGreaterThan(0));
    expect(green.stateRequests[0]!.url).toBe(`/waInstance${ID_INSTANCE}/getStateInstance/${API_TOKEN}`);

    const record = await app.engine.container
      .resolve(Tokens.Store)
      .collection<RuntimeChannelRecord>({ name: RUNTIME_CHANNELS, indexes: ['createdAt'] })
      .get(A, `${A}.green`);
    for (const secret of [API_TOKEN, WEBHOOK_TOKEN]) expect(JSON.stringify(record)).not.toContain(secret);
    expect(JSON.parse(new SecretBox(SECRET).open(record!.sealed))).toEqual({
      green: {
        idInstance: ID_INSTANCE,
        apiTokenInstance: API_TOKEN,
        apiUrl: green.apiUrl,
        webhookToken: WEBHOOK_TOKEN,
      },
    });
    const listed = answers.keep(await app.call(owner, 'GET', '/api/v1/channels'));
    expect(listed.json().items).toContainEqual(expect.objectContaining({ name: `${A}.green`, kind: 'greenapi' }));
  });

  it('refuses a webhook without the bearer token or with another one (401) and hands nothing on', async () => {
    const turns = watchTurns(app);
    const body = incomingText({ idMessage: 'NOAUTH1', text: 'help' });
    for (const headers of [{}, bearer('not-the-webhook-token'), { authorization: WEBHOOK_TOKEN.slice(0, -1) }]) {
      const res = answers.keep(await post(body, headers));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('E_UNAUTHORIZED');
    }
    await settle();
    expect(turns.accepted).toEqual([]);
    expect(turns.settled).toEqual([]);
    expect(green.requests).toEqual([]);
  });

  it('hands a message with the token to the engine, replies through sendMessage, and answers a replay once', async () => {
    const turns = watchTurns(app);
    const res = answers.keep(await post(incomingText({ idMessage: 'GREEN1', text: 'help' })));
    expect(res.statusCode, res.body).toBe(200);
    await sent(1);
    expect(green.requests[0]).toMatchObject({
      url: `/waInstance${ID_INSTANCE}/sendMessage/${API_TOKEN}`,
      body: { chatId: '79001234567@c.us', message: expect.stringContaining('Here is what I can do') },
    });
    expect((await post(incomingText({ idMessage: 'GREEN1', text: 'help' }))).statusCode).toBe(200);
    await vi.waitFor(() => expect(turns.accepted).toEqual(['79001234567@c.us/GREEN1', '79001234567@c.us/GREEN1']));
    await settle();
    expect(turns.settled).toEqual([{ id: '79001234567@c.us/GREEN1', status: 'answered' }]);
    await settle();
    expect(green.requests).toHaveLength(1);
  });

  it('answers 404 for another workspace, another kind, or an unknown name; B cannot touch it', async () => {
    const body = incomingText({ idMessage: 'ELSEWHERE' });
    for (const url of [
      `/webhooks/greenapi/${B}/green`,
      '/webhooks/greenapi/nobody/green',
      `/webhooks/greenapi/${A}/nope`,
      `/webhooks/whatsapp-cloud/${A}/green`,
    ]) {
      const res = answers.keep(await post(body, bearer(WEBHOOK_TOKEN), url));
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('E_NOT_FOUND');
    }
    const other = `${B}:owner`;
    expect(answers.keep(await app.call(other, 'GET', '/api/v1/channels')).body).not.toContain(`${A}.green`);
    expect((await app.call(other, 'DELETE', `/api/v1/channels/${A}.green`)).statusCode).toBe(404);
    const twice = await app.call(other, 'POST', '/api/v1/channels', {
      kind: 'greenapi',
      id_instance: Number(ID_INSTANCE),
      api_token_instance: 'another-token',
      api_url: green.apiUrl,
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toBe('this Green API instance is already connected');
    const admin = await app.call(`${A}:staff_admin`, 'POST', '/api/v1/channels', {
      kind: 'greenapi',
      id_instance: '1',
      api_token_instance: 'x',
    });
    expect(admin.statusCode).toBe(403);
  });

  it('generates a webhook token when none is given, and refuses one shorter than 8 characters', async () => {
    const other = `${B}:owner`;
    const short = await app.call(other, 'POST', '/api/v1/channels', {
      kind: 'greenapi',
      id_instance: '1101000099',
      api_token_instance: 'b-token',
      api_url: green.apiUrl,
      webhook_token: 'short',
    });
    expect(short.statusCode).toBe(400);
    expect(short.body).not.toContain('"short"');
    const res = await app.call(other, 'POST', '/api/v1/channels', {
      kind: 'greenapi',
      id_instance: '1101000099',
      api_token_instance: 'b-token',
      api_url: green.apiUrl,
    });
    expect(res.statusCode, res.body).toBe(200);
    const { name, webhook_url, webhook_token } = res.json();
    expect(name).toBe(`${B}.green-1101000099`);
    expect(webhook_url).toBe(`/webhooks/greenapi/${B}/green-1101000099`);
    expect(webhook_token).toMatch(/^[\w-]{32}$/);
    // A's token does not open B's webhook.
    expect((await post(incomingText({ idMessage: 'B1' }), bearer(WEBHOOK_TOKEN), webhook_url)).statusCode).toBe(401);
    expect((await app.call(other, 'DELETE', `/api/v1/channels/${name}`)).json()).toEqual({ ok: true });
  });

  it('is restored after a restart on the same store: attached again, its webhook answers', async () => {
    await app.stop();
    app = await start();
    expect(await phones()).toEqual([`${A}.green`, 'phone-a']);
    const res = await post(incomingText({ idMessage: 'GREEN2', text: 'help' }));
    expect(res.statusCode, res.body).toBe(200);
    await sent(2);
  });

  it('answers 404 on its webhook once disconnected, and leaves the balancer', async () => {
    expect(answers.keep(await app.call(owner, 'DELETE', `/api/v1/channels/${A}.green`)).json()).toEqual({ ok: true });
    expect((await post(incomingText({ idMessage: 'GREEN3', text: 'help' }))).statusCode).toBe(404);
    expect(await phones()).toEqual(['phone-a']);
  });
});
