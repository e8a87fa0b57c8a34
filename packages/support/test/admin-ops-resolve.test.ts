import { type BotPlugin, SecretBox, Tokens } from '@smmbot/core';
import { ProviderServiceToken, providers } from '@smmbot/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { parseResolveArgs } from '../src/admin/ops-resolve.js';
import { createLogServices, type MessageLog } from '../src/log/index.js';
import { LOGS, type LogRecord } from '../src/records.js';
import { supportHarness } from './harness.js';

type Harness = Awaited<ReturnType<typeof supportHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const secrets = (): BotPlugin => ({
  name: 'test:secrets',
  register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox('test-secret-key-that-is-long-enough-1234') }),
});
const noNetwork = () => {
  throw new Error('provider syncs are not part of these tests');
};

/** Log entries 1-6 (serials in this order), as the order handlers would have written them. */
const ENTRIES: [string, string, string | undefined, string[]][] = [
  ['refill', '54321', 'alpha-smm.com', ['2323223']],
  ['refill', '54322', 'Alpha', ['2323224']],
  ['cancel', '54323', 'Beta', ['777']],
  ['speedup', '54324', 'Gamma', ['888']],
  ['cancel', '54325', 'Delta', ['999']],
  ['order', '1001', undefined, []],
];

const ENTRY_BASE = {
  channel: 'wa',
  chatId: 'customer-1',
  senderId: 'customer-1',
  role: 'customer' as const,
  result: 'ok' as const,
  priority: false,
  reply: 'ok',
};

async function start() {
  h = await supportHarness({
    support: {
      admins: [{ tenant: 'default', channel: 'wa', address: 'staff-1', role: 'staff' }],
      providerCommandsByProvider: { alpha: { refill: 'refill {ids}' } },
    },
    botConfig: { verification_enabled: false },
    plugins: [secrets(), providers({ syncOnBoot: false, connect: noNetwork })],
  });
  const x = h;
  const service = x.engine.container.resolve(ProviderServiceToken);
  const group = (chatId: string) => ({ channel: 'wa', chatId });
  await service.add('default', {
    name: 'Alpha',
    url: 'https://alpha.example/api/v2',
    key: 'alpha-key-0001',
    aliases: ['alpha-smm.com'],
    escalationGroup: group('prov-alpha'),
  });
  await service.add('default', { name: 'Beta', url: 'https://beta.example/api/v2', key: 'beta-key-0002' });
  await service.add('default', {
    name: 'Delta',
    url: 'https://delta.example/api/v2',
    key: 'delta-key-0004',
    escalationGroup: group('prov-delta'),
  });
  // Order 1001 of the simulated panel names its upstream by domain: the provider is found by URL host.
  const simOrder = x.sim.state.getOrder(1001)!;
  await service.add('default', {
    name: 'Sim upstream',
    url: `https://${simOrder.provider}/api/v2`,
    key: 'sim-key-0005',
    escalationGroup: group('prov-sim'),
  });

  const c = x.engine.container;
  const { log } = createLogServices({
    logs: c.resolve(Tokens.Store).collection<LogRecord>(LOGS),
    kv: c.resolve(Tokens.Kv),
    clock: x.clock,
  });
  for (const [action, orderId, provider, providerOrderIds] of ENTRIES) {
    await log.record('default', {
      ...ENTRY_BASE,
      action,
      orderIds: [orderId],
      ...(provider ? { provider } : {}),
      providerOrderIds,
      rawText: `${action} ${orderId}`,
    });
  }

  /** Sends `text` as staff: the reply to staff, and what went to provider groups. */
  async function resolve(text: string) {
    const before = x.channel.sent.length;
    await x.say(text, { sender: 'staff-1' });
    const sent = x.channel.sent.slice(before);
    return {
      reply: sent.filter((m) => m.chatId === 'staff-1').map((m) => m.text),
      groups: sent.filter((m) => m.chatId !== 'staff-1').map((m) => [m.chatId, m.text, m.priority]),
    };
  }
  return { x, log, resolve, externalId: simOrder.externalId };
}

const statusOf = async (log: MessageLog, serial: number) => (await log.get('default', serial))?.supportStatus;

describe('!resolve', () => {
  it('sets each status by serial (#n or bare) and by order id', async () => {
    const { log, resolve } = await start();
    expect((await resolve('!resolve #1 resolved')).reply).toEqual(['Marked 1 log entry(ies) as *resolved*: #1']);
    expect((await resolve('!resolve 2 ignored')).reply).toEqual(['Marked 1 log entry(ies) as *ignored*: #2']);
    expect((await resolve('!resolve 54323 ticket created')).reply).toEqual([
      'Marked 1 log entry(ies) as *ticket created*: #3',
    ]);
    expect((await resolve('!resolve 54324, 54322 open')).reply).toEqual(['Marked 2 log entry(ies) as *open*: #2, #4']);
    expect(await Promise.all([1, 2, 3, 4, 5].map((s) => statusOf(log, s)))).toEqual([
      'resolved',
      'open',
      'ticket created',
      'open',
      'open',
    ]);
    const [row] = (await log.query('default', { action: 'admin.resolve' })).items;
    expect(row).toMatchObject({ role: 'staff', result: 'ok', reason: 'resolve_open', orderIds: ['54322', '54324'] });
  });

  it('takes the newest customer entry of an order, never an admin command', async () => {
    const { log, resolve } = await start();
    await resolve('!resolve 54321 resolved');
    const first = (await log.get('default', 1))!;
    const newer = await log.record('default', {
      ...ENTRY_BASE,
      action: first.action,
      orderIds: first.orderIds,
      providerOrderIds: first.providerOrderIds,
      rawText: 'refill 54321 again',
    });
    expect((await resolve('!resolve 54321 ignored')).reply).toEqual([
      `Marked 1 log entry(ies) as *ignored*: #${newer.serial}`,
    ]);
    expect(await statusOf(log, 1)).toBe('resolved');
  });

  it('escalated sends the provider order ids, grouped by provider and action, to each mapped group', async () => {
    const { log, resolve } = await start();
    const { reply, groups } = await resolve('!resolve 54321 54322 54325 escalated');
    expect(groups).toEqual([
      ['prov-alpha', 'refill 2323223,2323224', 'support'],
      ['prov-delta', '999 cancel', 'support'],
    ]);
    expect(reply).toEqual([
      'Marked 3 log entry(ies) as *escalated*: #1, #2, #5\nSent to Alpha: refill 2323223,2323224\nSent to Delta: 999 cancel',
    ]);
    expect(await statusOf(log, 5)).toBe('escalated');
    const [row] = (await log.query('default', { action: 'admin.resolve' })).items;
    expect(row).toMatchObject({ result: 'ok', providerOrderIds: ['2323223', '2323224', '999'] });
  });

  it('reports a missing provider and an unmapped group instead of sending', async () => {
    const { log, resolve } = await start();
    const { reply, groups } = await resolve('!resolve 54323 54324 escalated');
    expect(groups).toEqual([]);
    expect(reply).toEqual([
      'Marked 2 log entry(ies) as *escalated*: #3, #4\nGamma: provider missing\nBeta: no group mapped',
    ]);
    expect(await statusOf(log, 3)).toBe('escalated');
    expect((await log.query('default', { action: 'admin.resolve' })).items[0]).toMatchObject({ result: 'partial' });
  });

  it('finds the provider and its order id on the panel when the entry has none', async () => {
    const { resolve, externalId } = await start();
    const { reply, groups } = await resolve('!resolve 1001 escalated');
    expect(groups).toEqual([['prov-sim', `${externalId} check`, 'support']]);
    expect(reply[0]).toMatch(/^Marked 1 log entry\(ies\) as \*escalated\*: #6\nSent to Sim upstream: /);
  });

  it('says what was not found, and how to use it', async () => {
    const { resolve } = await start();
    expect((await resolve('!resolve 424242 resolved')).reply).toEqual(['No log entry found for: 424242.']);
    expect((await resolve('!resolve #54321 resolved')).reply).toEqual(['No log entry found for: #54321.']);
    expect((await resolve('!resolve 1 424242 resolved')).reply).toEqual([
      'Marked 1 log entry(ies) as *resolved*: #1\nNot found: 424242.',
    ]);
    for (const bad of ['!resolve resolved', '!resolve 1 done', '!resolve']) {
      expect((await resolve(bad)).reply[0], bad).toMatch(/^Usage: !resolve <ids> <status>.*open \| escalated/);
    }
  });
});

describe('parseResolveArgs', () => {
  it('reads ids, serial marks and the status in either order', () => {
    expect(parseResolveArgs('54321, #12 ticket-created')).toEqual({
      ids: [
        { value: '54321', serialOnly: false },
        { value: '12', serialOnly: true },
      ],
      status: 'ticket created',
    });
    expect(parseResolveArgs('Escalate 7 7')).toEqual({ ids: [{ value: '7', serialOnly: false }], status: 'escalated' });
    expect(parseResolveArgs('7 closed').status).toBeUndefined();
  });
});
