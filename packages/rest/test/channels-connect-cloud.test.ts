import { type BotPlugin, SecretBox, Tokens } from '@smmbot/core';
import { memoryStorage } from '@smmbot/storage-memory';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signCloudPayload } from '../../channel-whatsapp-cloud/src/index.js';
import { PHONE_NUMBER_ID, textMessage } from '../../channel-whatsapp-cloud/test/events.js';
import { startFakeGraph } from '../../channel-whatsapp-cloud/test/fake-graph.js';
import { RUNTIME_CHANNELS, type RuntimeChannelRecord } from '../src/index.js';
import { Answers, captureLogs, expectNoSecrets, settle, watchTurns, webhook } from './channels-webhook-helpers.js';
import { A, B, type RestApp, restApp, SECRET } from './helpers.js';

const owner = `${A}:owner`;
const ACCESS_TOKEN = 'EAAG-runtime-access-token-SECRET';
const APP_SECRET = 'runtime-app-secret-SECRET';
const PATH = `/webhooks/whatsapp-cloud/${A}/meta`;

describe('runtime channels: a WhatsApp Cloud API number connected from the dashboard', () => {
  let graph: Awaited<ReturnType<typeof startFakeGraph>>;
  let storage: BotPlugin[];
  let app: RestApp;
  let verifyToken: string;
  const logs = captureLogs();
  const answers = new Answers();
  /** Loopback is not a Graph host: the test allows it (the default policy is checked below). */
  const start = () =>
    restApp({
      storage,
      logger: logs.logger,
      runtimeChannels: { apiUrlAllowed: (url) => url.hostname === '127.0.0.1' },
    });
  const signed = (body: unknown, secret = APP_SECRET) => {
    const raw = JSON.stringify(body);
    return { raw, headers: { 'x-hub-signature-256': signCloudPayload(raw, secret) } };
  };
  /** Waits until the fake Graph API got `n` sends. */
  const sent = (n: number) => vi.waitFor(() => expect(graph.requests).toHaveLength(n), { timeout: 5000 });

  beforeAll(async () => {
    graph = await startFakeGraph();
    storage = memoryStorage();
    app = await start();
  });
  afterAll(async () => {
    await app?.stop();
    await graph?.close();
    const logged = logs.lines.join('\n');
    for (const line of [
      'runtime channel connected',
      'cloud api webhook signature mismatch',
      'runtime channels restored',
    ])
      expect(logged).toContain(line);
    expectNoSecrets([ACCESS_TOKEN, APP_SECRET, verifyToken], answers.bodies, logs.lines);
  });

  it('connects: the webhook path and a generated verify token are shown once, the secrets are sealed', async () => {
    // The one answer that shows the verify token (kept out of `answers`).
    const res = await app.call(owner, 'POST', '/api/v1/channels', {
      kind: 'whatsapp-cloud',
      name: 'meta',
      phone_number_id: PHONE_NUMBER_ID,
      access_token: ACCESS_TOKEN,
      app_secret: APP_SECRET,
      graph_base_url: graph.baseUrl,
    });
    expect(res.statusCode, res.body).toBe(200);
    for (const secret of [ACCESS_TOKEN, APP_SECRET]) expect(res.body).not.toContain(secret);
    const body = res.json();
    verifyToken = body.verify_token;
    expect(verifyToken).toMatch(/^[\w-]{32}$/);
    expect(body).toEqual({
      name: `${A}.meta`,
      kind: 'whatsapp-cloud',
      login_available: false,
      link: null,
      webhook_url: PATH,
      verify_token: verifyToken,
    });
    const listed = answers.keep(await app.call(owner, 'GET', '/api/v1/channels'));
    expect(listed.json().items).toContainEqual(expect.objectContaining({ name: `${A}.meta`, kind: 'whatsapp-cloud' }));
    expect(listed.body).not.toContain(verifyToken);

    const record = await app.engine.container
      .resolve(Tokens.Store)
      .collection<RuntimeChannelRecord>({ name: RUNTIME_CHANNELS, indexes: ['createdAt'] })
      .get(A, `${A}.meta`);
    expect(record).toMatchObject({ name: 'meta', kind: 'whatsapp-cloud' });
    for (const secret of [ACCESS_TOKEN, APP_SECRET, verifyToken]) expect(JSON.stringify(record)).not.toContain(secret);
    expect(JSON.parse(new SecretBox(SECRET).open(record!.sealed))).toEqual({
      cloud: {
        phoneNumberId: PHONE_NUMBER_ID,
        accessToken: ACCESS_TOKEN,
        appSecret: APP_SECRET,
        verifyToken,
        graphBaseUrl: graph.baseUrl,
      },
    });
    // Cloud API is not anti-ban: it is not one of the balancer's phones.
    const phones = (await app.call(owner, 'GET', '/api/v1/balancer/phones')).json();
    expect(phones.items.map((p: { channel: string }) => p.channel)).toEqual(['phone-a']);
  });

  it("answers Meta's verification GET with the challenge for the right token only", async () => {
    const ok = await webhook(
      app,
      'GET',
      `${PATH}?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1158201444`,
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const wrong = answers.keep(
      await webhook(app, 'GET', `${PATH}?hub.mode=subscribe&hub.verify_token=nope-nope&hub.challenge=1`),
    );
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).not.toContain('1158201444');
  });

  it('hands a signed event to the engine and sends the reply through the Graph API', async () => {
    const turns = watchTurns(app);
    const res = answers.keep(await webhook(app, 'POST', PATH, signed(textMessage({ id: 'wamid.RT1', text: 'help' }))));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    await sent(1);
    expect(graph.requests[0]).toMatchObject({
      url: `/v21.0/${PHONE_NUMBER_ID}/messages`,
      headers: { authorization: `Bearer ${ACCESS_TOKEN}` },
      body: { to: '16505551234', type: 'text', text: { body: expect.stringContaining('Here is what I can do') } },
    });
    // Meta redelivers: acknowledged again, answered once.
    const again = await webhook(app, 'POST', PATH, signed(textMessage({ id: 'wamid.RT1', text: 'help' })));
    expect(again.statusCode).toBe(200);
    await vi.waitFor(() => expect(turns.accepted).toEqual(['wamid.RT1', 'wamid.RT1']));
    await settle();
    expect(turns.settled).toEqual([{ id: 'wamid.RT1', status: 'answered' }]);
    await settle();
    expect(graph.requests).toHaveLength(1);
  });

  it('refuses an unsigned or wrongly signed event (401) and hands nothing to the engine', async () => {
    const turns = watchTurns(app);
    const body = textMessage({ id: 'wamid.FORGED', text: 'help' });
    const forged = answers.keep(await webhook(app, 'POST', PATH, signed(body, 'not-the-app-secret')));
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('E_UNAUTHORIZED');
    const unsigned = await webhook(app, 'POST', PATH, { raw: JSON.stringify(body) });
    expect(unsigned.statusCode).toBe(401);
    await settle();
    expect(turns.accepted).toEqual([]);
    expect(turns.settled).toEqual([]);
    expect(graph.requests).toHaveLength(1);
  });

  it('answers 404 in one shape for another workspace, another kind or an unknown name', async () => {
    const raw = signed(textMessage({ id: 'wamid.ELSEWHERE' }));
    for (const url of [
      `/webhooks/whatsapp-cloud/${B}/meta`,
      '/webhooks/whatsapp-cloud/no-such-workspace/meta',
      `/webhooks/whatsapp-cloud/${A}/other`,
      `/webhooks/greenapi/${A}/meta`,
    ]) {
      const res = answers.keep(await webhook(app, 'POST', url, raw));
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toEqual({ error: { code: 'E_NOT_FOUND', message: 'no such webhook' } });
    }
    const get = await webhook(app, 'GET', `/webhooks/whatsapp-cloud/${B}/meta?hub.verify_token=${verifyToken}`);
    expect(get.statusCode).toBe(404);
  });

  it("keeps it to the workspace's owner: B cannot see or delete it, staff admin may not connect or delete", async () => {
    const other = `${B}:owner`;
    const bList = answers.keep(await app.call(other, 'GET', '/api/v1/channels'));
    expect(bList.body).not.toContain(`${A}.meta`);
    expect((await app.call(other, 'DELETE', `/api/v1/channels/${A}.meta`)).statusCode).toBe(404);
    // The same phone number id cannot be served twice (Meta calls one webhook per app).
    const twice = await app.call(other, 'POST', '/api/v1/channels', {
      kind: 'whatsapp-cloud',
      phone_number_id: PHONE_NUMBER_ID,
      access_token: 'x',
      app_secret: 'y',
      graph_base_url: graph.baseUrl,
    });
    expect(twice.statusCode).toBe(409);
    const admin = `${A}:staff_admin`;
    const connect = await app.call(admin, 'POST', '/api/v1/channels', {
      kind: 'whatsapp-cloud',
      phone_number_id: '1',
      access_token: 'x',
      app_secret: 'y',
    });
    expect(connect.statusCode).toBe(403);
    expect((await app.call(admin, 'DELETE', `/api/v1/channels/${A}.meta`)).statusCode).toBe(403);
    expect((await app.call(admin, 'GET', '/api/v1/channels/web-a/login')).statusCode).toBe(403);
    // Listing stays a workspace setting.
    expect((await app.call(admin, 'GET', '/api/v1/channels')).statusCode).toBe(200);
  });

  it('is restored after a restart on the same store: the same tokens, the same webhook', async () => {
    await app.stop();
    app = await start();
    const verified = await webhook(
      app,
      'GET',
      `${PATH}?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=after-restart`,
    );
    expect(verified.body).toBe('after-restart');
    const res = await webhook(app, 'POST', PATH, signed(textMessage({ id: 'wamid.RT2', text: 'help' })));
    expect(res.statusCode, res.body).toBe(200);
    await sent(2);
  });

  it('answers 404 on its webhook once disconnected', async () => {
    expect(answers.keep(await app.call(owner, 'DELETE', `/api/v1/channels/${A}.meta`)).json()).toEqual({ ok: true });
    const res = await webhook(app, 'POST', PATH, signed(textMessage({ id: 'wamid.RT3', text: 'help' })));
    expect(res.statusCode).toBe(404);
    const get = await webhook(app, 'GET', `${PATH}?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1`);
    expect(get.statusCode).toBe(404);
    await app.stop();
    app = await start();
    expect((await webhook(app, 'POST', PATH, signed(textMessage({ id: 'wamid.RT4' })))).statusCode).toBe(404);
  });

  it("refuses a Graph API URL outside the host's policy (the default: Meta's host over https)", async () => {
    const other = await restApp();
    try {
      const res = await other.call(owner, 'POST', '/api/v1/channels', {
        kind: 'whatsapp-cloud',
        phone_number_id: PHONE_NUMBER_ID,
        access_token: ACCESS_TOKEN,
        app_secret: APP_SECRET,
        graph_base_url: 'http://169.254.169.254/latest',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.issues).toEqual([
        'graph_base_url: http://169.254.169.254 is not an allowed Graph API host',
      ]);
      expect(res.body).not.toContain(ACCESS_TOKEN);
    } finally {
      await other.stop();
    }
  });
});
