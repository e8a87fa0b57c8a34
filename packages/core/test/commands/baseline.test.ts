import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/index.js';

/** The baseline suite (formerly test/parse.test.ts), kept on the new command language. */
describe('parseCommand (baseline)', () => {
  it.each([
    ['order 54321', 'order', ['54321']],
    ['check 54321, 54322,54323', 'order', ['54321', '54322', '54323']],
    ['2274209 refill', 'refill', ['2274209']],
    ['refill: #123, #124', 'refill', ['123', '124']],
    ['REFILL STATUS 55', 'refill_status', ['55']],
    ['speed-up 9', 'speedup', ['9']],
    ['ｏｒｄｅｒ　１２３', 'order', ['123']],
    ['my username', 'my_username', []],
    ['balance', 'balance', []],
    // A greeting now has its own id (the verification flow starts on it).
    ['hello there', 'greeting', []],
    ['hello, how do I pay with crypto', 'unknown', []],
    ['', 'unknown', []],
  ])('%j → %s %j', (text, id, ids) => {
    const cmd = parseCommand(text);
    expect(cmd.id).toBe(id);
    expect(cmd.ids).toEqual(ids);
  });

  it('flags a dirty command and keeps the customer words', () => {
    const cmd = parseCommand('cancel 54321 this is taking forever!!');
    expect(cmd).toMatchObject({ id: 'cancel', ids: ['54321'], dirty: true, extraText: 'this is taking forever!!' });
    expect(parseCommand('cancel 54321').dirty).toBe(false);
  });

  it('reads admin commands with their arguments', () => {
    expect(parseCommand('!config set chat_mode ai')).toMatchObject({
      id: 'admin.config',
      args: ['set', 'chat_mode', 'ai'],
      admin: true,
      adminArgs: { op: 'set', key: 'chat_mode', value: 'ai' },
    });
  });

  it('caps ids per message and drops repeats', () => {
    const many = Array.from({ length: 150 }, (_, i) => 1000 + i).join(' ');
    expect(parseCommand(`order ${many}`).ids).toHaveLength(100);
    expect(parseCommand(`order ${many}`).truncated).toBe(true);
    expect(parseCommand('order 5 5 5').ids).toEqual(['5']);
  });

  it('never throws on odd input', () => {
    for (const junk of [undefined, null, 42, {}, '\u0000\uFFFF', '🙂'.repeat(10_000)]) {
      expect(() => parseCommand(junk as never)).not.toThrow();
    }
  });
});
