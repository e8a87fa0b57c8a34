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
const PHRASES = VERBS.flatMap(([id, phrases]) =>
  phrases.map((p) => ({ id, p, re: new RegExp(`(^|\\s)${p.replace(/-/g, '\\-')}(?=\\s|$)`) })),
).sort((a, b) => b.p.length - a.p.length);

export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Parses a chat message into a command. Never throws: what it cannot place is `unknown`. */
export function parseCommand(raw: string, options: { maxIds?: number } = {}): ParsedCommand {
  const text = typeof raw === 'string' ? raw : '';
  const normalized = normalizeText(text);
  const admin = normalized.startsWith('!');
  const body = (admin ? normalized.slice(1) : normalized).replace(/^\/+/, '');

  const ids = unique([...body.matchAll(ID_PATTERN)].map((m) => m[1]!)).slice(0, options.maxIds ?? 100);
  const words = body.replace(ID_PATTERN, ' ').replace(/[,:;#]/g, ' ').replace(/\s+/g, ' ').trim();

  if (admin) {
    const [verb = '', ...args] = words.split(' ');
    return { id: verb ? `!${verb}` : 'unknown', ids, args, extraText: '', dirty: false, admin: true, raw: text, normalized };
  }

  const match = findVerb(words);
  if (!match) {
    return { id: 'unknown', ids, args: [], extraText: words, dirty: false, admin: false, raw: text, normalized };
  }
  const extraText = (words.slice(0, match.index) + ' ' + words.slice(match.index + match.p.length)).replace(/\s+/g, ' ').trim();
  // Ids + an action + the customer's own words: run the action, then console (spec "dirty commands").
  const dirty = ids.length > 0 && extraText.split(' ').filter((w) => w.length > 1).length >= 2;
  return { id: match.id, ids, args: [], extraText, dirty, admin: false, raw: text, normalized };
}

function findVerb(words: string): { id: CommandId; p: string; index: number } | undefined {
  let best: { id: CommandId; p: string; index: number } | undefined;
  for (const { id, p, re } of PHRASES) {
    const m = re.exec(words);
    if (!m) continue;
    const index = m.index + m[1]!.length;
    if (!best || index < best.index || (index === best.index && p.length > best.p.length)) best = { id, p, index };
  }
  return best;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
