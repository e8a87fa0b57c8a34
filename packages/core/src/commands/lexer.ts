import * as chars from './chars.js';
import * as tokens from './tokens.js';
import type { TokenList } from './tokens.js';

// Local copies of what the hot loops read: a module transform (vitest's) turns imported bindings into getters.
const {
  bmpTable,
  classOf,
  codePointAt,
  decodeUnits: decode,
  DIGIT,
  DROP,
  lowerAstral,
  lowerTable,
  MAPPED,
  MARK,
  mapChar,
  SPACE,
  WORD,
} = chars;
const { F_ALPHA, F_AT, F_COLON, F_SLASH, K_ID, K_NUM, K_PUNCT, K_WORD } = tokens;

/** Any code unit outside ASCII (NFKC leaves ASCII text unchanged, control characters included). */
const NON_ASCII = /[\u0080-\uffff]/;
/** Unicode's stream-safe format caps runs of combining marks at 30; longer runs make NFKC quadratic. */
const MAX_MARKS = 30;
const ASCII_FLAGS = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_FLAGS[c] = classOf(c) & (WORD | SPACE);
/** Verbs a customer may glue to an id (`refill54321`, `order-54321`): split when 4+ digits follow. */
const GLUE_VERBS = new Set(
  'refill refil cancel cancle refund partial speedup order check status details ticket'.split(' '),
);

/** Output buffers (reused: lexing is synchronous; they only grow). */
let outBuffer = new Uint16Array(1024);
let lowBuffer = new Uint16Array(1024);

/**
 * The one pass over the text. NFKC (only for non-ASCII text: full-width and Unicode-bold/styled letters and digits,
 * ligatures), then, character by character: other scripts' decimal digits (Arabic-Indic, Persian, Devanagari,
 * Bengali, ...) and small capitals to ASCII, Arabic yeh/kaf to their Persian forms, format characters
 * (zero-width, bidi marks) dropped, whitespace and control characters folded to one space (none at the
 * ends), the lower case written alongside (one code unit for one: `İ` becomes `i`), and the tokens cut:
 * words (letters, marks, digits, `_`, joined by `-` or an apostrophe), numbers (digits; a `.` between
 * digits makes a decimal), punctuation runs. Sets `into.folded` and `into.lowered`.
 */
export function lex(text: string, into: TokenList): TokenList {
  const ascii = !NON_ASCII.test(text);
  const s = ascii ? text : capMarks(text, bmpTable()).normalize('NFKC');
  const n = s.length;
  if (outBuffer.length < n) {
    outBuffer = new Uint16Array(Math.max(n, outBuffer.length * 2));
    lowBuffer = new Uint16Array(outBuffer.length);
  }
  const out = outBuffer;
  const low = lowBuffer;
  const bmp = ascii ? ASCII_FLAGS : bmpTable();
  const lower = ascii ? undefined : lowerTable();
  into.count = 0;
  let k = 0;
  let changed = false; // the output differs from `s`
  let space = false; // a space is owed before the next character
  let start = -1; // the open token's start, or -1
  let word = false; // the open token is a word (else punctuation)
  let digitsOnly = true;
  let bits = 0; // the open token's `F_*` flags
  let decimal = false;
  let joiner = -1; // where a `-`, `'`, `’` or `.` right after a word waits for a word character
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80 && start >= 0 && joiner < 0) {
      // Fast path: ASCII inside an open token of the same kind (no space is owed inside a token).
      const ascii = ASCII_FLAGS[c]!;
      if (word ? ascii & WORD : !ascii) {
        if (!word) {
          if (c === 0x40 || c === 0x2f || c === 0x3a) bits |= c === 0x40 ? F_AT : c === 0x2f ? F_SLASH : F_COLON;
        } else if (c < 48 || c > 57) {
          digitsOnly = false;
          bits = F_ALPHA;
        }
        out[k] = c;
        low[k++] = c >= 65 && c <= 90 ? c + 32 : c;
        continue;
      }
    }
    let flags: number;
    let pair = false;
    if (c < 0x80) {
      flags = ASCII_FLAGS[c]!;
    } else if (c < 0xd800 || c > 0xdfff) {
      flags = bmp[c]!;
    } else {
      const cp = codePointAt(s, i);
      pair = cp > 0xffff;
      flags = pair ? classOf(cp) : 0; // a lone surrogate is punctuation
      if (pair && flags & (DIGIT | MAPPED | DROP | SPACE)) {
        c = cp;
        i++;
        pair = false;
        changed = true;
      }
    }
    if (flags & SPACE) {
      if (c !== 0x20 || space || k === 0) changed = true;
      space = true;
      if (start >= 0) close(into, start, k, word, digitsOnly, decimal, bits, joiner);
      start = -1;
      joiner = -1;
      continue;
    }
    if (flags & DROP) {
      changed = true;
      continue;
    }
    if (flags & (DIGIT | MAPPED)) {
      c = mapChar(c).charCodeAt(0);
      flags = WORD;
      changed = true;
    }
    if (space) {
      if (k > 0) {
        out[k] = 0x20;
        low[k++] = 0x20;
      }
      space = false;
    }
    const isWord = (flags & WORD) !== 0;
    if (start < 0) {
      start = k;
      word = isWord;
      digitsOnly = true;
      bits = 0;
      decimal = false;
    } else if (word) {
      if (joiner >= 0) {
        const dot = out[joiner] === 0x2e;
        if (isWord && (!dot || (c >= 48 && c <= 57))) {
          if (dot) decimal = true;
          else digitsOnly = false;
          joiner = -1;
        } else {
          // Not joined: the word ends before the joiner, which starts punctuation.
          close(into, start, joiner, word, digitsOnly, decimal, bits, -1);
          start = joiner;
          word = false;
          joiner = -1;
          bits = 0;
          if (isWord) {
            into.push(K_PUNCT, start, k, 0);
            start = k;
            word = true;
            digitsOnly = true;
            bits = 0;
            decimal = false;
          }
        }
      } else if (!isWord) {
        if (c === 0x2d || c === 0x27 || c === 0x2019 || (c === 0x2e && digitsOnly)) {
          joiner = k;
        } else {
          close(into, start, k, word, digitsOnly, decimal, bits, -1);
          start = k;
          word = false;
          bits = 0;
        }
      }
    } else if (isWord) {
      into.push(K_PUNCT, start, k, bits);
      start = k;
      word = true;
      digitsOnly = true;
      bits = 0;
      decimal = false;
    }
    if (!word) {
      if (c === 0x40 || c === 0x2f || c === 0x3a) bits |= c === 0x40 ? F_AT : c === 0x2f ? F_SLASH : F_COLON;
    } else if (isWord && joiner < 0 && !(c >= 48 && c <= 57)) {
      digitsOnly = false;
      bits = F_ALPHA;
    }
    // Emit the character and its lower case.
    if (pair) {
      const l = lowerAstral(codePointAt(s, i)) - 0x10000;
      out[k] = c;
      low[k++] = 0xd800 + (l >> 10);
      out[k] = s.charCodeAt(++i);
      low[k++] = 0xdc00 + (l & 0x3ff);
    } else {
      out[k] = c;
      low[k++] = c < 0x80 ? (c >= 65 && c <= 90 ? c + 32 : c) : lower![c]!;
    }
  }
  if (start >= 0) close(into, start, k, word, digitsOnly, decimal, bits, joiner);
  if (space) changed = true;
  into.folded = changed || k !== n ? decode(out, k) : s;
  into.lowered = decode(low, k);
  return into;
}

/** Ends the open token at `end` (a word stops at a pending joiner, which becomes punctuation). */
function close(
  into: TokenList,
  start: number,
  end: number,
  word: boolean,
  digitsOnly: boolean,
  decimal: boolean,
  bits: number,
  joiner: number,
): void {
  if (!word) {
    into.push(K_PUNCT, start, end, bits);
    return;
  }
  const wordEnd = joiner >= 0 ? joiner : end;
  if (digitsOnly) into.push(decimal || wordEnd - start > 12 ? K_NUM : K_ID, start, wordEnd, 0);
  else pushWord(into, start, wordEnd, bits);
  if (joiner >= 0) into.push(K_PUNCT, joiner, end, 0);
}

/** A word, or a verb glued to an id (`refill54321`, `order-54321`) as two tokens. */
function pushWord(into: TokenList, start: number, end: number, bits: number): void {
  const low = lowBuffer;
  const last = low[end - 1]!;
  if (end - start > 5 && last >= 48 && last <= 57 && low[start]! >= 97 && low[start]! <= 122) {
    let d = end;
    while (d > start && low[d - 1]! >= 48 && low[d - 1]! <= 57) d--;
    const digits = end - d;
    const verbEnd = low[d - 1] === 0x2d || low[d - 1] === 0x5f ? d - 1 : d;
    if (digits >= 4 && digits <= 12 && verbEnd - start >= 5) {
      const verb = String.fromCharCode.apply(null, low.subarray(start, verbEnd) as unknown as number[]);
      if (GLUE_VERBS.has(verb)) {
        into.push(K_WORD, start, verbEnd, F_ALPHA);
        into.push(K_ID, d, end, 0);
        return;
      }
    }
  }
  into.push(K_WORD, start, end, bits);
}

/** Drops combining marks beyond the 30th in a row ("Zalgo" text), before NFKC. */
function capMarks(text: string, bmp: Uint8Array): string {
  let run = 0;
  let parts: string[] | undefined;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x300 || !(bmp[c]! & MARK)) {
      run = 0;
      continue;
    }
    if (++run <= MAX_MARKS) continue;
    parts ??= [];
    parts.push(text.slice(from, i));
    from = i + 1;
  }
  if (!parts) return text;
  parts.push(text.slice(from));
  return parts.join('');
}
