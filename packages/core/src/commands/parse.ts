import type { CommandId, ParsedCommand } from './types.js';

/**
 * Verb phrases per command, longest first so `refill status` wins over `refill`.
 * The Support-workflows issue extends this (per-tenant aliases, custom commands, admin verbs).
 */
const VERBS: [CommandId, string[]][] = [
  ['refill_status', ['refill status', 'refill-status', 'refillstatus']],
  ['fake_complete', ['fake complete', 'fake-complete', 'force complete']],
  ['my_username', ['my username', 'username', 'whoami']],
  ['speedup', ['speed up', 'speed-up', 'speedup', 'speed']],
  ['order', ['order status', 'order', 'check', 'status', 'details']],
  ['refill', ['refill', 'refil']],
  ['cancel', ['cancel', 'cancellation']],
  ['refund', ['refund']],
  ['partial', ['partial']],
  ['balance', ['balance', 'funds']],
  ['services', ['services', 'service list', 'pricelist']],
  ['ticket', ['ticket']],
  ['help', ['help', 'menu', 'commands', 'start']],
];

const ID_PATTERN = /#?\b(\d{1,12})\b/g;
// One alternation, longest phrases first: a single exec finds the earliest verb, and at that
// position the longest phrase (`refill status` before `refill`).
const PHRASE_TO_ID = new Map(VERBS.flatMap(([id, phrases]) => phrases.map((p) => [p, id] as const)));
const VERB_RE = new RegExp(
  `(^|\\s)(${[...PHRASE_TO_ID.keys()]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/-/g, '\\-'))
    .join('|')})(?=\\s|$)`,
);
const ASCII = /^[\t\n\r\x20-\x7e]*$/;

export function normalizeText(text: string): string {
  // NFKC only changes non-ASCII text (full-width digits, Unicode-bold letters, ...): skip it for the rest.
  const folded = ASCII.test(text) ? text : text.normalize('NFKC');
  return folded.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Parses a chat message into a command. Never throws: what it cannot place is `unknown`. */
export function parseCommand(raw: string, options: { maxIds?: number } = {}): ParsedCommand {
  const text = typeof raw === 'string' ? raw : '';
  const normalized = normalizeText(text);
  const admin = normalized.startsWith('!');
  const body = (admin ? normalized.slice(1) : normalized).replace(/^\/+/, '');

  const ids = unique([...body.matchAll(ID_PATTERN)].map((m) => m[1]!)).slice(0, options.maxIds ?? 100);
  const words = body
    .replace(ID_PATTERN, ' ')
    .replace(/[,:;#]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

  if (admin) {
    const [verb = '', ...args] = words.split(' ');
    return {
      id: verb ? `!${verb}` : 'unknown',
      ids,
      args,
      extraText: '',
      dirty: false,
      admin: true,
      raw: text,
      normalized,
    };
  }

  const match = findVerb(words);
  if (!match) {
    return { id: 'unknown', ids, args: [], extraText: words, dirty: false, admin: false, raw: text, normalized };
  }
  const extraText = (words.slice(0, match.index) + ' ' + words.slice(match.index + match.p.length))
    .replace(/\s+/g, ' ')
    .trim();
  // Ids + an action + the customer's own words: run the action, then console (spec "dirty commands").
  const dirty = ids.length > 0 && extraText.split(' ').filter((w) => w.length > 1).length >= 2;
  return { id: match.id, ids, args: [], extraText, dirty, admin: false, raw: text, normalized };
}

function findVerb(words: string): { id: CommandId; p: string; index: number } | undefined {
  const m = VERB_RE.exec(words);
  if (!m) return undefined;
  const p = m[2]!;
  return { id: PHRASE_TO_ID.get(p)!, p, index: m.index + m[1]!.length };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
