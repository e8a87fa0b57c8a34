import * as dirty from './dirty.js';
import * as tokenKinds from './tokens.js';
import type { TokenList } from './tokens.js';
import * as verbs from './verbs.js';
import type { Phrase, Where, WordFilter } from './verbs.js';

// Local copies of what the hot loops read: a module transform (vitest's) turns imported bindings into getters.
const { isEmphatic } = dirty;
const { F_ALPHA, K_PUNCT, K_WORD } = tokenKinds;
const { HARMLESS, mayMatch, QUESTION_WORDS, Rank } = verbs;

export interface VerbMatch {
  phrase: Phrase;
  /** First and last token of the verb. */
  from: number;
  to: number;
  /** The verb as written, normalized (`speed up`, `refil`). */
  verb: string;
  /** Customer's own words inside the verb (tenant words can be). */
  ownInVerb: number;
}

export interface VerbScan {
  /** The first match of each (rank, where) class. */
  slots: (VerbMatch | undefined)[];
  /** The customer's own words in the whole message (see the dirty rule, dirty.ts). */
  ownWords: number;
  /** Of those, question words (`what`, `how`, ...). */
  questionWords: number;
  emphatic: boolean;
}

const WHERES: readonly Where[] = ['any', 'first', 'alone', 'alone-or-ids', 'greeting'];
const WHERE_INDEX = new Map(WHERES.map((w, i) => [w, i]));
const RANKS = Object.keys(Rank).length;

/**
 * One pass over the tokens: counts the customer's own words and emphatic punctuation, and records the
 * first verb of each class. At each word the tenant tables are tried before the built-in one, and the
 * longest phrase first (`refill status` before `refill`); punctuation between a phrase's words is skipped.
 */
export function scanVerbs(
  tokens: TokenList,
  tables: readonly ReadonlyMap<string, readonly Phrase[]>[],
  filters: readonly WordFilter[],
): VerbScan {
  const slots: (VerbMatch | undefined)[] = new Array(RANKS * WHERES.length);
  const { kind, start, end, flags, lowered } = tokens;
  let ownWords = 0;
  let questionWords = 0;
  let emphatic = false;
  let seenWord = false;
  let skipTo = -1;
  for (let i = 0; i < tokens.count; i++) {
    if (kind[i] === K_PUNCT) {
      if (!emphatic && isEmphatic(tokens, i)) emphatic = true;
      continue;
    }
    if (kind[i] !== K_WORD) continue;
    const length = end[i]! - start[i]!;
    // Most words of a long message are in no table: the filter spares cutting them out.
    let lookUp = false;
    for (let f = 0; f < filters.length && !lookUp; f++) lookUp = mayMatch(filters[f]!, lowered, start[i]!, length);
    const lower = lookUp ? tokens.lower(i) : '';
    // A customer's own word: a word with a letter, 2+ characters, not harmless (see the dirty rule).
    if (flags[i]! & F_ALPHA && length > 1 && !(lower && HARMLESS.has(lower))) {
      ownWords++;
      if (lower && QUESTION_WORDS.has(lower)) questionWords++;
    }
    if (i > skipTo && lower) {
      const found = findPhrase(tokens, i, lower, tables, seenWord);
      if (found) {
        const slot = found.phrase.rank * WHERES.length + WHERE_INDEX.get(found.phrase.where)!;
        slots[slot] ??= found;
        skipTo = found.to;
      }
    }
    seenWord = true;
  }
  return { slots, ownWords, questionWords, emphatic };
}

function findPhrase(
  tokens: TokenList,
  i: number,
  word: string,
  tables: readonly ReadonlyMap<string, readonly Phrase[]>[],
  seenWord: boolean,
): VerbMatch | undefined {
  for (const table of tables) {
    const phrases = table.get(word);
    if (!phrases) continue;
    for (const phrase of phrases) {
      if (phrase.where === 'first' && seenWord) continue;
      const to = phraseEnd(tokens, i, phrase.words);
      if (to >= 0) return { phrase, from: i, to, verb: phrase.words.join(' '), ownInVerb: phrase.own };
    }
  }
  return undefined;
}

/** The index of the phrase's last token when the phrase starts at `i`, else -1. */
function phraseEnd(tokens: TokenList, i: number, words: readonly string[]): number {
  let j = i;
  for (let k = 1; k < words.length; k++) {
    j++;
    while (j < tokens.count && tokens.kind[j] === K_PUNCT) j++;
    if (j >= tokens.count || !tokens.is(j, words[k]!)) return -1;
  }
  return j;
}

/** The winning verb: the lowest rank whose verb stands where it may; in a rank, the earliest. */
export function pickVerb(scan: VerbScan, idCount: number): VerbMatch | undefined {
  for (let rank = 0; rank < RANKS; rank++) {
    let best: VerbMatch | undefined;
    for (let w = 0; w < WHERES.length; w++) {
      const match = scan.slots[rank * WHERES.length + w];
      if (match && stands(match, scan, idCount) && (!best || match.from < best.from)) best = match;
    }
    if (best) return best;
  }
  return undefined;
}

function stands(match: VerbMatch, scan: VerbScan, idCount: number): boolean {
  const others = scan.ownWords - match.ownInVerb;
  const alone = others === 0;
  switch (match.phrase.where) {
    case 'alone':
      return others - scan.questionWords === 0;
    case 'alone-or-ids':
      return idCount > 0 || alone;
    case 'greeting':
      return idCount === 0 && alone;
    default:
      return true;
  }
}
