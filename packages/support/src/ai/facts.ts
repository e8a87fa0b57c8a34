import { STATUS_LABEL } from '../orders/format.js';

/**
 * The facts of a manual reply that an AI rewrite must keep (issue: "every order id, status, number and
 * link of the manual reply must survive the rewrite"), and the check that it did.
 */
export interface ReplyFacts {
  /** Order ids written `#1234`. */
  orderIds: string[];
  /** Every number, canonical (`1,000` → `1000`, `0,50` → `0.5`). */
  numbers: string[];
  /** Status labels (`In progress`, `Completed`), normalized to lower case and single spaces. */
  statuses: string[];
  urls: string[];
  /** `2026-11-28` and `2026-11-28 14:05` dates. */
  dates: string[];
  /** The reply's own `facts` (handlers' order ids and statuses), normalized. */
  declared: string[];
}

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const ORDER_ID_RE = /#\s?(\d{1,12})(?!\d)/g;
const DATE_RE = /\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2})?\b/g;
const NUMBER_RE = /\d+(?:\.\d+)?/g;
const STATUS_WORDS = [...new Set(Object.values(STATUS_LABEL))];

const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
const uniq = (xs: Iterable<string>) => [...new Set(xs)];
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function trimUrl(url: string): string {
  return url.replace(/[.,;:!?)\]}*_~]+$/, '');
}

/** `1,000` → `1000`, `0,50` → `0.50`, narrow and thin spaces between digit groups dropped. */
function normalizeNumbers(text: string): string {
  return text
    .replace(/(\d)[\u00a0\u202f\u2009](?=\d{3}(?!\d))/g, '$1')
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/(\d),(\d{1,2})(?!\d)/g, '$1.$2');
}

function canonicalNumber(n: string): string {
  const v = Number(n);
  return Number.isFinite(v) && !/^0\d/.test(n) ? String(v) : n;
}

function numbersIn(text: string): string[] {
  // Links are compared whole; their digits are not numbers of the reply.
  const body = normalizeNumbers(text.replace(URL_RE, ' '));
  return uniq([...body.matchAll(NUMBER_RE)].map((m) => canonicalNumber(m[0])));
}

/** Status labels as the handlers write them (`Status: In progress`): capitalised, case-sensitive. */
function statusesIn(text: string): string[] {
  const found: string[] = [];
  for (const label of STATUS_WORDS) {
    if (new RegExp(`(^|[^\\p{L}])${escapeRe(label)}(?![\\p{L}])`, 'u').test(text)) found.push(norm(label));
  }
  return found;
}

export function urlsIn(text: string): string[] {
  return uniq([...text.matchAll(URL_RE)].map((m) => trimUrl(m[0])));
}

export function orderIdsIn(text: string): string[] {
  return uniq([...text.replace(URL_RE, ' ').matchAll(ORDER_ID_RE)].map((m) => canonicalNumber(m[1]!)));
}

/** The facts of a reply text plus the facts its handler declared. */
export function extractFacts(text: string, declared: readonly string[] = []): ReplyFacts {
  return {
    orderIds: orderIdsIn(text),
    numbers: numbersIn(text),
    statuses: statusesIn(text),
    urls: urlsIn(text),
    dates: uniq([...text.matchAll(DATE_RE)].map((m) => m[0].replace('T', ' '))),
    declared: uniq(declared.map(norm).filter(Boolean)),
  };
}

/** Every fact as one flat list, e.g. for the prompt ("keep these exactly"). */
export function factList(facts: ReplyFacts): string[] {
  return uniq([
    ...facts.orderIds.map((id) => `#${id}`),
    ...facts.statuses,
    ...facts.dates,
    ...facts.urls,
    ...facts.numbers,
    ...facts.declared,
  ]);
}

export interface FactCheck {
  ok: boolean;
  /** What went wrong: `missing:#1001`, `added_order:#1011`, `added_url:https://…`. */
  problems: string[];
}

/**
 * Whether `rewritten` keeps every fact of `manual` (numbers compared canonically, statuses and declared
 * facts case- and space-insensitively) and adds no order id, link or long number (3+ digits) of its own.
 */
export function checkFacts(manual: string, rewritten: string, declared: readonly string[] = []): FactCheck {
  // Declared facts the text does not show (a refusal's order status) cannot be asked of a rewrite.
  const shown = norm(manual);
  const want = extractFacts(
    manual,
    declared.filter((f) => containsWord(shown, norm(f))),
  );
  const got = extractFacts(rewritten);
  const text = norm(rewritten);
  const numbers = new Set(got.numbers);
  const problems: string[] = [];
  for (const n of want.numbers) if (!numbers.has(n)) problems.push(`missing:${n}`);
  for (const id of want.orderIds) if (!numbers.has(id)) problems.push(`missing:#${id}`);
  for (const s of want.statuses) if (!containsWord(text, s)) problems.push(`missing:${s}`);
  for (const d of want.dates) if (!text.includes(d)) problems.push(`missing:${d}`);
  const gotUrls = new Set(got.urls);
  for (const u of want.urls) if (!gotUrls.has(u)) problems.push(`missing:${u}`);
  for (const f of want.declared) {
    const ok = /^\d+(\.\d+)?$/.test(f) ? numbers.has(canonicalNumber(f)) : containsWord(text, f);
    if (!ok) problems.push(`missing:${f}`);
  }
  const known = new Set([...want.numbers, ...want.orderIds, ...want.declared]);
  for (const id of got.orderIds) if (!known.has(id)) problems.push(`added_order:#${id}`);
  const wantUrls = new Set(want.urls);
  for (const u of got.urls) if (!wantUrls.has(u)) problems.push(`added_url:${u}`);
  for (const n of got.numbers) {
    if (!known.has(n) && n.replace('.', '').length >= 3) problems.push(`added_number:${n}`);
  }
  // Facts can survive while the meaning flips ("cannot be refilled" → "has been refilled"): the outcome
  // words of the rewrite must be those of the manual reply, and a negation must not disappear.
  for (const claim of claimsIn(rewritten)) if (!claimsIn(manual).has(claim)) problems.push(`added_claim:${claim}`);
  if (NEGATION.test(manual) && !NEGATION.test(rewritten)) problems.push('dropped_negation');
  return { ok: problems.length === 0, problems: uniq(problems) };
}

/** Words that claim an action happened (or was accepted). */
const CLAIMS: [string, RegExp][] = [
  ['requested', /\brequest(?:ed)?\b/i],
  ['submitted', /\bsubmit(?:ted)?\b/i],
  ['refilled', /\brefill(?:ed|ing)? (?:is |has been |was )?(?:done|started|complete[d]?)\b|\brefilled\b/i],
  ['canceled', /\bcancel(?:l)?ed\b|\bcancellation (?:is |has been )?(?:done|complete[d]?)\b/i],
  ['refunded', /\brefunded\b/i],
  ['sped up', /\bsped up\b|\bspeed(?:-| )?up (?:is |has been )?(?:done|started|applied)\b/i],
  ['done', /\b(?:done|processed|taken care of|on its way|on the way)\b/i],
];
const NEGATION =
  /\b(?:cannot|can't|can not|not|no|unable|isn't|is not|doesn't|does not|won't|refused|outside|expired)\b/i;

function claimsIn(text: string): Set<string> {
  return new Set(CLAIMS.filter(([, re]) => re.test(text)).map(([name]) => name));
}

/** True only when every fact of `manual` (and its declared facts) survives in `rewritten`, and nothing is added. */
export function keepsFacts(manual: string, rewritten: string, declared: readonly string[] = []): boolean {
  return checkFacts(manual, rewritten, declared).ok;
}

function containsWord(haystack: string, needle: string): boolean {
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(needle)}(?![\\p{L}\\p{N}])`, 'u').test(haystack);
}
