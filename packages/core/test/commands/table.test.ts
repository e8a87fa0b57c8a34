import { describe, expect, it } from 'vitest';
import { type ParsedCommand, type ParseOptions, parseCommand } from '../../src/index.js';
import { ADMIN, type Case, type Expected, IDS, SPEC, VERBS } from './cases-spec.js';
import { CODES, DIRTY, GREETINGS, JUNK, LINKS, TENANT_CASES, UNICODE } from './cases-more.js';

type Row = [group: string, text: string, expected: Expected, options: ParseOptions | undefined];
const GROUPS: [string, Case[]][] = [
  ['spec', SPEC],
  ['verbs', VERBS],
  ['ids', IDS],
  ['admin', ADMIN],
  ['tenant', TENANT_CASES],
  ['dirty', DIRTY],
  ['greeting', GREETINGS],
  ['code', CODES],
  ['unicode', UNICODE],
  ['links', LINKS],
  ['junk', JUNK],
];
const ALL: Row[] = GROUPS.flatMap(([group, cases]) =>
  cases.map(([text, expected, options]): Row => [group, text, expected, options]),
);

describe('parseCommand: the command language', () => {
  it('has at least 200 cases', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(200);
  });

  it.each(ALL)('[%s] %j', (_group, text, expected, options) => {
    const cmd = parseCommand(text, options);
    for (const [key, value] of Object.entries(expected)) {
      expect(cmd[key as keyof ParsedCommand], key).toEqual(value);
    }
    // Invariants every result keeps.
    expect(cmd.raw).toBe(text);
    expect(cmd.ids.length).toBeLessThanOrEqual(options?.maxIds && options.maxIds >= 1 ? options.maxIds : 100);
    expect(new Set(cmd.ids).size).toBe(cmd.ids.length);
    for (const id of cmd.ids) expect(id).toMatch(/^\d{1,12}$/);
    if (cmd.dirty) expect(cmd.ids.length).toBeGreaterThan(0);
    if (cmd.adminArgs) expect(cmd.argsError).toBeUndefined();
  });
});
