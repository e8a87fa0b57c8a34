import { lex } from './lexer.js';
import { TokenList } from './tokens.js';

/** For the helpers below (the parser lexes into its own list). */
const SCRATCH = new TokenList();

/**
 * NFKC (only for non-ASCII text: full-width and Unicode-bold/styled letters and digits, ligatures), other
 * scripts' decimal digits (Arabic-Indic, Persian, Devanagari, Bengali, ...) and small-capital letters to
 * ASCII, Arabic yeh/kaf to their Persian forms, zero-width/format characters dropped, whitespace and control
 * characters folded to single spaces, trimmed. Case is kept. (See `lex`.)
 */
export function foldText(text: string): string {
  return lex(typeof text === 'string' ? text : '', SCRATCH).folded;
}

/** `foldText`, lower-cased (code unit for code unit: `İ` becomes `i`): the `normalized` field. */
export function normalizeText(text: string): string {
  return lex(typeof text === 'string' ? text : '', SCRATCH).lowered;
}
