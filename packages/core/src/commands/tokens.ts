/** Token kinds. */
export const K_PUNCT = 0;
export const K_WORD = 1;
export const K_ID = 2;
/** A number that is not an id: `3 days`, `50%`, `11:30`, `12.5`, 13+ digits. */
export const K_NUM = 3;
/** A word with a letter (or another word character that is not a digit): `30days` has, `123-456` has not. */
export const F_ALPHA = 1;
/** Punctuation with an `@`, a `/`, a `:` (for `markLinks`). */
export const F_AT = 2;
export const F_SLASH = 4;
export const F_COLON = 8;
/** A word or number inside a link, an e-mail address or a mention (`@john`, `@923001234567`): neither verb, id nor own word. */
export const K_LINK = 4;

/**
 * The tokens of the folded text, as parallel typed arrays of kinds and positions (no object per token):
 * strings are cut only for the tokens that need one. `word`: letters, marks, digits and `_`, joined by `-`
 * or an apostrophe (`speed-up`, `it's`, `30days`, `x2`); `id`: 1-12 digits; `num`: other numbers;
 * `punct`: a run of anything else (punctuation, symbols, emoji); `link`: see `markLinks`. Filled by `lex`.
 */
export class TokenList {
  count = 0;
  kind = new Uint8Array(64);
  /** `F_*` bits: what a word or a punctuation run holds. */
  flags = new Uint8Array(64);
  start = new Int32Array(64);
  end = new Int32Array(64);
  /** The folded text (NFKC, digits mapped, whitespace folded, case kept). */
  folded = '';
  /** `folded` lower-cased, code unit for code unit: positions are shared. */
  lowered = '';

  push(kind: number, start: number, end: number, flags: number): void {
    if (this.count === this.kind.length) this.grow();
    const i = this.count++;
    this.kind[i] = kind;
    this.start[i] = start;
    this.end[i] = end;
    this.flags[i] = flags;
  }

  /** The token as written (case kept). */
  text(i: number): string {
    return this.folded.slice(this.start[i]!, this.end[i]!);
  }

  /** The token lower-cased. */
  lower(i: number): string {
    return this.lowered.slice(this.start[i]!, this.end[i]!);
  }

  /** Whether token `i`, lower-cased, is `word` (without cutting a string). */
  is(i: number, word: string): boolean {
    const start = this.start[i]!;
    return this.end[i]! - start === word.length && this.lowered.startsWith(word, start);
  }

  private grow(): void {
    const size = this.kind.length * 2;
    const kind = new Uint8Array(size);
    const flags = new Uint8Array(size);
    const start = new Int32Array(size);
    const end = new Int32Array(size);
    kind.set(this.kind);
    flags.set(this.flags);
    start.set(this.start);
    end.set(this.end);
    Object.assign(this, { kind, flags, start, end });
  }
}
