/**
 * Character classes for the parser's hand-written loops. Unicode-property regexes cost 15-30 ns a character
 * in V8; a table lookup costs one. The BMP tables (classes and lower case, 192 KiB) are built on the first
 * non-ASCII message (about 20 ms, once per process); astral characters are classified by range, the rest
 * once each, then cached.
 */
export const WORD = 1; // \p{L} \p{M} \p{N} _
export const MARK = 2; // \p{M}: a long run of them makes NFKC quadratic
export const DROP = 4; // \p{Cf} (zero-width, bidi marks, BOM, tags), Arabic tatweel and harakat: removed
export const DIGIT = 8; // \p{Nd} outside ASCII: mapped to an ASCII digit
export const SPACE = 16; // whitespace and control characters: folded to one space
export const MAPPED = 32; // small-capital letters, Arabic yeh/kaf: mapped (see `mapChar`)

const WORD_RE = /[\p{L}\p{M}\p{N}_]/u;
const MARK_RE = /\p{M}/u;
const DROP_RE = /[\p{Cf}\u0640\u064b-\u065f\u0670]/u;
const DIGIT_RE = /\p{Nd}/u;
const SPACE_RE = /[\s\p{Cc}]/u;

const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_CLASS[c] = WORD_RE.test(ch) ? WORD : SPACE_RE.test(ch) ? SPACE : 0;
}

let bmp: Uint8Array | undefined;
let bmpLower: Uint16Array | undefined;
const astral = new Map<number, number>();
const astralLower = new Map<number, number>();
/** Replacement for DIGIT and MAPPED characters, by code point. */
const replacement = new Map<number, string>(
  (
    [
      ['\u1d00', 'a'],
      ['\u0299', 'b'],
      ['\u1d04', 'c'],
      ['\u1d05', 'd'],
      ['\u1d07', 'e'],
      ['\ua730', 'f'],
      ['\u0262', 'g'],
      ['\u029c', 'h'],
      ['\u026a', 'i'],
      ['\u1d0a', 'j'],
      ['\u1d0b', 'k'],
      ['\u029f', 'l'],
      ['\u1d0d', 'm'],
      ['\u0274', 'n'],
      ['\u1d0f', 'o'],
      ['\u1d18', 'p'],
      ['\u0280', 'r'],
      ['\ua731', 's'],
      ['\u1d1b', 't'],
      ['\u1d1c', 'u'],
      ['\u1d20', 'v'],
      ['\u1d21', 'w'],
      ['\u028f', 'y'],
      ['\u1d22', 'z'],
      ['\u064a', '\u06cc'],
      ['\u0649', '\u06cc'],
      ['\u0643', '\u06a9'],
    ] as const
  ).map(([from, to]) => [from.charCodeAt(0), to]),
);

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let flags = 0;
  if (WORD_RE.test(ch)) flags |= WORD;
  if (MARK_RE.test(ch)) flags |= MARK;
  if (DROP_RE.test(ch)) flags = DROP;
  else if (DIGIT_RE.test(ch) && cp >= 0x80) flags |= DIGIT;
  else if (SPACE_RE.test(ch)) flags = SPACE;
  if (replacement.has(cp)) flags |= MAPPED;
  return flags;
}

function buildBmp(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const lower = new Uint16Array(0x10000);
  table.set(ASCII_CLASS);
  for (let cp = 0; cp < 0x10000; cp++) {
    lower[cp] = cp;
    if (cp < 0xd800 || cp > 0xdfff) {
      if (cp >= 0x80) table[cp] = classify(cp);
      // One code unit for one, so lower-cased text keeps its positions: `İ` (whose lower case is
      // `i` + a combining dot) becomes `i`.
      const l = String.fromCharCode(cp).toLowerCase();
      const first = l.charCodeAt(0);
      if (first < 0xd800 || first > 0xdfff) lower[cp] = first;
    }
  }
  bmpLower = lower;
  return table; // lone surrogates stay 0: punctuation
}

/** The BMP lower-case table: one code unit for one (built with the class table). */
export function lowerTable(): Uint16Array {
  bmp ??= buildBmp();
  return bmpLower!;
}

/** The lower case of an astral code point, when it is one astral code point too; else the code point. */
export function lowerAstral(cp: number): number {
  let lower = astralLower.get(cp);
  if (lower === undefined) {
    const l = String.fromCodePoint(cp).toLowerCase();
    const c = l.codePointAt(0)!;
    lower = l.length === 2 && c > 0xffff ? c : cp;
    astralLower.set(cp, lower);
  }
  return lower;
}

/** The BMP class table (built on first use). */
export function bmpTable(): Uint8Array {
  bmp ??= buildBmp();
  return bmp;
}

/** The class flags of a code point (a BMP code unit, or an astral code point). */
export function classOf(cp: number): number {
  if (cp < 0x80) return ASCII_CLASS[cp]!;
  if (cp < 0x10000) {
    bmp ??= buildBmp();
    return bmp[cp]!;
  }
  if (cp >= 0x1f000 && cp <= 0x1fbff) return 0; // emoji and symbols
  if (cp >= 0x20000 && cp <= 0x3ffff) return WORD; // CJK extensions
  if (cp >= 0xe0000 && cp <= 0xe0fff) return DROP; // tags, variation selectors
  if (cp >= 0xf0000) return 0; // private use
  let flags = astral.get(cp);
  if (flags === undefined) {
    flags = classify(cp);
    astral.set(cp, flags);
  }
  return flags;
}

/** The ASCII digit for a DIGIT code point (Unicode encodes decimal digits in runs of ten, 0 to 9). */
export function mapChar(cp: number): string {
  let out = replacement.get(cp);
  if (out === undefined) {
    let start = cp;
    while (start > 0 && DIGIT_RE.test(String.fromCodePoint(start - 1))) start--;
    out = String((cp - start) % 10);
    replacement.set(cp, out);
  }
  return out;
}

/** The code point at `i` of `s` (a lone surrogate is its own code unit). */
export function codePointAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** The first `length` code units of `units` as a string (lone surrogates kept). */
export function decodeUnits(units: Uint16Array, length: number): string {
  return Buffer.from(units.buffer, units.byteOffset, length * 2).toString('utf16le');
}
