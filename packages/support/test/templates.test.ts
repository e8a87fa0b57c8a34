import { type BotPlugin, ConfigError, createEngine, HELP_TEXT, Stage, Tokens, VirtualClock } from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { applyChatModes, TemplateStore } from '../src/log/index.js';
import { DEFAULT_TEMPLATES, draft } from '../src/templates/defaults.js';
import { supportHarness } from './harness.js';

type Harness = Awaited<ReturnType<typeof supportHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const OWNER = { tenant: 'default', channel: 'wa', address: 'owner-1', role: 'owner' as const };
const NOT_UNDERSTOOD = DEFAULT_TEMPLATES.not_understood;

async function start(chatMode: 'manual' | 'custom' | 'ai' = 'custom', plugins: BotPlugin[] = []) {
  h = await supportHarness({
    support: { admins: [OWNER] },
    botConfig: { verification_enabled: false, chat_mode: chatMode },
    plugins,
  });
  return { x: h, templates: new TemplateStore(h.engine.container.resolve(Tokens.Kv), h.clock) };
}

describe('TemplateStore', () => {
  it('lists every key with its default, override and variables', async () => {
    const { templates } = await start();
    await templates.set('default', 'order_not_found', 'Nope: #{order_id}');
    const list = await templates.list('default');
    expect(list.length).toBe(Object.keys(DEFAULT_TEMPLATES).length);
    expect(list.length).toBeGreaterThanOrEqual(35);
    const entry = list.find((e) => e.key === 'order_not_found')!;
    expect(entry).toMatchObject({
      default: DEFAULT_TEMPLATES.order_not_found,
      override: 'Nope: #{order_id}',
      effective: 'Nope: #{order_id}',
      vars: ['order_id'],
    });
    expect(list.find((e) => e.key === 'welcome_message')).toMatchObject({ vars: [], effective: expect.any(String) });
    expect(list.find((e) => e.key === 'welcome_message')!.override).toBeUndefined();
    expect((await templates.entry('default', 'cooldown_active')).vars).toEqual(['action', 'order_id', 'wait']);
  });

  it('validates keys and variables', async () => {
    const { templates } = await start();
    await expect(templates.set('default', 'nope', 'x')).rejects.toBeInstanceOf(ConfigError);
    await expect(templates.set('default', 'help', 'x')).rejects.toThrow(/help menu is fixed/);
    await expect(templates.set('default', 'order_not_found', 'Order {order_id} by {username}')).rejects.toThrow(
      /unknown variable\(s\) \{username\}; this template may use \{order_id\}/,
    );
    await expect(templates.set('default', 'welcome_message', 'Hi {name}')).rejects.toThrow(/may use no variables/);
    await expect(templates.set('default', 'balance', 'x'.repeat(5000))).rejects.toThrow(/at most 4096/);
    await expect(templates.set('default', 'balance', 'You have {balance} {currency}')).resolves.toMatchObject({
      override: 'You have {balance} {currency}',
    });
    expect(await templates.reset('default', 'balance')).toBe(true);
    expect(await templates.reset('default', 'balance')).toBe(false);
    expect(await templates.get('default', 'balance')).toBeUndefined();
    await expect(templates.reset('default', 'nope')).rejects.toThrow(/unknown template key/);
  });

  it('keeps overrides per tenant', async () => {
    const { templates } = await start();
    await templates.set('other', 'blocked', 'Other tenant text');
    expect(await templates.get('default', 'blocked')).toBeUndefined();
    expect(await templates.get('other', 'blocked')).toBe('Other tenant text');
  });
});

describe('chat modes', () => {
  it('custom mode sends the override, WhatsApp formatting and line breaks intact', async () => {
    const { x, templates } = await start('custom');
    const text = '*Oops!* _I did not get that._ ~really~ `help`\nType *help* for the menu.';
    await templates.set('default', 'not_understood', text);
    expect(await x.say('what is this')).toEqual([text]);
  });

  it('custom mode renders the override with the reply vars', async () => {
    const { x, templates } = await start('custom');
    await templates.set('default', 'admin_config_value', '*{key}* → _{value}_');
    expect(await x.say('!config get chat_mode', { sender: 'owner-1' })).toEqual(['*chat_mode* → _custom_']);
  });

  it('falls back to the default when the override is empty, blank or missing, and after a reset', async () => {
    const { x, templates } = await start('custom');
    expect(await x.say('what is this')).toEqual([NOT_UNDERSTOOD]);
    await templates.set('default', 'not_understood', '');
    expect(await x.say('what is this?')).toEqual([NOT_UNDERSTOOD]);
    await templates.set('default', 'not_understood', '  \n ');
    expect(await x.say('what is this!')).toEqual([NOT_UNDERSTOOD]);
    await templates.set('default', 'not_understood', 'Custom hint');
    expect(await x.say('what is this??')).toEqual(['Custom hint']);
    await templates.reset('default', 'not_understood');
    expect(await x.say('what is this!!')).toEqual([NOT_UNDERSTOOD]);
  });

  it('custom mode also words the apology of a failed turn', async () => {
    const boom: BotPlugin = {
      name: 'test:boom',
      apply({ hooks }) {
        hooks.command.for('ticket').tap(
          'boom',
          () => {
            throw new Error('kaput: secret detail');
          },
          { stage: Stage.GUARD },
        );
      },
    };
    const { x, templates } = await start('custom', [boom]);
    await templates.set('default', 'error', '_Oh no!_ Please try again later.');
    expect(await x.say('ticket 5')).toEqual(['_Oh no!_ Please try again later.']);
  });

  it.each(['manual', 'custom', 'ai'] as const)('keeps the help menu fixed in %s mode', async (mode) => {
    const { x, templates } = await start(mode);
    await templates.set('default', 'not_understood', 'Custom hint');
    expect(await x.say('help')).toEqual([HELP_TEXT]);
    // Only custom mode uses the override; manual and (for now) AI mode send the built-in text.
    expect(await x.say('what is this')).toEqual([mode === 'custom' ? 'Custom hint' : NOT_UNDERSTOOD]);
  });

  it('a chat mode change takes effect on the next message', async () => {
    const { x, templates } = await start('manual');
    await templates.set('default', 'not_understood', 'Custom hint');
    expect(await x.say('what is this')).toEqual([NOT_UNDERSTOOD]);
    expect(await x.say('!config set chat_mode custom', { sender: 'owner-1' })).toEqual([
      'Config updated: chat_mode = custom',
    ]);
    expect(await x.say('what is this?')).toEqual(['Custom hint']);
  });
});

describe('AI mode seam', () => {
  it('hands AI-mode replies (never help) to the rewrite it is given', async () => {
    const clock = new VirtualClock();
    const channel = new FakeChannel('wa', 'default', clock);
    const seen: string[] = [];
    const plugin: BotPlugin = {
      name: 'test:modes',
      apply({ hooks, container }) {
        applyChatModes(hooks, {
          templates: new TemplateStore(container.resolve(Tokens.Kv), clock),
          config: container.resolve(Tokens.TenantConfig),
          aiRewrite: async (message) => {
            seen.push(message.template ?? '');
            return { ...message, text: `AI: ${message.text}` };
          },
        });
        hooks.command.for('help').tap('help', () => ({ replies: [{ text: HELP_TEXT, template: 'help' }] }));
        hooks.command.for('unknown').tap('hint', () => ({ replies: [draft('not_understood')] }));
      },
    };
    const plugins = [memoryStorage(), channel.plugin(), plugin];
    const engine = createEngine({ clock, botConfig: () => ({ chat_mode: 'ai' }), plugins });
    await engine.start();
    try {
      await engine.handle(channel.message('help'));
      await engine.handle(channel.message('hm?'));
      await engine.container.resolve(Tokens.TenantConfig).set('default', { chat_mode: 'manual' });
      await engine.handle(channel.message('hm??'));
      expect(channel.sent.map((m) => m.text)).toEqual([HELP_TEXT, `AI: ${NOT_UNDERSTOOD}`, NOT_UNDERSTOOD]);
      expect(seen).toEqual(['not_understood']);
    } finally {
      await engine.stop();
    }
  });
});
