/**
 * Text normalization for service names, descriptions and categories.
 *
 * NFKC turns Unicode-styled letters (`𝗥𝗘𝗙𝗜𝗟𝗟`, `𝑳𝒊𝒇𝒆𝒕𝒊𝒎𝒆`, fullwidth digits) into plain ones; then
 * case is folded, every dash becomes `-`, emoji variation selectors and zero-width characters go,
 * thousands separators are dropped (`1,000` → `1000`) and whitespace is collapsed.
 */
export function normalizeServiceText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-')
    .replace(/[\uFE0E\uFE0F\u200B-\u200D\u2060\u00AD]/g, '')
    .replace(/(?<=\d),(?=\d{3}(?!\d))/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Characters that separate the parts of a name: pipes, brackets of any kind (each one on its own,
 * so an unbalanced `[R30 Days` still yields `r30 days`), backslashes, commas, semicolons, bullets,
 * line breaks and a full stop followed by a space.
 */
const SEPARATORS = /[|[\](){}【】「」〔〕<>\\,;•·\n]|\.(?:\s|$)/;

/** The normalized parts of a text, in order, empty parts dropped. */
export function segmentsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .flatMap((line) => normalizeServiceText(line).split(SEPARATORS))
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * A leading provider or service id (`25186 - Instagram …`) is not part of the name's promises:
 * drop it, unless what follows the dash is itself a number with a speed (`1000 - 5000/Day`).
 */
export function stripProviderId(name: string): string {
  return name.replace(/^\s*#?\d{4,}\s*[-–—:.)|]\s*(?!\s*\d[\d.]*\s*[km]?\s*\+?\s*(?:\/|per\b))/i, '');
}

/** Replaces a matched span with spaces, so later patterns cannot reuse it (indices are kept). */
export function mask(text: string, index: number, length: number): string {
  return text.slice(0, index) + ' '.repeat(length) + text.slice(index + length);
}

/** Trims and collapses a fragment for evidence strings. */
export function fragment(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
