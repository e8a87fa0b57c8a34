/** Escapes text for Telegram's HTML parse mode (only `&`, `<` and `>` need it). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// A marker opens after start/space/punctuation and closes before end/space/punctuation, so
// `snake_case_names`, `2*3*4` and URLs with underscores stay as they are.
const span = (marker: string) => {
  const m = marker.replace(/[*~`]/g, '\\$&');
  return new RegExp(`(^|[\\s(\\[{"'«])${m}(?=\\S)([^\\n]*?\\S)${m}(?=$|[\\s)\\]}.,!?:;"'»])`, 'g');
};
const RULES: [RegExp, string][] = [
  [span('```'), 'pre'],
  [span('`'), 'code'],
  [span('*'), 'b'],
  [span('_'), 'i'],
  [span('~'), 's'],
];

/**
 * Converts our WhatsApp-style formatting (`*bold*`, `_italic_`, `~strike~`, `` `code` ``) to
 * Telegram HTML, escaping everything else. Send the result with `parse_mode: 'HTML'`.
 */
export function toTelegramHtml(text: string): string {
  let out = escapeHtml(text);
  for (const [re, tag] of RULES)
    out = out.replace(re, (_all, pre: string, inner: string) => `${pre}<${tag}>${inner}</${tag}>`);
  return out;
}
