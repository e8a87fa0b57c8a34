import { describe, expect, expectTypeOf, it } from 'vitest';
import { BUILTIN, HARMLESS, QUESTION_WORDS } from '../../src/commands/verbs.js';
import {
  ADMIN_COMMAND_IDS,
  adminArgsOf,
  COMMAND_IDS,
  type ConfigArgs,
  CUSTOMER_COMMAND_IDS,
  foldText,
  isBuiltinCommandId,
  normalizeText,
  type ParsedCommand,
  parseCommand,
  STAFF_COMMAND_IDS,
  SUPPORT_STATUSES,
} from '../../src/index.js';

describe('command ids', () => {
  it('lists every canonical id once', () => {
    expect([...COMMAND_IDS].sort()).toEqual(
      [
        'help',
        'greeting',
        'order',
        'refill',
        'refill_status',
        'cancel',
        'speedup',
        'refund',
        'partial',
        'fake_complete',
        'balance',
        'services',
        'ticket',
        'my_username',
        'admin.status',
        'admin.broadcast',
        'admin.group_flag',
        'admin.resolve',
        'admin.config',
        'admin.verify_users',
        'admin.remove_users',
        'admin.users',
        'admin.groups',
        'admin.marketing',
        'staff.refill_verify',
        'staff.provider_status',
        'unknown',
      ].sort(),
    );
    expect(new Set(COMMAND_IDS).size).toBe(COMMAND_IDS.length);
    expect(COMMAND_IDS.length).toBe(
      CUSTOMER_COMMAND_IDS.length + ADMIN_COMMAND_IDS.length + STAFF_COMMAND_IDS.length + 1,
    );
    expect(isBuiltinCommandId('admin.config')).toBe(true);
    expect(isBuiltinCommandId('custom:promo')).toBe(false);
    expect(SUPPORT_STATUSES).toEqual(['open', 'escalated', 'ticket created', 'resolved', 'ignored']);
  });

  it('produces only listed ids (or custom ones) for every id it can', () => {
    const samples = ['help', 'hi', 'order 1', '!status', '!silent on', 'refill verify 1', '1 provider status', 'x'];
    for (const text of samples) expect(COMMAND_IDS).toContain(parseCommand(text).id);
  });
});

describe('adminArgsOf', () => {
  it('gives the typed arguments of the named command only', () => {
    const cmd = parseCommand('!config set chat_mode ai');
    const args = adminArgsOf(cmd, 'admin.config');
    expectTypeOf(args).toEqualTypeOf<ConfigArgs | undefined>();
    expect(args).toEqual({ op: 'set', key: 'chat_mode', value: 'ai' });
    expect(adminArgsOf(cmd, 'admin.broadcast')).toBeUndefined();
    const flag = adminArgsOf(parseCommand('!marketing disable'), 'admin.group_flag');
    expectTypeOf(flag).toEqualTypeOf<{ flag: 'support' | 'marketing' | 'silent'; enable: boolean } | undefined>();
    expect(flag).toEqual({ flag: 'marketing', enable: false });
    expect(adminArgsOf(parseCommand('!silent'), 'admin.group_flag')).toBeUndefined();
  });
});

describe('result shape', () => {
  it('always sets the same fields', () => {
    const base = ['id', 'ids', 'args', 'extraText', 'dirty', 'admin', 'truncated', 'codeLike', 'raw', 'normalized'];
    for (const text of ['refill 1', 'hello', '284719', '!status', '!silent', 'zzz', '', '!foo']) {
      const keys = Object.keys(parseCommand(text));
      for (const key of base) expect(keys, `${text}: ${key}`).toContain(key);
    }
    const cmd: ParsedCommand = parseCommand('refill: #123, #124');
    expect(cmd).toEqual({
      id: 'refill',
      ids: ['123', '124'],
      args: [],
      extraText: '',
      dirty: false,
      admin: false,
      verb: 'refill',
      truncated: false,
      codeLike: false,
      raw: 'refill: #123, #124',
      normalized: 'refill: #123, #124',
    });
  });

  it('keeps raw as received and folds normalized', () => {
    const cmd = parseCommand('  Ｒefill\u200b\t\t#１٢۳  ');
    expect(cmd.raw).toBe('  Ｒefill\u200b\t\t#１٢۳  ');
    expect(cmd.normalized).toBe('refill #123');
    expect(cmd.ids).toEqual(['123']);
  });
});

describe('normalizeText / foldText', () => {
  it.each([
    ['ＲＥＦＩＬＬ　１２３', 'REFILL 123', 'refill 123'],
    ['𝐑𝐞𝐟𝐢𝐥𝐥 𝟏𝟐𝟑', 'Refill 123', 'refill 123'],
    ['ʀᴇꜰɪʟʟ', 'refill', 'refill'],
    ['١٢٣ ۴۵۶ ১২৩ १२३', '123 456 123 123', '123 456 123 123'],
    ['a\u200bb\u200ec\u2066d\ufeff', 'abcd', 'abcd'],
    ['  a \n\t b\u00a0\u3000c  ', 'a b c', 'a b c'],
    ['a\u0000b\u0085c', 'a b c', 'a b c'],
    ['ﬁ', 'fi', 'fi'],
    ['İstanbul', 'İstanbul', 'istanbul'],
    ['ريفيل', 'ریفیل', 'ریفیل'],
    [`e${'\u0301'.repeat(200)}`, `é${'\u0301'.repeat(29)}`, `é${'\u0301'.repeat(29)}`],
  ])('%j', (input, folded, normalized) => {
    expect(foldText(input)).toBe(folded);
    expect(normalizeText(input)).toBe(normalized);
    expect(normalizeText(input).length).toBe(foldText(input).length);
  });

  it('leaves plain ASCII alone', () => {
    const text = 'refill 54321 please';
    expect(foldText(text)).toBe(text);
  });
});

describe('built-in tables', () => {
  it('are written normalized', () => {
    for (const [first, phrases] of BUILTIN) {
      expect(normalizeText(first)).toBe(first);
      for (const phrase of phrases) for (const word of phrase.words) expect(normalizeText(word), word).toBe(word);
    }
    for (const word of [...HARMLESS, ...QUESTION_WORDS]) expect(normalizeText(word), word).toBe(word);
  });
});

describe('tenant options', () => {
  it('compiles aliases and custom triggers once per options object', () => {
    const options = { aliases: { rf: 'refill' }, custom: ['promo'] };
    expect(parseCommand('rf 1', options).id).toBe('refill');
    expect(parseCommand('promo', options).id).toBe('custom:promo');
    // A new object with other words is compiled afresh.
    expect(parseCommand('rf 1', { aliases: { rf: 'cancel' } }).id).toBe('cancel');
    expect(parseCommand('rf 1', options).id).toBe('refill');
  });

  it('honours maxIds up to the config maximum (1000)', () => {
    const ids = Array.from({ length: 1200 }, (_, i) => String(100000 + i));
    const cmd = parseCommand(`${ids.join('\n')}\nrefill`, { maxIds: 1000 });
    expect(cmd.id).toBe('refill');
    expect(cmd.ids).toEqual(ids.slice(0, 1000));
    expect(cmd.truncated).toBe(true);
  });
});
