/**
 * A tiny language detector for customer messages (spec "AI mode: auto language detection"): the script
 * decides for non-Latin text, a few stop-word lists and letters decide between Latin-script languages.
 * Returns undefined when the text says too little (`refill 1001`), so the caller keeps its default.
 */

export const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  pt: 'Portuguese',
  id: 'Indonesian',
  tr: 'Turkish',
  fr: 'French',
  ar: 'Arabic',
  ur: 'Urdu',
  fa: 'Persian',
  hi: 'Hindi',
  bn: 'Bengali',
  ru: 'Russian',
  th: 'Thai',
  zh: 'Chinese',
  ja: 'Japanese',
  ko: 'Korean',
};

/** The name of a language code for the prompt (`es` → `Spanish`); the code itself when unknown. */
export function languageName(code: string): string {
  return LANGUAGE_NAMES[code] ?? code;
}

const SCRIPTS: [RegExp, string][] = [
  [/[\u0900-\u097f]/g, 'hi'],
  [/[\u0980-\u09ff]/g, 'bn'],
  [/[\u0400-\u04ff]/g, 'ru'],
  [/[\u0e00-\u0e7f]/g, 'th'],
  [/[\u3040-\u30ff]/g, 'ja'],
  [/[\uac00-\ud7af]/g, 'ko'],
  [/[\u4e00-\u9fff]/g, 'zh'],
  [/[\u0600-\u06ff\u0750-\u077f]/g, 'ar'],
];

/** Letters only Urdu writes (ٹ ڈ ڑ ں ے ھ), and letters Persian and Urdu share but Arabic lacks. */
const URDU_ONLY = /[\u0679\u0688\u0691\u06ba\u06d2\u06be]/;
const PERSO_ARABIC = /[\u067e\u0686\u0698\u06af\u06a9\u06cc]/;

const STOP_WORDS: Record<string, string[]> = {
  en: [
    'the',
    'my',
    'is',
    'are',
    'not',
    'please',
    'why',
    'what',
    'when',
    'where',
    'order',
    'and',
    'it',
    'you',
    'your',
    'have',
    'has',
    'was',
    'still',
    'yet',
    'hello',
    'hi',
    'thanks',
    'can',
    'how',
    'does',
    'this',
    'of',
    'to',
    'me',
    'i',
    'ignore',
    'show',
  ],
  es: [
    'el',
    'la',
    'los',
    'las',
    'mi',
    'mis',
    'es',
    'está',
    'no',
    'por',
    'favor',
    'qué',
    'que',
    'pedido',
    'orden',
    'hola',
    'gracias',
    'todavía',
    'aún',
    'cuando',
    'cuándo',
    'porque',
    'por qué',
    'muy',
    'con',
    'para',
    'y',
    'un',
    'una',
    'de',
    'del',
    'tengo',
    'llegó',
    'ignora',
    'muéstrame',
  ],
  pt: [
    'o',
    'a',
    'os',
    'as',
    'meu',
    'minha',
    'não',
    'é',
    'está',
    'por',
    'favor',
    'pedido',
    'olá',
    'oi',
    'obrigado',
    'obrigada',
    'ainda',
    'quando',
    'porque',
    'com',
    'para',
    'e',
    'um',
    'uma',
    'do',
    'da',
    'você',
    'tenho',
    'chegou',
    'ignore',
    'mostre',
  ],
  id: [
    'saya',
    'pesanan',
    'tidak',
    'belum',
    'sudah',
    'dan',
    'yang',
    'ini',
    'itu',
    'tolong',
    'kapan',
    'kenapa',
    'apa',
    'terima',
    'kasih',
    'halo',
    'masih',
    'dengan',
    'untuk',
    'ke',
    'di',
    'ada',
    'bisa',
    'mohon',
    'abaikan',
    'tunjukkan',
  ],
  tr: [
    've',
    'bir',
    'bu',
    'siparişim',
    'sipariş',
    'değil',
    'hala',
    'hâlâ',
    'neden',
    'lütfen',
    'merhaba',
    'teşekkürler',
    'ne',
    'zaman',
    'ile',
    'için',
    'benim',
    'yok',
    'mi',
    'mı',
    'gelmedi',
    'göster',
  ],
  fr: [
    'le',
    'la',
    'les',
    'mon',
    'ma',
    'mes',
    'est',
    'pas',
    'pourquoi',
    'commande',
    'bonjour',
    'merci',
    'encore',
    'quand',
    'avec',
    'pour',
    'et',
    'un',
    'une',
    'du',
    'je',
    'vous',
    "s'il",
    'plait',
    'plaît',
  ],
};

/** Letters that point at one Latin-script language. */
const LETTERS: [RegExp, string, number][] = [
  [/[ğşıİ]/g, 'tr', 2],
  [/[ãõ]/g, 'pt', 2],
  [/ç/g, 'pt', 0.5],
  [/[ñ¿¡]/g, 'es', 2],
];

/** The language of `text` as a 2-letter code, or undefined when it cannot tell. */
export function detectLanguage(text: string): string | undefined {
  const letters = text.replace(/https?:\/\/\S+/g, ' ');
  let best: string | undefined;
  let bestCount = 0;
  for (const [re, code] of SCRIPTS) {
    const count = letters.match(re)?.length ?? 0;
    if (count > bestCount) {
      best = code;
      bestCount = count;
    }
  }
  const latin = letters.match(/[a-zà-öø-ÿğşıİ]/gi)?.length ?? 0;
  if (best && bestCount >= Math.max(2, latin / 2)) {
    if (best === 'ar') {
      if (URDU_ONLY.test(letters)) return 'ur';
      if (PERSO_ARABIC.test(letters)) return /[\u06cc\u06a9]/.test(letters) && /ہ|ے/.test(letters) ? 'ur' : 'fa';
    }
    return best;
  }
  const words = letters
    .toLowerCase()
    .split(/[^\p{L}']+/u)
    .filter(Boolean);
  const scores = new Map<string, number>();
  for (const [lang, list] of Object.entries(STOP_WORDS)) {
    const set = new Set(list);
    scores.set(lang, words.filter((w) => set.has(w)).length);
  }
  for (const [re, lang, weight] of LETTERS) {
    const n = letters.match(re)?.length ?? 0;
    scores.set(lang, (scores.get(lang) ?? 0) + n * weight);
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || first[1] < 2) return undefined;
  if (second && first[1] - second[1] < 1) return undefined;
  return first[0];
}
