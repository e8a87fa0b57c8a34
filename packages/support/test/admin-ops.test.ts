import { type BotPlugin, can, type Permission, SecretBox, Tokens } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { formatUptime } from '../src/admin/ops-status.js';
import { createLogServices } from '../src/log/index.js';
import { GROUPS, type GroupRecord, IDENTITIES, type IdentityRecord, LOGS, type LogRecord } from '../src/records.js';
import { DEFAULT_TEMPLATES } from '../src/templates/defaults.js';
import { ADMINS, SENDERS, supportHarness } from './harness.js';

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
const owner = { sender: 'owner-1' };

async function start(options: { botConfig?: Record<string, unknown>; withSecrets?: boolean } = {}) {
  h = await supportHarness({
    support: { admins: ADMINS },
    botConfig: { verification_enabled: false, ...options.botConfig },
    plugins: options.withSecrets ? [secrets()] : [],
  });
  return h;
}

const store = (x: Harness) => x.engine.container.resolve(Tokens.Store);
async function rows(x: Harness): Promise<LogRecord[]> {
  const c = x.engine.container;
  const { log } = createLogServices({ logs: store(x).collection(LOGS), kv: c.resolve(Tokens.Kv), clock: x.clock });
  return (await log.query('default', { pageSize: 200 })).items;
}

async function seedGroups(x: Harness, groups: [string, string, Partial<GroupRecord>][]) {
  const col = store(x).collection<GroupRecord>(GROUPS);
  const now = x.clock.now();
  for (const [channel, chatId, flags] of groups) {
    await col.insert('default', {
      id: `${channel}:${chatId}`,
      channel,
      chatId,
      supportEnabled: true,
      marketingEnabled: false,
      silent: false,
      firstSeenAt: now,
      lastMessageAt: now,
      ...flags,
    });
  }
}

describe('!status', () => {
  it('answers in the spec format with uptime, counts, AI provider and chat mode', async () => {
    const x = await start();
    const identities = store(x).collection<IdentityRecord>(IDENTITIES);
    const person = (id: string, extra: Partial<IdentityRecord>) =>
      identities.insert('default', {
        id: `wa:${id}`,
        channel: 'wa',
        address: id,
        aliases: [],
        status: 'active',
        lastActiveAt: 0,
        createdAt: 0,
        ...extra,
      });
    await person('v1', { panelUser: 'demo', verifiedAt: 1 });
    await person('v2', { panelUser: 'bob', verifiedAt: 1, status: 'blocked' });
    await person('v3', {});
    await seedGroups(x, [
      ['wa', 'g1', {}],
      ['wa', 'g2', { silent: true }],
      ['wa', 'g3', { supportEnabled: false }],
    ]);
    await x.clock.advance((14 * 60 + 32) * 60_000 + 59_000);
    expect(await x.say('!status', owner)).toEqual([
      'Status: Online | Uptime: 14h 32m\nVerified Users: 1 | Active Groups: 2\nAI Provider: none\nChat Mode: manual',
    ]);
    expect(await x.say('!config set ai_provider OpenAI', owner)).toEqual(['Config updated: ai_provider = OpenAI']);
    await x.say('!config set ai_model GPT-4o-mini', owner);
    await x.say('!config set chat_mode ai', owner);
    const [status] = await x.say('!status', { sender: 'sadmin-1' });
    expect(status).toMatch(/\nAI Provider: OpenAI GPT-4o-mini\nChat Mode: ai$/);
  });

  it('formats uptime with days once there are any', () => {
    expect(formatUptime(0)).toBe('0h 0m');
    expect(formatUptime(((2 * 24 + 3) * 60 + 5) * 60_000)).toBe('2d 3h 5m');
  });
});

describe('!broadcast', () => {
  it('sends the message as written to support-enabled groups only', async () => {
    const x = await start();
    await seedGroups(x, [
      ['wa', 'g-a', {}],
      ['wa', 'g-b', { supportEnabled: false, marketingEnabled: true }],
      ['wa', 'g-c', { silent: true }],
      ['tg', 'g-d', {}],
      ['wa', 'g-e', {}],
    ]);
    const text = '*Maintenance* tonight 11 PM - 1 AM UTC.\n_Orders will process normally._';
    const before = x.channel.sent.length;
    const replies = await x.say(`!broadcast ${text}`, { sender: 'sadmin-1' });
    const sent = x.channel.sent.slice(before);
    const broadcast = sent.filter((m) => m.chatId !== 'sadmin-1');
    // Urgent admin broadcasts go at `system` priority, before scheduled marketing traffic.
    expect(broadcast.map((m) => [m.chatId, m.text, m.priority])).toEqual([
      ['g-a', text, 'system'],
      ['g-e', text, 'system'],
    ]);
    expect(broadcast.map((m) => m.id)).toEqual([
      expect.stringMatching(/^bc:wa:m\d+:wa:g-a$/),
      expect.stringMatching(/^bc:wa:m\d+:wa:g-e$/),
    ]);
    expect(replies.at(-1)).toBe(
      'Broadcast sent to 2 support group(s). 1 group(s) could not be reached. 1 silent group(s) skipped.',
    );
    expect((await rows(x))[0]).toMatchObject({
      action: 'admin.broadcast',
      result: 'partial',
      rawText: `!broadcast ${text}`,
    });
  });

  it('answers usage for an empty message', async () => {
    const x = await start();
    expect(await x.say('!broadcast', owner)).toEqual([DEFAULT_TEMPLATES.admin_broadcast_usage]);
  });
});

describe('!config', () => {
  it('sets, gets and lists values; changes are live', async () => {
    const x = await start();
    expect(await x.say('!config set cooldown_seconds 60', owner)).toEqual(['Config updated: cooldown_seconds = 60']);
    expect(await x.say('!config get cooldown_seconds', owner)).toEqual(['cooldown_seconds = 60']);
    expect(await x.say('!config set chat_mode AI', owner)).toEqual(['Config updated: chat_mode = ai']);
    expect((await x.engine.container.resolve(Tokens.TenantConfig).get('default')).cooldown_seconds).toBe(60);
    const [list] = await x.say('!config list', owner);
    expect(list).toMatch(/^\*Bot config\*\nchat_mode = ai\n/);
    expect(list).toContain('\ncooldown_seconds = 60\n');
    expect(list).toContain('\nai_api_key = (not set)\n');
    expect(list).toContain('\nservices_url = (not set)\n');
  });

  it('explains invalid keys and values', async () => {
    const x = await start();
    expect((await x.say('!config set cooldown_seconds soon', owner))[0]).toMatch(
      /^Config error: cooldown_seconds: expected a whole number of seconds; found "soon"$/,
    );
    expect((await x.say('!config set cooldwn_seconds 5', owner))[0]).toMatch(
      /unknown bot_config key "cooldwn_seconds"; did you mean cooldown_seconds/,
    );
    expect((await x.say('!config get nope_key', owner))[0]).toMatch(/^Config error: unknown bot_config key "nope_key"/);
    expect(await x.say('!config', owner)).toEqual([DEFAULT_TEMPLATES.admin_config_usage]);
    expect(await x.say('!config set chat_mode', owner)).toEqual([DEFAULT_TEMPLATES.admin_config_usage]);
    expect((await rows(x))[1]).toMatchObject({ action: 'admin.config', result: 'refused' });
  });

  it('never echoes or logs a secret value', async () => {
    const x = await start({ withSecrets: true });
    const secret = 'sk-TopSecret123';
    expect(await x.say(`!config set ai_api_key ${secret}`, owner)).toEqual(['Config updated: ai_api_key = [hidden]']);
    expect((await x.engine.container.resolve(Tokens.TenantConfig).get('default')).ai_api_key).toBe(secret);
    expect(await x.say('!config get ai_api_key', owner)).toEqual(['ai_api_key = [hidden]']);
    expect((await x.say('!config list', owner))[0]).toContain('\nai_api_key = [hidden]\n');
    const [bad] = await x.say('!config set ai_api_key two Secret-words', owner);
    expect(bad).toMatch(
      /^Config error: ai_api_key: expected a single word without spaces; found a value of \d+ characters$/,
    );
    const logged = await rows(x);
    expect(logged.find((r) => r.reason === 'config_set')!.rawText).toBe('!config set ai_api_key [hidden]');
    expect(JSON.stringify(logged)).not.toMatch(/TopSecret|Secret-words/);
  });

  it('refuses to store a secret when no secret key is configured', async () => {
    const x = await start();
    const [reply] = await x.say('!config set panel_api_key abcSECRETdef', owner);
    expect(reply).toMatch(/^Config error: cannot store "panel_api_key": no secret key is configured/);
    expect(reply).not.toContain('abcSECRETdef');
  });
});

describe('permissions', () => {
  const COMMANDS: [string, Permission][] = [
    ['!status', 'bot.status'],
    ['!broadcast hello', 'bot.broadcast'],
    ['!resolve 999999 resolved', 'bot.resolve'],
    ['!config list', 'bot.config'],
  ];

  it('answers permission_denied exactly where the role table says so', async () => {
    const x = await start();
    const outcome: string[] = [];
    for (const role of ['customer', 'staff', 'staff_admin', 'owner'] as const) {
      for (const [text, permission] of COMMANDS) {
        const [reply] = await x.say(text, { sender: SENDERS[role] });
        const denied = reply === DEFAULT_TEMPLATES.permission_denied;
        expect(denied, `${role} ${text}`).toBe(!can(role, permission));
        outcome.push(`${role} ${text.split(' ')[0]} ${denied ? 'denied' : 'allowed'}`);
      }
    }
    expect(outcome.filter((o) => o.endsWith('allowed'))).toEqual([
      'staff !resolve allowed',
      'staff_admin !status allowed',
      'staff_admin !broadcast allowed',
      'staff_admin !resolve allowed',
      'owner !status allowed',
      'owner !broadcast allowed',
      'owner !resolve allowed',
      'owner !config allowed',
    ]);
    const refused = (await rows(x)).filter((r) => r.reason === 'permission_denied');
    expect(refused).toHaveLength(8);
    expect(refused.every((r) => r.result === 'refused' && r.action.startsWith('admin.'))).toBe(true);
  });
});
