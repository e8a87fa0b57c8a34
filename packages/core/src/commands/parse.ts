import { parseAdmin } from './admin.js';
import { extraText, isDirty } from './dirty.js';
import { collectIds } from './ids.js';
import { pickVerb, scanVerbs } from './match.js';
import { lex } from './lexer.js';
import { markLinks } from './links.js';
import { K_PUNCT, K_WORD, TokenList } from './tokens.js';
import type { AdminArgs, ParsedCommand, ParseOptions } from './types.js';
import { BUILTIN, BUILTIN_FILTER, tenantTables } from './verbs.js';

export { foldText, normalizeText } from './normalize.js';

const DEFAULT_MAX_IDS = 100;
const CODE = /^\d{6}$/;
const BANG = /^!+$/;
/** Reused for every message: parsing is synchronous, and the token arrays only grow. */
const MAIN = new TokenList();
const BUILTIN_ONLY = [BUILTIN];
const BUILTIN_FILTER_ONLY = [BUILTIN_FILTER];

/**
 * Parses a chat message into a command. Never throws: what it cannot place is `unknown`.
 *
 * One pass folds the text (NFKC for non-ASCII, other scripts' digits to ASCII, whitespace folded) and cuts
 * it into tokens (`lex`); one pass over the tokens picks the ids and one more the verb. Order of checks:
 * 1. `!verb ...` with a known admin verb (or a tenant alias of one) → `admin.*` with structured `adminArgs`;
 * 2. a bare 6-digit number → `unknown` with `codeLike: true` (the OTP step);
 * 3. verbs, by rank: staff (`refill verify`, `provider status`, first word only) > actions (refill, cancel,
 *    speed up, refund, partial, fake complete, refill status) > tenant custom commands, ticket, balance,
 *    services, my username > order lookup (order/check/status/details: with ids or alone) > help > greeting
 *    (alone, no ids). In a rank the earliest verb wins; tenant aliases and custom triggers win over built-in
 *    words at the same place.
 * 4. nothing → `unknown` (an unrecognised `!word` is `unknown` with `admin: true`).
 */
export function parseCommand(raw: string, options: ParseOptions = {}): ParsedCommand {
  const text = typeof raw === 'string' ? raw : '';
  try {
    return parse(text, options && typeof options === 'object' ? options : {});
  } catch {
    // Defensive only: nothing above is expected to throw, but a chat message must never break a turn.
    return blank(text);
  }
}

function parse(text: string, options: ParseOptions): ParsedCommand {
  // Tenant tables first: compiling them lexes the triggers (into their own lists).
  const tenant = tenantTables(options);
  const tokens = lex(text, MAIN);
  markLinks(tokens);
  const { folded, lowered: normalized } = tokens;
  const { ids, truncated } = collectIds(tokens, maxIdsOf(options.maxIds));
  const bang = tokens.count > 1 && tokens.kind[0] === K_PUNCT && BANG.test(tokens.text(0));
  const tail = { raw: text, normalized };

  if (bang) {
    const admin = parseAdmin(text, tokens, tenant);
    if (admin) {
      const { id, verb, args, takesIds, adminArgs, argsError } = admin;
      const head = { id, ids: takesIds ? ids : [], args, extraText: '', dirty: false, admin: true, verb };
      return {
        ...head,
        truncated: takesIds && truncated,
        codeLike: false,
        ...structured(adminArgs, argsError),
        ...tail,
      };
    }
  }
  if (CODE.test(folded)) {
    return {
      id: 'unknown',
      ids,
      args: [],
      extraText: '',
      dirty: false,
      admin: false,
      truncated,
      codeLike: true,
      ...tail,
    };
  }

  const scan = tenant.length
    ? scanVerbs(tokens, [...tenant.map((t) => t.words), BUILTIN], [...tenant.map((t) => t.filter), BUILTIN_FILTER])
    : scanVerbs(tokens, BUILTIN_ONLY, BUILTIN_FILTER_ONLY);
  const match = pickVerb(scan, ids.length);
  if (!match) {
    const head = { id: 'unknown', ids, args: bang ? words(tokens, 0) : [], extraText: extraText(tokens, -1, -1) };
    return { ...head, dirty: false, admin: bang, truncated, codeLike: false, ...tail };
  }

  const { id } = match.phrase;
  const { verb } = match;
  const extra = extraText(tokens, match.from, match.to);
  if (id.startsWith('staff.')) {
    const usage = id === 'staff.refill_verify' ? 'refill verify <ids>' : '<ids> provider status';
    const error = ids.length > 0 ? undefined : `the ids are missing; usage: ${usage}`;
    const head = { id, ids, args: words(tokens, match.to + 1), extraText: extra, dirty: false, admin: true, verb };
    return { ...head, truncated, codeLike: false, ...structured(error ? undefined : {}, error), ...tail };
  }
  const dirty = isDirty(id, ids.length, scan.ownWords - match.ownInVerb, scan.emphatic);
  return { id, ids, args: [], extraText: extra, dirty, admin: false, verb, truncated, codeLike: false, ...tail };
}

function structured(adminArgs: AdminArgs | undefined, argsError: string | undefined) {
  return { ...(adminArgs ? { adminArgs } : {}), ...(argsError ? { argsError } : {}) };
}

/** Lower-cased words (not ids, not punctuation) from token `from` on. */
function words(tokens: TokenList, from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < tokens.count; i++) if (tokens.kind[i] === K_WORD) out.push(tokens.lower(i));
  return out;
}

function maxIdsOf(value: unknown): number {
  return typeof value === 'number' && value >= 1 && Number.isFinite(value) ? Math.floor(value) : DEFAULT_MAX_IDS;
}

function blank(text: string): ParsedCommand {
  return {
    id: 'unknown',
    ids: [],
    args: [],
    extraText: '',
    dirty: false,
    admin: false,
    truncated: false,
    codeLike: false,
    raw: text,
    normalized: '',
  };
}
