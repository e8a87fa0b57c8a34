import { can, Tokens } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLogServices,
  DEFAULT_TEMPLATES,
  GROUPS,
  type GroupRecord,
  LOGS,
  MarketingServiceToken,
} from '../src/index.js';
import { ADMINS, SENDERS, supportHarness } from './harness.js';

type Harness = Awaited<ReturnType<typeof supportHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const owner = { sender: 'owner-1' };

async function start(botConfig: Record<string, unknown> = {}) {
  h = await supportHarness({ support: { admins: ADMINS }, botConfig: { verification_enabled: false, ...botConfig } });
  return h;
}

async function seedGroups(x: Harness, groups: [string, Partial<GroupRecord>][]) {
  const col = x.engine.container.resolve(Tokens.Store).collection<GroupRecord>(GROUPS);
  for (const [chatId, flags] of groups) {
    await col.insert('default', {
      id: `wa:${chatId}`,
      channel: 'wa',
      chatId,
      supportEnabled: true,
      marketingEnabled: true,
      silent: false,
      firstSeenAt: 0,
      lastMessageAt: 0,
      ...flags,
    });
  }
}

/** The replies to `sender` in its private chat (a broadcast's group messages left out). */
async function ask(x: Harness, text: string, sender = 'owner-1'): Promise<string[]> {
  const before = x.channel.sent.length;
  await x.say(text, { sender });
  return x.channel.sent
    .slice(before)
    .filter((m) => m.chatId === sender)
    .map((m) => m.text);
}

const marketingSent = (x: Harness) => x.channel.sent.filter((m) => m.meta?.kind === 'marketing');

describe('!marketing add | list | remove', () => {
  it('manages the rotation from chat, keeping formatting and line breaks', async () => {
    const x = await start();
    expect(await x.say('!marketing list', owner)).toEqual([DEFAULT_TEMPLATES.marketing_list_empty]);
    expect(await x.say('!marketing add *Big sale* today\n_20% off_ ~all~ `services`', owner)).toEqual([
      'Marketing message #1 added: 1 message(s) in the rotation.',
    ]);
    expect(await x.say('!marketing add New TikTok services 🎉', { sender: 'sadmin-1' })).toEqual([
      'Marketing message #2 added: 2 message(s) in the rotation.',
    ]);
    const service = x.engine.container.resolve(MarketingServiceToken);
    expect((await service.list('default')).map((m) => m.text)).toEqual([
      '*Big sale* today\n_20% off_ ~all~ `services`',
      'New TikTok services 🎉',
    ]);
    await service.update('default', (await service.list('default'))[1]!.id, { enabled: false });
    await seedGroups(x, [
      ['g-a', {}],
      ['g-b', { silent: true }],
    ]);

    expect(await x.say('!marketing list', owner)).toEqual([
      '*Marketing messages* (2)\n1. *Big sale* today _20% off_ ~all~ `services`\n2. (off) New TikTok services 🎉\n' +
        'Broadcasts are *off* (!config set marketing_enabled true to start them); 1 marketing group(s).',
    ]);
    await x.say('!config set marketing_enabled true', owner);
    await x.say('!config set scheduler_timezone UTC+6', owner);
    const [list] = await x.say('!marketing list', owner);
    // The job was planned at boot: 4 h + 0..60 min after 12:00 UTC, shown at UTC+6.
    expect(list).toMatch(
      /\nBroadcasts are \*on\*: every 4 h plus 0-60 min, to 1 marketing group\(s\); next at 2026-11-01 (22:[0-5]\d|23:00) UTC\+6\.$/,
    );

    expect(await x.say('!marketing remove 3', owner)).toEqual([
      'There is no marketing message #3: !marketing list shows them.',
    ]);
    expect(await x.say('!marketing remove 1', owner)).toEqual([
      'Marketing message #1 removed: *Big sale* today _20% off_ ~all~ `services`',
    ]);
    expect((await x.say('!marketing list', owner))[0]).toMatch(/^\*Marketing messages\* \(1\)\n1\. \(off\) New TikTok/);
  });

  it('answers usage and errors', async () => {
    const x = await start();
    expect(await x.say('!marketing add', owner)).toEqual([DEFAULT_TEMPLATES.marketing_usage]);
    expect(await x.say('!marketing remove first', owner)).toEqual([DEFAULT_TEMPLATES.marketing_usage]);
    expect(await x.say(`!marketing add ${'x'.repeat(5000)}`, owner)).toEqual([
      'Marketing error: a marketing message may have at most 4096 characters; found 5000',
    ]);
    // enable|disable is still the group flag.
    expect(await x.say('!marketing enable', { sender: 'owner-1', group: true })).toEqual([
      'Marketing is now *enabled* for this group.',
    ]);
  });

  it('rejects an IANA scheduler_timezone with a clear error', async () => {
    const x = await start();
    const [reply] = await x.say('!config set scheduler_timezone Asia/Dhaka', owner);
    expect(reply).toBe(
      'Config error: scheduler_timezone: IANA time zone names are not supported, use a UTC offset: expected a UTC ' +
        'offset such as UTC, UTC+6 or UTC-5 (UTC-12 to UTC+14, optionally :30 or :45); found "Asia/Dhaka"',
    );
    expect((await x.engine.container.resolve(Tokens.TenantConfig).get('default')).scheduler_timezone).toBe('UTC');
  });
});

describe('!marketing now', () => {
  it('sends the next message of the rotation to the marketing groups at once', async () => {
    const x = await start();
    await seedGroups(x, [
      ['g-a', {}],
      ['g-b', { silent: true }],
      ['g-c', { marketingEnabled: false }],
      ['g-d', { supportEnabled: false }],
    ]);
    expect(await x.say('!marketing now', owner)).toEqual([DEFAULT_TEMPLATES.marketing_nothing_to_send]);
    await x.say('!marketing add First', owner);
    await x.say('!marketing add Second', owner);

    expect(await ask(x, '!marketing now', 'sadmin-1')).toEqual([
      'Marketing message #1 sent to 2 marketing group(s). 1 silent group(s) skipped. ' +
        'Scheduled broadcasts are off (marketing_enabled).',
    ]);
    const now = x.clock.now();
    expect(marketingSent(x).map((m) => [m.chatId, m.text, m.priority, m.route, m.id, m.meta?.by])).toEqual([
      ['g-a', 'First', 'marketing', 'sticky', `mkt:default:${now}:wa:g-a`, 'sadmin-1'],
      ['g-d', 'First', 'marketing', 'sticky', `mkt:default:${now}:wa:g-d`, 'sadmin-1'],
    ]);
    await x.clock.advance(1000);
    await x.say('!config set marketing_enabled true', owner);
    expect(await ask(x, '!marketing now')).toEqual([
      'Marketing message #2 sent to 2 marketing group(s). 1 silent group(s) skipped.',
    ]);
    await x.clock.advance(1000);
    await x.say('!marketing now', owner);
    expect(marketingSent(x).map((m) => m.text)).toEqual(['First', 'First', 'Second', 'Second', 'First', 'First']);

    const { log } = createLogServices({
      logs: x.engine.container.resolve(Tokens.Store).collection(LOGS),
      kv: x.engine.container.resolve(Tokens.Kv),
      clock: x.clock,
    });
    const rows = (await log.query('default', { pageSize: 50 })).items.filter((r) => r.action === 'admin.marketing');
    expect(rows.map((r) => `${r.result}:${r.reason}`)).toEqual(
      expect.arrayContaining(['info:nothing_to_send', 'ok:added', 'ok:sent']),
    );
  });
});

describe('!marketing permissions', () => {
  const COMMANDS = [
    ['!marketing list', 'dashboard.marketing'],
    ['!marketing add Hello', 'dashboard.marketing'],
    ['!marketing remove 1', 'dashboard.marketing'],
    ['!marketing now', 'bot.broadcast'],
  ] as const;

  it('lets the staff admin and the owner manage and send, nobody else', async () => {
    const x = await start();
    const allowed: string[] = [];
    for (const role of ['customer', 'staff', 'staff_admin', 'owner'] as const) {
      for (const [text, permission] of COMMANDS) {
        const [reply] = await x.say(text, { sender: SENDERS[role] });
        const denied = reply === DEFAULT_TEMPLATES.permission_denied;
        expect(denied, `${role} ${text}`).toBe(!can(role, permission));
        if (!denied) allowed.push(`${role} ${text.split(' ')[1]}`);
      }
    }
    expect(allowed).toEqual([
      'staff_admin list',
      'staff_admin add',
      'staff_admin remove',
      'staff_admin now',
      'owner list',
      'owner add',
      'owner remove',
      'owner now',
    ]);
  });
});
