import { decodeUnits } from './chars.js';
import * as tokenKinds from './tokens.js';
import type { TokenList } from './tokens.js';
import type { CommandId } from './types.js';
import { ORDER_COMMANDS } from './verbs.js';

// Local copies of what the hot loops read: a module transform (vitest's) turns imported bindings into getters.
const { K_ID, K_LINK, K_PUNCT } = tokenKinds;

/** Reused output buffer (parsing is synchronous; it only grows). */
let buffer = new Uint16Array(1024);

/** Punctuation that says the customer is upset: `!!`, `??`, `?!`, `!?` (full-width forms are folded). */
export function isEmphatic(tokens: TokenList, i: number): boolean {
  const { folded } = tokens;
  let prev = false;
  for (let k = tokens.start[i]!; k < tokens.end[i]!; k++) {
    const c = folded.charCodeAt(k);
    const loud = c === 0x21 || c === 0x3f;
    if (loud && prev) return true;
    prev = loud;
  }
  return false;
}

/**
 * THE DIRTY RULE. A command is dirty when all of these hold:
 * 1. it acts on orders: order/check/status/details, refill, refill status, cancel, speed up, refund, partial,
 *    fake complete (help, balance, services, ticket, my username, greetings, custom, staff and admin never are);
 * 2. it carries at least one order id;
 * 3. besides the verb and the ids, the customer wrote either two or more of their own words, or one own
 *    word with emphatic punctuation (`!!`, `??`, `?!`). An own word is a word with a letter, at least two
 *    characters long, that is not harmless: not a polite filler (please, pls, plz, kindly, sir, bro, dear,
 *    thanks, ok), not a function word (my, the, is, for, to, i, you, can, want, ...), not `order`/`id`/
 *    `no`/`number`, not a greeting, not a command word (`HARMLESS` in verbs.ts). Ids, numbers, `#` and
 *    other punctuation are never words.
 * So `refill 123 please`, `cancel order #123 thanks sir` and `refill my order 123` are clean, while
 * `cancel 54321 this is taking forever!!` and `refill 123 please its dropping again` are dirty.
 */
export function isDirty(id: CommandId, idCount: number, ownWords: number, emphatic: boolean): boolean {
  return idCount > 0 && ORDER_COMMANDS.has(id) && (ownWords >= 2 || (ownWords === 1 && emphatic));
}

/**
 * The message without the verb (tokens `from`..`to`, inclusive; -1 for none) and the ids: words, numbers,
 * links, punctuation and emoji as written (case kept), separators `# , : ;` (outside links) and a leading
 * `!`/`/` dropped, whitespace folded. Unchanged stretches are cut from the folded text in one slice each.
 */
export function extraText(tokens: TokenList, from: number, to: number): string {
  const { folded, kind, start, end } = tokens;
  if (buffer.length < folded.length) buffer = new Uint16Array(Math.max(folded.length, buffer.length * 2));
  const out = buffer;
  let k = 0;
  let lastEnd = -1; // end of the last kept token
  for (let i = 0; i < tokens.count; i++) {
    if (kind[i] === K_ID || (i >= from && i <= to)) continue;
    const a = start[i]!;
    const b = end[i]!;
    const punct = kind[i] === K_PUNCT;
    if (punct && i === 0 && isPrefix(folded, a, b)) continue;
    const before = k;
    if (k > 0 && a > lastEnd) out[k++] = 0x20;
    const body = k;
    const strip = punct && !inLink(tokens, i);
    for (let c = a; c < b; c++) {
      const ch = folded.charCodeAt(c);
      if (strip && (ch === 0x23 || ch === 0x2c || ch === 0x3a || ch === 0x3b)) continue; // # , : ;
      out[k++] = ch;
    }
    if (k === body)
      k = before; // only separators: dropped, with the space before them
    else lastEnd = b;
  }
  return k === 0 ? '' : decodeUnits(out, k);
}

/** Punctuation glued to a link token (`://`, `.`, `/` of a URL) is kept as written. */
function inLink(tokens: TokenList, i: number): boolean {
  const { kind, start, end } = tokens;
  return (
    (i > 0 && kind[i - 1] === K_LINK && end[i - 1] === start[i]) ||
    (i + 1 < tokens.count && kind[i + 1] === K_LINK && start[i + 1] === end[i])
  );
}

function isPrefix(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c !== 0x21 && c !== 0x2f) return false;
  }
  return true;
}
