import * as tokenKinds from './tokens.js';
import type { TokenList } from './tokens.js';

// Local copies of what the hot loops read: a module transform (vitest's) turns imported bindings into getters.
const { K_ID, K_NUM, K_PUNCT, K_WORD } = tokenKinds;

/** A number followed by one of these is a quantity or a time, not an id: `3 days`, `500 followers`. */
const UNITS = new Set(
  (
    'd day days hour hours hr hrs h min mins minute minutes sec secs second seconds week weeks wk month months ' +
    'year years yr yrs am pm k followers follower likes views subscribers subs members comments shares times ' +
    'people percent usd usdt dollar dollars rs pkr inr bdt taka tk rupees'
  ).split(' '),
);
const LONGEST_UNIT = Math.max(...[...UNITS].map((u) => u.length));
/** Glued before a number: a price or a phone number, not an id. */
const PREFIX_SYMBOLS = new Set(['$', '€', '£', '₹', '৳', '¥', '+']);

export interface IdResult {
  ids: string[];
  truncated: boolean;
}

/**
 * Decides which number tokens are ids (turning the others into `num`) and collects the ids: in the order
 * written, duplicates dropped, at most `maxIds`; `truncated` when more distinct ids were given.
 * Ids: 1-12 digits, anywhere in the message, separated by anything (spaces, commas, new lines, `#`, ...).
 * Not ids: numbers glued to letters (`30days`, `x2`: word tokens), followed by a unit (`3 days`, `50%`),
 * after a glued currency or phone sign (`$5`, `+92`), or part of a time/date/fraction (`11:30`, `12/05/2024`).
 */
export function collectIds(tokens: TokenList, maxIds: number): IdResult {
  const ids: string[] = [];
  let seen: Set<string> | undefined;
  let truncated = false;
  const { kind } = tokens;
  for (let i = 0; i < tokens.count; i++) {
    if (kind[i] !== K_ID) continue;
    if (!isId(tokens, i)) {
      kind[i] = K_NUM;
      continue;
    }
    if (truncated) continue; // (only the kind matters from here on)
    const id = tokens.text(i);
    seen ??= new Set();
    if (seen.has(id)) continue;
    if (ids.length >= maxIds) {
      truncated = true;
      continue;
    }
    seen.add(id);
    ids.push(id);
  }
  return { ids, truncated };
}

function isId(t: TokenList, i: number): boolean {
  const { kind, start, end, folded } = t;
  const next = i + 1;
  if (next < t.count) {
    if (kind[next] === K_WORD && end[next]! - start[next]! <= LONGEST_UNIT && UNITS.has(t.lower(next))) return false;
    if (kind[next] === K_PUNCT && start[next] === end[i]) {
      if (folded.charCodeAt(start[next]!) === 0x25) return false; // 50%
      if (joinsNumbers(t, next)) return false;
    }
  }
  const prev = i - 1;
  if (prev >= 0 && kind[prev] === K_PUNCT && end[prev] === start[i]) {
    if (PREFIX_SYMBOLS.has(folded[end[prev]! - 1]!)) return false;
    if (joinsNumbers(t, prev)) return false;
  }
  return true;
}

/** Token `sep` is a `:` or `/` glued between two numbers: `11:30`, `12/05`. */
function joinsNumbers(t: TokenList, sep: number): boolean {
  const { kind, start, end, folded } = t;
  if (end[sep]! - start[sep]! !== 1 || sep < 1 || sep + 1 >= t.count) return false;
  const c = folded.charCodeAt(start[sep]!);
  if (c !== 0x3a && c !== 0x2f) return false;
  const before = kind[sep - 1];
  const after = kind[sep + 1];
  return (
    (before === K_ID || before === K_NUM) &&
    (after === K_ID || after === K_NUM) &&
    end[sep - 1] === start[sep] &&
    start[sep + 1] === end[sep]
  );
}
