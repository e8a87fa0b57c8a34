import type { CommandId, ParseOptions } from './types.js';
import { lex } from './lexer.js';
import { K_PUNCT, TokenList } from './tokens.js';

/**
 * Where a verb may stand, checked once the whole message is read:
 * - `any`: anywhere in the message;
 * - `first`: the first word (ids may come before it): the terse staff commands;
 * - `alone`: every other word is harmless (fillers, other command words) or a question word
 *   ("what is my balance"); ids allowed: info commands that are also plain nouns (`balance`, `services`);
 * - `alone-or-ids`: with ids, or every other word harmless: words that are also plain nouns (`order`,
 *   `check`, `status`, `speed`, `ticket`);
 * - `greeting`: every other word harmless, and no ids.
 * ("Every other word harmless": no other own word, see the dirty rule in dirty.ts; links, mentions,
 * numbers, punctuation and one-letter words never count.)
 */
export type Where = 'any' | 'first' | 'alone' | 'alone-or-ids' | 'greeting';

/** Lower wins. In a rank, the earliest verb wins. */
export const Rank = { staff: 0, action: 1, info: 2, lookup: 3, help: 4, greeting: 5 } as const;

export interface Phrase {
  words: readonly string[];
  id: CommandId;
  rank: number;
  where: Where;
  /** How many of its words are not harmless (built-in phrases: none; tenant words can be). */
  own: number;
}

/**
 * A cheap pre-check before cutting a word out of the text to look it up: bit `min(length, 31)` of the slot
 * hashed from the first two characters is set for every key of the tables. Most words of a long message
 * fail it.
 */
export type WordFilter = Uint32Array;

const slotOf = (first: number, second: number) => (Math.imul(first, 31) ^ second) & 4095;

export function wordFilter(words: Iterable<string>): WordFilter {
  const filter = new Uint32Array(4096);
  for (const w of words) {
    if (w.length > 0)
      filter[slotOf(w.charCodeAt(0), w.length > 1 ? w.charCodeAt(1) : 0)]! |= 1 << Math.min(w.length, 31);
  }
  return filter;
}

/** Whether `text[start, start + length)` may be a key of the filter's tables. */
export function mayMatch(filter: WordFilter, text: string, start: number, length: number): boolean {
  const slot = slotOf(text.charCodeAt(start), length > 1 ? text.charCodeAt(start + 1) : 0);
  return ((filter[slot]! >>> Math.min(length, 31)) & 1) === 1;
}

type Row = [id: CommandId, rank: number, where: Where, phrases: string[]];

const { staff, action, info, lookup, help, greeting } = Rank;

/** Built-in verb phrases, already normalized (`normalizeText(p) === p`: tested). Typos: only the common, unambiguous ones (`refil`, `cancle`). */
const ROWS: Row[] = [
  ['staff.refill_verify', staff, 'first', ['refill verify', 'refil verify', 'refill-verify', 'refill_verify']],
  ['staff.provider_status', staff, 'first', ['provider status', 'provider-status', 'provider_status']],
  ['refill_status', action, 'any', ['refill status', 'refil status', 'refill-status', 'refillstatus', 'refill_status']],
  ['fake_complete', action, 'any', ['fake complete', 'fake-complete', 'fakecomplete', 'fake_complete']],
  ['fake_complete', action, 'any', ['force complete', 'force-complete']],
  ['speedup', action, 'any', ['speed up', 'speed-up', 'speedup', 'speed_up']],
  ['speedup', action, 'alone-or-ids', ['speed']],
  ['refill', action, 'any', ['refill', 'refil', 'reffil', 'reffill']],
  ['cancel', action, 'any', ['cancel', 'cancle', 'cancell', 'cancellation']],
  ['refund', action, 'any', ['refund']],
  ['partial', action, 'any', ['partial']],
  ['ticket', info, 'alone-or-ids', ['ticket']],
  ['balance', info, 'alone', ['balance', 'funds']],
  ['services', info, 'alone', ['services', 'service list', 'pricelist', 'price list']],
  ['my_username', info, 'alone', ['my username', 'username', 'my_username', 'myusername', 'whoami']],
  ['order', lookup, 'alone-or-ids', ['order status', 'order', 'check', 'status', 'details', 'detail']],
  ['help', help, 'any', ['help']],
  ['help', help, 'alone', ['menu', 'commands', 'start']],
  ['greeting', greeting, 'greeting', ['hi', 'hii', 'hiii', 'hello', 'helo', 'hallo', 'hey', 'heyy', 'heya', 'hola']],
  ['greeting', greeting, 'greeting', ['salam', 'salaam', 'salams', 'slm', 'aoa', 'assalam', 'asalam', 'assalamu']],
  [
    'greeting',
    greeting,
    'greeting',
    ['asalamu', 'assalamualaikum', 'asalamualaikum', 'assalamoalaikum', 'salamualaikum'],
  ],
  ['greeting', greeting, 'greeting', ['as-salamu', 'السلام', 'سلام', 'مرحبا', 'marhaba', 'namaste', 'morning']],
  ['greeting', greeting, 'greeting', ['good morning', 'good afternoon', 'good evening', 'good day']],
  ['greeting', greeting, 'greeting', ['assalamu alaikum', 'assalamu alaykum', 'asalamu alaikum', 'assalam alaikum']],
  ['greeting', greeting, 'greeting', ['asalam alaikum', 'salam alaikum', 'salaam alaikum', 'salam alekum']],
  [
    'greeting',
    greeting,
    'greeting',
    ['as salamu alaikum', 'as-salamu alaikum', 'assalam o alaikum', 'asalam o alaikum'],
  ],
  ['greeting', greeting, 'greeting', ['السلام علیکم', 'سلام علیکم']],
];

/**
 * Words that are not the customer's own: polite fillers, function words, request verbs, greeting tails.
 * With the command words they make up the harmless words: `alone` verbs allow them, and they do not make
 * a command dirty.
 */
const FILLERS = [
  'please pls plz plzz plss pleas pleasee kindly sir sirr maam madam mam bro brother bhai bhaiya sis dear admin',
  'team boss guys friend friends everyone all there thanks thank thankyou thx ty tnx tq ok okay order orders id',
  'ids no nos number numbers num my mine our your the a an this that these those it is are am be to for of on in',
  'at with and also or just now i me we you u can could would will want need do does get give send show tell',
  'check list see alaikum alaykum aleikum alekum alaikom o wa walaikum rahmatullah',
  'wabarakatuh علیکم و',
]
  .join(' ')
  .split(' ');

/** Question words: an `alone` info command (balance, services, my username) allows them ("what is my balance"). */
export const QUESTION_WORDS: ReadonlySet<string> = new Set(['what', 'whats', "what's", 'how', 'much', 'where']);

/** The built-in table: first word → phrases starting with it, longest first. */
export const BUILTIN: ReadonlyMap<string, readonly Phrase[]> = buildTable(
  ROWS.flatMap(([id, rank, where, phrases]) => phrases.map((p) => ({ words: p.split(' '), id, rank, where, own: 0 }))),
);

export const HARMLESS: ReadonlySet<string> = new Set(
  [...FILLERS, ...ROWS.flatMap((r) => r[3])].flatMap((p) => p.split(' ')),
);

/** The commands an order id + extra words make dirty. */
export const ORDER_COMMANDS: ReadonlySet<CommandId> = new Set([
  'order',
  'refill',
  'refill_status',
  'cancel',
  'speedup',
  'refund',
  'partial',
  'fake_complete',
]);

/** Every word the scan must look up: harmless words, question words, first words of built-in phrases. */
export const BUILTIN_FILTER: WordFilter = wordFilter([...HARMLESS, ...QUESTION_WORDS, ...BUILTIN.keys()]);

const LETTER = /\p{L}/u;
const ownCount = (words: readonly string[]) =>
  words.filter((w) => w.length > 1 && !HARMLESS.has(w) && LETTER.test(w)).length;

const RANK_OF = new Map<CommandId, number>(ROWS.map((r) => [r[0], r[1]]));

function buildTable(phrases: Phrase[]): Map<string, Phrase[]> {
  const table = new Map<string, Phrase[]>();
  for (const phrase of phrases) {
    const first = phrase.words[0];
    if (!first) continue;
    const list = table.get(first) ?? [];
    list.push(phrase);
    table.set(first, list);
  }
  for (const list of table.values()) list.sort((a, b) => b.words.length - a.words.length);
  return table;
}

/** Normalized words of a tenant trigger or alias; `!`/`/` prefixes and punctuation are ignored. */
function phraseWords(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  const tokens = lex(text, new TokenList());
  const words: string[] = [];
  for (let i = 0; i < tokens.count; i++) if (tokens.kind[i] !== K_PUNCT) words.push(tokens.lower(i));
  return words;
}

/** A tenant's aliases and custom triggers, compiled once per options object (cached by identity). */
export interface TenantTables {
  /** Customer, staff and custom words, checked before the built-in table. */
  words: ReadonlyMap<string, readonly Phrase[]>;
  /** Aliases of admin commands: the word after `!`. */
  admin: ReadonlyMap<string, CommandId>;
  /** `wordFilter` of the first words of `words`. */
  filter: WordFilter;
}

const EMPTY: TenantTables = { words: new Map(), admin: new Map(), filter: wordFilter([]) };
const aliasCache = new WeakMap<object, TenantTables>();
const customCache = new WeakMap<object, TenantTables>();

export function tenantTables(options: ParseOptions): TenantTables[] {
  const out: TenantTables[] = [];
  const { aliases, custom } = options;
  if (aliases && typeof aliases === 'object') out.push(cached(aliasCache, aliases, () => compileAliases(aliases)));
  if (Array.isArray(custom) && custom.length > 0) out.push(cached(customCache, custom, () => compileCustom(custom)));
  return out;
}

function cached(cache: WeakMap<object, TenantTables>, key: object, build: () => TenantTables): TenantTables {
  let tables = cache.get(key);
  if (!tables) {
    tables = build();
    cache.set(key, tables);
  }
  return tables;
}

function compileAliases(aliases: Readonly<Record<string, CommandId>>): TenantTables {
  const phrases: Phrase[] = [];
  const admin = new Map<string, CommandId>();
  for (const [key, target] of Object.entries(aliases)) {
    const words = phraseWords(key);
    if (words.length === 0 || typeof target !== 'string' || target === 'unknown' || target === '') continue;
    if (target === 'admin.group_flag') continue; // the flag is the verb itself (`!silent`): no alias can say which
    if (target.startsWith('admin.')) {
      if (words.length === 1) admin.set(words[0]!, target);
      continue;
    }
    const rank = RANK_OF.get(target) ?? info;
    const where: Where = rank === staff ? 'first' : rank === greeting ? 'greeting' : 'any';
    phrases.push({ words, id: target, rank, where, own: ownCount(words) });
  }
  return phrases.length || admin.size ? tables(phrases, admin) : EMPTY;
}

function compileCustom(custom: readonly string[]): TenantTables {
  const phrases: Phrase[] = [];
  for (const trigger of custom) {
    const words = phraseWords(trigger);
    if (words.length > 0) {
      phrases.push({ words, id: `custom:${trigger.trim()}`, rank: info, where: 'any', own: ownCount(words) });
    }
  }
  return phrases.length ? tables(phrases, new Map()) : EMPTY;
}

function tables(phrases: Phrase[], admin: Map<string, CommandId>): TenantTables {
  const words = buildTable(phrases);
  return { words, admin, filter: wordFilter(words.keys()) };
}
