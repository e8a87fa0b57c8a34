import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BotPlugin, SecretBox, Tokens } from '@smmbot/core';
import { memoryStorage } from '@smmbot/storage-memory';
import TelegramServerModule from 'telegram-test-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeFactory } from '../../channel-baileys/test/fake-socket.js';
import { RUNTIME_CHANNELS, type RuntimeChannelRecord } from '../src/index.js';
import { A, B, type RestApp, restApp, SECRET } from './helpers.js';

// telegram-test-api is CommonJS with an `exports.default` class (see channel-telegram's e2e test).
type TelegramServerClass = (typeof TelegramServerModule)['default'];
const TelegramServer: TelegramServerClass =
  (TelegramServerModule as unknown as { default?: TelegramServerClass }).default ??
  (TelegramServerModule as unknown as TelegramServerClass);

const owner = `${A}:owner`;
const TOKEN = '777:RUNTIME-BOT-TOKEN';

/** A free loopback port: the emulator cannot listen on 0. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

const names = async (app: RestApp, user: string) =>
  ((await app.call(user, 'GET', '/api/v1/channels')).json().items as { name: string }[]).map((c) => c.name);

const stored = (app: RestApp, tenant: string, id: string) =>
  app.engine.container
    .resolve(Tokens.Store)
    .collection<RuntimeChannelRecord>({ name: RUNTIME_CHANNELS, indexes: ['createdAt'] })
    .get(tenant, id);

describe('runtime channels: a Telegram bot connected from the dashboard', () => {
  let server: InstanceType<typeof TelegramServer>;
  let storage: BotPlugin[];
  let app: RestApp | undefined;
  beforeAll(async () => {
    server = new TelegramServer({ host: '127.0.0.1', port: await freePort() });
    await server.start();
  });
  afterAll(async () => {
    await app?.stop();
    await server?.stop();
  });

  /** A message from an emulated Telegram user; resolves with the bot's first answer to them. */
  async function ask(userId: number, text: string): Promise<string> {
    const client = server.getClient(TOKEN, { userId, chatId: userId, firstName: 'Masha', timeout: 8000 });
    await client.sendMessage(client.makeMessage(text));
    const { result } = await client.getUpdates();
    expect(result.length).toBeGreaterThan(0);
    const reply = result[0]!.message as { chat_id: unknown; text: string };
    expect(String(reply.chat_id)).toBe(String(userId));
    return reply.text;
  }

  it('connects by token, answers the emulated user, and keeps the token sealed', async () => {
    storage = memoryStorage();
    app = await restApp({ storage, runtimeChannels: { telegramApiRoot: server.config.apiURL } });
    const res = await app.call(owner, 'POST', '/api/v1/channels', { kind: 'telegram', token: TOKEN });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: `${A}.tg-777`, kind: 'telegram', login_available: false, link: null });
    expect(res.body).not.toContain('RUNTIME-BOT-TOKEN');
    const listed = await app.call(owner, 'GET', '/api/v1/channels');
    expect(listed.json().items).toContainEqual(expect.objectContaining({ name: `${A}.tg-777`, kind: 'telegram' }));
    expect(listed.body).not.toContain('RUNTIME-BOT-TOKEN');

    expect(await ask(101, 'help')).toContain('Here is what I can do');

    const record = await stored(app, A, `${A}.tg-777`);
    expect(record).toMatchObject({ tenantId: A, name: 'tg-777', kind: 'telegram' });
    expect(JSON.stringify(record)).not.toContain('RUNTIME-BOT-TOKEN');
    expect(SecretBox.isSealed(record!.sealed)).toBe(true);
    expect(JSON.parse(new SecretBox(SECRET).open(record!.sealed))).toEqual({ token: TOKEN });

    // The same bot twice (in any workspace) would poll twice: refused.
    const again = await app.call(`${B}:owner`, 'POST', '/api/v1/channels', {
      kind: 'telegram',
      token: TOKEN,
      name: 'x',
    });
    expect(again.statusCode).toBe(409);
    const bad = await app.call(owner, 'POST', '/api/v1/channels', { kind: 'telegram', token: 'not a token' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain('not a token');
  });

  it('is restored after an engine restart on the same store, and answers again', async () => {
    await app!.stop();
    app = await restApp({ storage, runtimeChannels: { telegramApiRoot: server.config.apiURL } });
    expect(await names(app, owner)).toContain(`${A}.tg-777`);
    expect(await ask(202, 'help')).toContain('Here is what I can do');
  });

  it('is disconnected by its workspace only, and stays gone after a restart', async () => {
    expect((await app!.call(`${B}:owner`, 'DELETE', `/api/v1/channels/${A}.tg-777`)).statusCode).toBe(404);
    expect(await names(app!, `${B}:owner`)).not.toContain(`${A}.tg-777`);
    expect((await app!.call(owner, 'DELETE', `/api/v1/channels/${A}.tg-777`)).json()).toEqual({ ok: true });
    expect(await names(app!, owner)).not.toContain(`${A}.tg-777`);
    expect(await stored(app!, A, `${A}.tg-777`)).toBeUndefined();
    expect((await app!.call(owner, 'DELETE', `/api/v1/channels/${A}.tg-777`)).statusCode).toBe(404);
    await app!.stop();
    app = await restApp({ storage, runtimeChannels: { telegramApiRoot: server.config.apiURL } });
    expect(await names(app, owner)).not.toContain(`${A}.tg-777`);
  });
});

describe('runtime channels: a new WhatsApp number (Baileys, fake socket)', () => {
  let app: RestApp;
  let factory: ReturnType<typeof fakeFactory>;
  beforeEach(async () => {
    factory = fakeFactory();
    app = await restApp({ runtimeChannels: { createSocket: factory.createSocket } });
  });
  afterEach(() => app.stop());

  it('shows the QR in the login, attaches the number to the balancer, and keeps it to the workspace', async () => {
    const res = await app.call(owner, 'POST', '/api/v1/channels', { kind: 'whatsapp', name: 'sales' });
    expect(res.json()).toMatchObject({ name: `${A}.sales`, kind: 'whatsapp-web', login_available: true });
    factory.last().ev.emit('connection.update', { qr: '2@RUNTIME-QR' });
    const login = (await app.call(owner, 'GET', `/api/v1/channels/${A}.sales/login`)).json();
    expect(login).toMatchObject({ name: `${A}.sales`, status: 'qr', qr: '2@RUNTIME-QR', pairing_code: null });

    const phones = (await app.call(owner, 'GET', '/api/v1/balancer/phones')).json();
    expect(phones.items.map((p: { channel: string }) => p.channel).sort()).toEqual([`${A}.sales`, 'phone-a']);
    factory.last().open();
    expect((await app.call(owner, 'GET', `/api/v1/channels/${A}.sales/login`)).json().status).toBe('open');

    // Workspace B neither sees nor reaches it.
    const other = `${B}:owner`;
    expect(await names(app, other)).not.toContain(`${A}.sales`);
    expect((await app.call(other, 'GET', `/api/v1/channels/${A}.sales/login`)).statusCode).toBe(404);
    expect((await app.call(other, 'DELETE', `/api/v1/channels/${A}.sales`)).statusCode).toBe(404);
    const bPhones = (await app.call(other, 'GET', '/api/v1/balancer/phones')).json();
    expect(bPhones.items.map((p: { channel: string }) => p.channel)).toEqual(['phone-b']);
    // The same short name in B is B's own channel.
    expect((await app.call(other, 'POST', '/api/v1/channels', { kind: 'whatsapp', name: 'sales' })).json().name).toBe(
      `${B}.sales`,
    );
    expect((await app.call(owner, 'POST', '/api/v1/channels', { kind: 'whatsapp', name: 'sales' })).statusCode).toBe(
      409,
    );
    // Config channels are not the dashboard's to remove.
    expect((await app.call(owner, 'DELETE', '/api/v1/channels/web-a')).statusCode).toBe(409);

    expect((await app.call(owner, 'DELETE', `/api/v1/channels/${A}.sales`)).json()).toEqual({ ok: true });
    expect(factory.sockets[0]!.ended).toBe(true);
    const after = (await app.call(owner, 'GET', '/api/v1/balancer/phones')).json();
    expect(after.items.map((p: { channel: string }) => p.channel)).toEqual(['phone-a']);
    expect(await names(app, owner)).not.toContain(`${A}.sales`);
  });

  it('logs in with a pairing code for the given number; the number is stored sealed', async () => {
    const res = await app.call(owner, 'POST', '/api/v1/channels', {
      kind: 'whatsapp',
      name: 'support',
      pairing_phone: '+7 900 123-45-67',
    });
    expect(res.statusCode).toBe(200);
    factory.last().ev.emit('connection.update', { qr: '2@ANY' });
    await new Promise((ok) => setTimeout(ok, 0));
    expect(factory.last().pairingRequests).toEqual(['79001234567']);
    const login = (await app.call(owner, 'GET', `/api/v1/channels/${A}.support/login`)).json();
    expect(login.pairing_code).toBe('ABCD1234');
    const record = await stored(app, A, `${A}.support`);
    expect(JSON.stringify(record)).not.toContain('79001234567');
    expect(JSON.parse(new SecretBox(SECRET).open(record!.sealed))).toEqual({ pairingPhone: '79001234567' });
    // Connecting channels is the owner's (`dashboard.channels`): staff and staff admins get 403.
    for (const role of ['staff', 'staff_admin']) {
      const refused = await app.call(`${A}:${role}`, 'POST', '/api/v1/channels', { kind: 'whatsapp' });
      expect(refused.statusCode, role).toBe(403);
      expect((await app.call(`${A}:${role}`, 'GET', `/api/v1/channels/${A}.support/login`)).statusCode).toBe(403);
    }
  });
});
