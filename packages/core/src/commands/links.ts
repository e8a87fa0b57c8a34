import * as tokenKinds from './tokens.js';
import type { TokenList } from './tokens.js';

// Local copies of what the hot loops read: a module transform (vitest's) turns imported bindings into getters.
const { F_AT, F_COLON, F_SLASH, K_ID, K_LINK, K_NUM, K_PUNCT, K_WORD } = tokenKinds;

/**
 * Marks the words and numbers of links, e-mail addresses and mentions as `link` tokens, so that a link's
 * path (`https://t.me/channel/12345`, `panel.com/refill/99`) or a WhatsApp mention (`@923001234567`) gives
 * neither an id nor a verb, and does not make a command dirty. A link is a run of tokens without spaces that
 * holds `://`, starts with `www.`, or has a `.` between two words and then a `/` (`instagram.com/p/x`); an
 * e-mail address, a run with an `@` inside and a `.` after it; a mention, the word or number glued after an
 * `@` (`@john`, `/start@SmmBot`).
 */
export function markLinks(tokens: TokenList): void {
  const { kind, start, end, flags } = tokens;
  let from = 0;
  let marks = 0; // `F_*` of the run's punctuation
  for (let i = 0; i < tokens.count; i++) {
    if (kind[i] === K_PUNCT) marks |= flags[i]!;
    if (i + 1 < tokens.count && start[i + 1] === end[i]) continue;
    // Tokens from..i: one run without spaces. Only `@`, `/`, `:` or `www.` can make it a link.
    if (i > from && (marks || tokens.is(from, 'www'))) markRun(tokens, from, i + 1);
    from = i + 1;
    marks = 0;
  }
}

function markRun(tokens: TokenList, first: number, stop: number): void {
  const { kind, start, end, flags, lowered } = tokens;
  let link = false;
  let at = false; // an `@` between two words
  let dotBetweenWords = false;
  for (let j = first; j < stop && !link; j++) {
    if (kind[j] !== K_PUNCT) continue;
    const from = start[j]!;
    const to = end[j]!;
    const marks = flags[j]!;
    const between = j > first && j + 1 < stop && kind[j - 1] !== K_PUNCT && kind[j + 1] !== K_PUNCT;
    const dot = to - from === 1 && lowered.charCodeAt(from) === 0x2e;
    if (marks & F_COLON && hasScheme(lowered, from, to)) {
      link = true;
    } else if (dot && between && j - 1 === first && tokens.is(first, 'www')) {
      link = true;
    } else if (marks & F_AT) {
      // A mention (`@john`, `@923001234567`) or a Telegram bot name (`/start@SmmBot`), or an e-mail address.
      if (j + 1 < stop && kind[j + 1] !== K_PUNCT) mark(tokens, j + 1, j + 2);
      if (between) at = true;
    } else if (dot && between) {
      link = at; // john@gmail.com
      dotBetweenWords = true;
    } else if (dotBetweenWords && marks & F_SLASH) {
      link = true; // instagram.com/p/xyz
    }
  }
  if (link) mark(tokens, first, stop);
}

/** `://` within `text[from, to)`. */
function hasScheme(text: string, from: number, to: number): boolean {
  for (let k = from; k + 2 < to; k++) {
    if (text.charCodeAt(k) === 0x3a && text.charCodeAt(k + 1) === 0x2f && text.charCodeAt(k + 2) === 0x2f) return true;
  }
  return false;
}

function mark(tokens: TokenList, from: number, stop: number): void {
  const { kind } = tokens;
  for (let j = from; j < stop; j++) {
    const k = kind[j];
    if (k === K_WORD || k === K_ID || k === K_NUM) kind[j] = K_LINK;
  }
}
