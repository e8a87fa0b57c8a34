import { ConfigError, HELP_TEXT, type PluginInput, Stage, Tokens } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogServices, LOG_SERIAL_KEY, logServicesFor, MessageLog, MessageLogToken } from '../src/log/index.js';
import { GROUPS, type GroupRecord, LOGS, type LogRecord } from '../src/records.js';
import { supportHarness } from './harness.js';

type Harness = Awaited<ReturnType<typeof supportHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const OWNER = { tenant: 'default', channel: 'wa', address: 'owner-1', role: 'owner' as const };
const MINUTE = 60_000;

async function start(plugins: PluginInput[] = []) {
  h = await supportHarness({
    support: { admins: [OWNER] },
    botConfig: { verification_enabled: false },
    plugins,
  });
  return h;
}

function logOf(x: Harness): MessageLog {
  const c = x.engine.container;
  return createLogServices({
    logs: c.resolve(Tokens.Store).collection<LogRecord>(LOGS),
    kv: c.resolve(Tokens.Kv),
    clock: x.clock,
  }).log;
}

async function all(x: Harness): Promise<LogRecord[]> {
  return (await logOf(x).query('default', { pageSize: 200 })).items;
}

describe('message log: one row per command turn', () => {
  it('writes rows with increasing serials and the turn details', async () => {
    const x = await start();
    const help = await x.say('help');
    await x.clock.advance(MINUTE);
    await x.say('what is this');
    await x.clock.advance(MINUTE);
    await x.say('random chatter', { group: true, sender: 'customer-2' });
    await x.say('!status', { sender: 'owner-1' });

    const rows = await all(x);
    // Newest first; group chatter that got no answer is not logged.
    expect(rows.map((r) => r.serial)).toEqual([3, 2, 1]);
    expect(rows.map((r) => r.action)).toEqual(['admin.status', 'unknown', 'help']);
    const first = rows[2]!;
    expect(first).toMatchObject({
      channel: 'wa',
      chatId: 'customer-1',
      senderId: 'customer-1',
      role: 'customer',
      action: 'help',
      supportStatus: 'open',
      priority: false,
      rawText: 'help',
      reply: help[0],
      orderIds: [],
      providerOrderIds: [],
    });
    expect(first.createdAt).toBe(Date.UTC(2026, 10, 1, 12, 0, 0));
    expect(rows[1]!.reply).toMatch(/did not understand/);
    expect(rows[0]).toMatchObject({ role: 'owner', result: 'info', senderId: 'owner-1' });
    expect(rows[0]!.reply).toMatch(/^Status: Online/);
    expect(await logOf(x).get('default', 2)).toMatchObject({ serial: 2, action: 'unknown' });
    expect(await logOf(x).get('default', 99)).toBeUndefined();
  });

  it('logs a silent group turn with the reply it would have sent', async () => {
    const x = await start();
    const groups = x.engine.container.resolve(Tokens.Store).collection<GroupRecord>(GROUPS);
    const now = x.clock.now();
    await groups.insert('default', {
      id: 'wa:quiet',
      channel: 'wa',
      chatId: 'quiet',
      supportEnabled: true,
      marketingEnabled: false,
      silent: true,
      firstSeenAt: now,
      lastMessageAt: now,
    });
    expect(await x.say('help', { group: true, chat: 'quiet' })).toEqual([]);
    const [row] = await all(x);
    expect(row).toMatchObject({ action: 'help', chatId: 'quiet', reply: HELP_TEXT });
  });

  it('flags dirty commands as priority and falls back to the parsed order ids', async () => {
    const x = await start();
    await x.say('refill 1001 this is taking forever!!');
    const [row] = await all(x);
    expect(row).toMatchObject({ priority: true, orderIds: ['1001'], rawText: 'refill 1001 this is taking forever!!' });
  });

  it('logs a failed turn as an error with its code', async () => {
    const boom: PluginInput = {
      name: 'test:boom',
      apply({ hooks }) {
        hooks.command.for('ticket').tap(
          'boom',
          () => {
            throw new Error('kaput');
          },
          { stage: Stage.GUARD },
        );
      },
    };
    const x = await start([boom]);
    expect((await x.say('ticket 77'))[0]).toMatch(/went wrong/);
    const [row] = await all(x);
    expect(row).toMatchObject({ action: 'ticket', result: 'error', orderIds: ['77'] });
    expect(row!.reason).toMatch(/^E_/);
  });
});

describe('message log: queries', () => {
  async function seed(x: Harness) {
    const log = logOf(x);
    const base = { channel: 'wa', chatId: 'c', senderId: 's', role: 'customer' as const, providerOrderIds: [] };
    const entry = (action: string, priority = false) => ({
      ...base,
      action,
      orderIds: ['1'],
      result: 'ok' as const,
      priority,
      rawText: action,
      reply: '',
    });
    const t0 = x.clock.now();
    for (const [i, action] of ['refill', 'cancel', 'refill', 'order', 'refill'].entries()) {
      await log.record('default', { ...entry(action, i === 1 || i === 4), createdAt: t0 + i * 60 * MINUTE });
    }
    return { log, t0 };
  }

  it('filters by date range, action, status and priority, newest first', async () => {
    const x = await start();
    const { log, t0 } = await seed(x);
    const hour = 60 * MINUTE;
    const range = await log.query('default', { from: t0 + hour, to: t0 + 3 * hour });
    expect(range.items.map((r) => r.serial)).toEqual([3, 2]);
    expect(range.total).toBe(2);

    const refills = await log.query('default', { action: 'refill' });
    expect(refills.items.map((r) => r.serial)).toEqual([5, 3, 1]);
    expect((await log.query('default', { action: 'refill', from: t0 + hour })).total).toBe(2);

    expect((await log.query('default', { priority: true })).items.map((r) => r.serial)).toEqual([5, 2]);
    expect((await log.query('default', { priority: false })).total).toBe(3);

    const updated = await log.setStatus('default', [2, 3, 404], 'resolved');
    expect(updated.map((r) => [r.serial, r.supportStatus])).toEqual([
      [2, 'resolved'],
      [3, 'resolved'],
    ]);
    expect((await log.query('default', { status: 'resolved' })).items.map((r) => r.serial)).toEqual([3, 2]);
    expect((await log.query('default', { status: 'open' })).total).toBe(3);
    expect((await log.query('default', { status: 'open', priority: true })).items.map((r) => r.serial)).toEqual([5]);
  });

  it('pages with a total', async () => {
    const x = await start();
    const { log } = await seed(x);
    const pages = await Promise.all([1, 2, 3, 4].map((page) => log.query('default', { page, pageSize: 2 })));
    expect(pages.map((p) => p.items.map((r) => r.serial))).toEqual([[5, 4], [3, 2], [1], []]);
    expect(pages.every((p) => p.total === 5)).toBe(true);
  });

  it('rejects invalid queries and statuses', async () => {
    const x = await start();
    const log = logOf(x);
    await expect(log.query('default', { pageSize: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(log.query('default', { page: 0 })).rejects.toThrow(/page/);
    await expect(log.query('default', { status: 'done' as never })).rejects.toThrow(/status/);
    await expect(log.setStatus('default', [1], 'closed' as never)).rejects.toThrow(/unknown support status/);
  });

  it('shares one instance per container', async () => {
    const x = await start();
    const c = x.engine.container.createChildContainer();
    const deps = {
      logs: c.resolve(Tokens.Store).collection<LogRecord>(LOGS),
      kv: c.resolve(Tokens.Kv),
      clock: x.clock,
    };
    const first = logServicesFor(c, deps);
    expect(first.log).toBeInstanceOf(MessageLog);
    expect(logServicesFor(c, deps)).toEqual(first);
    expect(c.resolve(MessageLogToken)).toBe(first.log);
  });

  it('keeps serials unique when the counter was lost', async () => {
    const x = await start();
    await seed(x);
    const kv = x.engine.container.resolve(Tokens.Kv);
    await kv.delete('default', LOG_SERIAL_KEY);
    const fresh = logOf(x);
    const next = await fresh.record('default', {
      channel: 'wa',
      chatId: 'c',
      senderId: 's',
      role: 'customer',
      action: 'order',
      orderIds: [],
      providerOrderIds: [],
      result: 'ok',
      priority: false,
      rawText: 'order',
      reply: '',
    });
    expect(next.serial).toBe(6);
  });
});
