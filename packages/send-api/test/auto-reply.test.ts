import { type BotPlugin, ConfigError, Stage } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import {
  type AutoReplyRule,
  AutoReplyRuleError,
  AutoReplyServiceToken,
  rulePatternProblem,
  sendApi,
} from '../src/index.js';
import { PhoneChannel, startApi } from './helpers.js';

/** Stands in for support's AI answer (POST) and "not understood" (FALLBACK) taps on `unknown`. */
const supportLike: BotPlugin = {
  name: 'support-like',
  apply: ({ hooks }) => {
    hooks.command.for('unknown').tap('not-understood', () => ({ replies: [{ text: 'not understood' }] }), {
      stage: Stage.FALLBACK,
    });
  },
};

async function setup(options: { autoReplies?: Record<string, AutoReplyRule[]>; globalAutoReplies?: AutoReplyRule[] }) {
  const acme = new PhoneChannel('wa-acme', 'acme');
  const globex = new PhoneChannel('wa-globex', 'globex');
  const api = await startApi({ channels: [acme, globex], options, extra: [supportLike] });
  const rules = api.engine.container.resolve(AutoReplyServiceToken);
  const ask = async (channel: PhoneChannel, text: string, group = false) => {
    const before = channel.sent.length;
    const chat = group ? { chat: { id: 'g@g.us', kind: 'group' as const } } : {};
    await api.engine.handle(channel.message(text, chat));
    return channel.sent.slice(before).map((m) => m.text);
  };
  return { ...api, acme, globex, rules, ask };
}

const rule = (match: AutoReplyRule['match'], pattern: string, reply: string, flags?: '' | 'i'): AutoReplyRule => ({
  match,
  pattern,
  reply,
  ...(flags === undefined ? {} : { flags }),
});

describe('auto-reply matching', () => {
  it.each([
    ['contains', 'price', 'What is the PRICE?', 'how much does it cost'],
    ['exact', 'paid', '  PAID ', 'paid!'],
    ['startsWith', 'invoice', 'Invoice 123', 'my invoice 123'],
  ] as const)('%s ignores case and surrounding spaces', async (match, pattern, hit, miss) => {
    const { ask, acme } = await setup({ globalAutoReplies: [rule(match, pattern, 'auto')] });
    expect(await ask(acme, hit)).toEqual(['auto']);
    expect(await ask(acme, miss)).toEqual(['not understood']);
  });

  it('regex matches case-sensitively unless flagged i', async () => {
    const { ask, acme } = await setup({
      globalAutoReplies: [rule('regex', '^where .*link$', 'sensitive'), rule('regex', 'LINK\\b', 'flagged', 'i')],
    });
    expect(await ask(acme, 'where is my payment link')).toEqual(['sensitive']);
    expect(await ask(acme, 'Where is my payment link')).toEqual(['flagged']);
    expect(await ask(acme, 'Where is my payment linked account')).toEqual(['not understood']);
  });

  it('answers before support’s fallback, and leaves unmatched text to it', async () => {
    const { ask, acme } = await setup({ globalAutoReplies: [rule('contains', 'price', 'Our prices: ...')] });
    expect(await ask(acme, 'price?')).toEqual(['Our prices: ...']);
    expect(await ask(acme, 'something else')).toEqual(['not understood']);
  });

  it('fires only on free text: a command nobody answered is not auto-replied', async () => {
    const { ask, acme } = await setup({ globalAutoReplies: [rule('contains', 'refund', 'auto')] });
    // The unknown hook still runs (nothing answered `refund`); the stand-in fallback answers, not the rule.
    expect(await ask(acme, 'refund my money')).toEqual(['not understood']);
  });

  it('does not answer in groups', async () => {
    const { ask, acme } = await setup({ globalAutoReplies: [rule('contains', 'price', 'auto')] });
    expect(await ask(acme, 'price?', true)).toEqual(['not understood']);
  });
});

describe('auto-reply precedence', () => {
  it('company rules (config, then stored) before global ones; the first match wins', async () => {
    const { ask, acme, globex, rules } = await setup({
      autoReplies: { acme: [rule('contains', 'price', 'acme config'), rule('contains', 'price', 'acme config 2')] },
      globalAutoReplies: [rule('contains', 'price', 'global'), rule('contains', 'hours', 'global hours')],
    });
    await rules.add('acme', rule('contains', 'hours', 'acme stored hours'));
    await rules.add('acme', rule('contains', 'price', 'acme stored price'));
    expect(await ask(acme, 'price')).toEqual(['acme config']);
    expect(await ask(acme, 'opening hours')).toEqual(['acme stored hours']);
    // globex has no rules of its own: acme's never reach it.
    expect(await ask(globex, 'price')).toEqual(['global']);
    expect(await ask(globex, 'opening hours')).toEqual(['global hours']);
  });

  it('stored rules can be listed and removed', async () => {
    const { ask, acme, rules } = await setup({ globalAutoReplies: [rule('contains', 'price', 'global')] });
    const added = await rules.add('acme', rule('startsWith', 'price', 'stored'));
    expect(await rules.list('acme')).toEqual([expect.objectContaining({ id: added.id, match: 'startsWith' })]);
    expect(await rules.list('globex')).toEqual([]);
    expect(await ask(acme, 'price please')).toEqual(['stored']);
    expect(await rules.remove('globex', added.id)).toBe(false);
    expect(await rules.remove('acme', added.id)).toBe(true);
    expect(await ask(acme, 'price please')).toEqual(['global']);
  });
});

describe('auto-reply rule checks', () => {
  it.each(['(a+)+$', '^(\\d+\\s?)+$', '(x*)*y'])(
    'rejects the catastrophic regex %s and stores nothing',
    async (pattern) => {
      const { rules } = await setup({});
      const attempt = rules.add('acme', rule('regex', pattern, 'r'));
      await expect(attempt).rejects.toBeInstanceOf(AutoReplyRuleError);
      await expect(attempt).rejects.toThrow(/could take exponential time.*nested repetition/);
      expect(await rules.list('acme')).toEqual([]);
    },
  );

  it('rejects an unsafe regex in the options at start, naming the rule', () => {
    expect(() => sendApi({ globalAutoReplies: [rule('regex', '(a+)+$', 'r')] })).toThrow(ConfigError);
    expect(() => sendApi({ autoReplies: { acme: [rule('regex', '(a|b+)+', 'r')] } })).toThrow(
      /autoReplies\.acme\[0\]\.pattern: the regex \/\(a\|b\+\)\+\/ could take exponential time/,
    );
  });

  it.each([
    [rule('regex', 'a'.repeat(201), 'r'), /too long \(201 characters; at most 200\)/],
    [rule('regex', '(unclosed', 'r'), /not a valid regular expression/],
    [rule('contains', 'price', 'r', 'i'), /flags are only for regex rules/],
    [{ ...rule('regex', 'x', 'r'), flags: 'g' as 'i' }, /flags may only be "i"/],
    [rule('exact', '', 'r'), /pattern is empty/],
    [rule('exact', 'x', '  '), /reply is empty/],
  ])('rejects %o', async (input, message) => {
    const { rules } = await setup({});
    await expect(rules.add('acme', input)).rejects.toThrow(message);
  });

  it('accepts ordinary regexes', () => {
    for (const pattern of ['^hello', 'price|cost', '\\border\\s+\\d{3,8}\\b', '(?:abc)+']) {
      expect(rulePatternProblem({ match: 'regex', pattern })).toBeUndefined();
    }
  });
});
