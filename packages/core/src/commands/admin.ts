import { foldText, normalizeText } from './normalize.js';
import { K_ID, K_PUNCT, K_WORD, type TokenList } from './tokens.js';
import type { AdminArgs, CommandId, GroupFlag, MarketingArgs, SupportStatus } from './types.js';
import type { TenantTables } from './verbs.js';

interface AdminVerb {
  words: readonly string[];
  id: CommandId;
}

/** Admin verbs, the word(s) right after `!`. First word → verbs starting with it, longest first. */
const ADMIN_VERBS = new Map<string, AdminVerb[]>();
for (const [id, phrases] of [
  ['admin.status', ['status']],
  ['admin.broadcast', ['broadcast']],
  ['admin.group_flag', ['support', 'marketing', 'silent']],
  ['admin.resolve', ['resolve']],
  ['admin.config', ['config']],
  ['admin.verify_users', ['verify users', 'verify user', 'verify-users', 'verify-user', 'verify_users', 'verifyusers']],
  ['admin.remove_users', ['remove users', 'remove user', 'remove-users', 'remove-user', 'remove_users', 'removeusers']],
  ['admin.users', ['users']],
  ['admin.groups', ['groups']],
] as const) {
  for (const phrase of phrases) {
    const words = phrase.split(' ');
    const list = ADMIN_VERBS.get(words[0]!) ?? [];
    list.push({ words, id });
    list.sort((a, b) => b.words.length - a.words.length);
    ADMIN_VERBS.set(words[0]!, list);
  }
}

const SWITCH: Record<string, boolean> = {
  enable: true,
  enabled: true,
  on: true,
  true: true,
  disable: false,
  disabled: false,
  off: false,
  false: false,
};

const STATUSES: Record<string, SupportStatus> = {
  open: 'open',
  escalated: 'escalated',
  escalate: 'escalated',
  'ticket created': 'ticket created',
  'ticket-created': 'ticket created',
  ticket_created: 'ticket created',
  ticketcreated: 'ticket created',
  resolved: 'resolved',
  resolve: 'resolved',
  ignored: 'ignored',
  ignore: 'ignored',
};

/** `!marketing <op>`: the message-rotation subcommands (`!marketing enable|disable` is the group flag). */
const MARKETING_OPS = new Map<string, MarketingArgs['op']>([
  ['add', 'add'],
  ['list', 'list'],
  ['remove', 'remove'],
  ['delete', 'remove'],
  ['now', 'now'],
]);

const USAGE: Record<string, string> = {
  'admin.broadcast': '!broadcast <message>',
  'admin.group_flag': '!support|!marketing|!silent enable|disable',
  'admin.resolve': '!resolve <ids> open|escalated|ticket created|resolved|ignored',
  'admin.config': '!config set <key> <value> | !config get <key> | !config list',
  'admin.verify_users': '!verify-users <username>',
  'admin.remove_users': '!remove-users <username>',
  'admin.marketing': '!marketing add <text> | !marketing list | !marketing remove <n> | !marketing now',
};

const BANG = /^!+$/;
const CHUNK = /\s*\S+/y;
const NEXT_CHUNK = /^(\s*)(\S+)/;
const LEADING = /^[\s:：]+/;
const KEY_VALUE = /^\s*([^\s=:：]+)\s*(?:[=:：]\s*)?([\s\S]*)$/;
const QUOTED = /^(["'“”‘’«])([\s\S]*)(["'“”‘’»])$/;
const SPACE = /\s/;
const MENTION = /^@/;

export interface AdminMatch {
  id: CommandId;
  verb: string;
  /** Lower-cased words and numbers after the verb (ids too, except for commands that take ids). */
  args: string[];
  /** Whether the command takes order ids (`!resolve`): the others report none. */
  takesIds: boolean;
  adminArgs?: AdminArgs;
  argsError?: string;
}

/**
 * Reads `!verb args`. Returns undefined when the message does not start with `!` and a known admin verb
 * (the caller then parses it as a customer/staff message). Values that must keep their case (`!broadcast`
 * message, `!config set` value) are cut from the raw text, after as many whitespace-separated chunks as the
 * folded text has up to the verb/key.
 */
export function parseAdmin(raw: string, tokens: TokenList, tenant: TenantTables[]): AdminMatch | undefined {
  const { kind, folded } = tokens;
  if (tokens.count < 2 || kind[0] !== K_PUNCT || !BANG.test(tokens.text(0)) || kind[1] !== K_WORD) return undefined;
  const first = tokens.lower(1);
  let verb: AdminVerb | undefined;
  for (const candidate of ADMIN_VERBS.get(first) ?? []) {
    if (candidate.words.every((w, k) => k === 0 || (1 + k < tokens.count && tokens.lower(1 + k) === w))) {
      verb = candidate;
      break;
    }
  }
  if (!verb) {
    const aliased = tenant.map((t) => t.admin.get(first)).find((id) => id !== undefined);
    if (aliased) verb = { words: [first], id: aliased };
  }
  if (!verb) return undefined;

  const verbEnd = 1 + verb.words.length;
  const rest: number[] = [];
  for (let i = verbEnd; i < tokens.count; i++) if (kind[i] !== K_PUNCT) rest.push(i);
  const takesIds = verb.id === 'admin.resolve';
  const args = (takesIds ? rest.filter((i) => kind[i] !== K_ID) : rest).map((i) => tokens.lower(i));
  const match: AdminMatch = { id: verb.id, verb: verb.words.join(' '), args, takesIds };
  const afterVerb = () => rawAfter(raw, folded, tokens.end[verbEnd - 1]!);
  switch (verb.id) {
    case 'admin.broadcast': {
      const message = afterVerb().replace(LEADING, '').trimEnd();
      return message ? { ...match, adminArgs: { message } } : invalid(match, 'the message is missing');
    }
    case 'admin.group_flag': {
      if (first === 'marketing' && MARKETING_OPS.has(args[0] ?? '')) {
        return marketingArgs({ ...match, id: 'admin.marketing' }, rest, tokens, raw);
      }
      const enable = args.length === 1 && Object.hasOwn(SWITCH, args[0]!) ? SWITCH[args[0]!] : undefined;
      if (enable === undefined) return invalid(match, 'say enable or disable');
      return { ...match, adminArgs: { flag: first as GroupFlag, enable } };
    }
    case 'admin.resolve': {
      const words = rest.filter((i) => kind[i] === K_WORD).map((i) => tokens.lower(i));
      const phrase = words.join(' ');
      const status = Object.hasOwn(STATUSES, phrase) ? STATUSES[phrase] : undefined;
      if (!rest.some((i) => kind[i] === K_ID)) return invalid(match, 'the ids are missing');
      return status ? { ...match, adminArgs: { status } } : invalid(match, 'the status is missing or unknown');
    }
    case 'admin.config': {
      const op = args[0];
      if (op === 'list') return { ...match, adminArgs: { op: 'list' } };
      if (op !== 'set' && op !== 'get') return invalid(match, 'say set, get or list');
      return configArgs(match, op, rawAfter(raw, folded, tokens.end[rest[0]!]!));
    }
    case 'admin.marketing':
      return marketingArgs(match, rest, tokens, raw);
    case 'admin.verify_users':
    case 'admin.remove_users': {
      const username = foldText(afterVerb()).replace(MENTION, '');
      if (!username) return invalid(match, 'the username is missing');
      return SPACE.test(username)
        ? invalid(match, 'one username, without spaces')
        : { ...match, adminArgs: { username } };
    }
    default:
      // `!status`, `!users`, `!groups` (and admin aliases): no arguments; extra words stay in `args`.
      return { ...match, adminArgs: {} };
  }
}

/** `!marketing add <text>` (the raw text after `add`, case and line breaks kept), `list`, `remove <n>`, `now`. */
function marketingArgs(match: AdminMatch, rest: number[], tokens: TokenList, raw: string): AdminMatch {
  const op = MARKETING_OPS.get(match.args[0] ?? '');
  if (op === 'list' || op === 'now') return { ...match, adminArgs: { op } };
  if (op === 'add') {
    const text = rawAfter(raw, tokens.folded, tokens.end[rest[0]!]!).replace(LEADING, '').trimEnd();
    return text ? { ...match, adminArgs: { op, text } } : invalid(match, 'the message is missing');
  }
  if (op === 'remove') {
    const n = rest.length === 2 && tokens.kind[rest[1]!] === K_ID ? Number(tokens.text(rest[1]!)) : 0;
    return n >= 1 ? { ...match, adminArgs: { op, index: n } } : invalid(match, 'say which message number to remove');
  }
  return invalid(match, 'say add, list, remove or now');
}

/** `!config set|get` with the raw text after the op: `<key> <value>`, `<key>=<value>`, `<key>: <value>`. */
function configArgs(match: AdminMatch, op: 'set' | 'get', afterOp: string): AdminMatch {
  const kv = KEY_VALUE.exec(afterOp);
  const key = kv ? normalizeText(kv[1]!) : '';
  if (!kv || !key) return invalid(match, 'the key is missing');
  const value = unquote(kv[2]!.trim());
  if (op === 'get') return value ? invalid(match, 'get takes one key') : { ...match, adminArgs: { op, key } };
  return value ? { ...match, adminArgs: { op, key, value } } : invalid(match, 'the value is missing');
}

function invalid(match: AdminMatch, why: string): AdminMatch {
  return { ...match, argsError: `${why}; usage: ${USAGE[match.id] ?? `!${match.verb}`}` };
}

function unquote(value: string): string {
  const m = QUOTED.exec(value);
  return m && m[2]!.length > 0 && pairs(m[1]!, m[3]!) ? m[2]!.trim() : value;
}

function pairs(open: string, close: string): boolean {
  return open === close || (open === '“' && close === '”') || (open === '‘' && close === '’') || open + close === '«»';
}

/**
 * The raw text after folded position `end`: skips the raw chunks (runs of non-whitespace) before the one
 * holding `end`, then cuts inside that chunk when it reads the same raw and folded, else after it.
 */
function rawAfter(raw: string, folded: string, end: number): string {
  const chunkStart = folded.lastIndexOf(' ', end - 1) + 1;
  let pos = 0;
  for (let i = 0; i < chunkStart; i++) {
    if (folded.charCodeAt(i) !== 32) continue;
    CHUNK.lastIndex = pos;
    if (CHUNK.exec(raw) === null) return '';
    pos = CHUNK.lastIndex;
  }
  const chunk = NEXT_CHUNK.exec(raw.slice(pos));
  if (!chunk) return '';
  const chunkEnd = folded.indexOf(' ', end);
  const same = chunk[2] === folded.slice(chunkStart, chunkEnd === -1 ? undefined : chunkEnd);
  return raw.slice(pos + chunk[1]!.length + (same ? end - chunkStart : chunk[2]!.length));
}
