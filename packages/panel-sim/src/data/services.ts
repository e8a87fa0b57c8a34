import type { Prng } from '../prng.js';
import type { RefillWindow, SimProvider, SimService } from '../types.js';
import { REAL_SERVICE_NAMES } from './service-names.js';

export const PROVIDERS: readonly SimProvider[] = [
  { id: 1, name: 'Provider A', domain: 'smmprovider-a.example', alias: 'A' },
  { id: 2, name: 'Provider B', domain: 'smmprovider-b.example', alias: 'B' },
  { id: 3, name: 'Provider C', domain: 'smmprovider-c.example', alias: 'C' },
  { id: 4, name: 'Provider D', domain: 'smmprovider-d.example', alias: 'D' },
];

const PRODUCTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Instagram', ['Followers', 'Likes', 'Views', 'Story Views', 'Custom Comments', 'Saves']],
  ['TikTok', ['Followers', 'Likes', 'Views', 'Shares']],
  ['YouTube', ['Subscribers', 'Views', 'Likes', 'Watch Time']],
  ['Telegram', ['Members', 'Post Views', 'Reactions']],
  ['Facebook', ['Page Likes', 'Followers', 'Video Views']],
  ['Twitter', ['Followers', 'Likes', 'Retweets']],
  ['Spotify', ['Plays', 'Followers']],
  ['Threads', ['Followers', 'Likes']],
];

/** Refill phrasings from research section 4; `{n}` is the window in days. */
const DAY_PHRASES = [
  '{n} Days Refill',
  'Refill {n} Days',
  '{n}D Refill',
  '[Refill: {n}D]',
  '[Refill: {n} Days]',
  '(Refill {n}D)',
  '[ {n} days refill ]',
  'R{n}',
  '[ R{n} ]',
  'AR{n}',
  '{n} Days ♻️',
  'REFILL {n} HARI',
  'Refill {n} Days ⚡️♻️',
  '{n}Days Refill♻️',
] as const;
const LIFETIME_PHRASES = [
  'Lifetime Refill',
  'LifeTime Refill',
  'Refill - Lifetime',
  'Lifetime Guarantee',
  '[ Lifetime ]',
  'Lifetime Guaranteed',
  '𝗟𝗶𝗳𝗲𝘁𝗶𝗺𝗲 𝗚𝘂𝗮𝗿𝗮𝗻𝘁𝗲𝗲',
] as const;
const NONE_PHRASES = ['No Refill', '[Refill: No]', 'Non Refill', 'Non Refil', '⛔'] as const;
/** Say nothing about refill, or look like a window without being one. */
const TRAP_PHRASES = ['Auto Refill Every 24 Hours', '30Days Premium', '30+ Days', 'Non Drop', ''] as const;
const DAYS = [7, 15, 30, 30, 30, 60, 90, 365] as const;

const STARTS = [
  'Instant',
  'Instant Start',
  '[ Start - Instant ]',
  'Start Time 0-5 Minutes',
  '0-1 Hour Start Time',
  '[Start Time: 0-3 Hours]',
  'Start Time 24-48 Hours',
  '[1-6 Hours Start]',
  'Usually Starts Slowly',
] as const;
const SPEEDS = [
  '100k/D',
  '30k Per Day',
  'Speed 50K+ Per DAY',
  '[ 50k / Day ]',
  '[Speed: Up to 100K/D]',
  '[200/300 P/H]',
  '500k Per Hour',
  'SPEED 3-10k/days',
] as const;
const QUALITIES = ['Real', 'HQ', 'Non Drop', 'Low Drop', 'Old Accounts', 'Max 1M', 'Min 10K', '5 % Drop Possible'];

/** Builds the catalogue: every real name first (stable ids order), then generated variants. */
export function buildServices(prng: Prng, count: number): SimService[] {
  const services: SimService[] = [];
  let id = 0;
  const nextId = () => {
    id += prng.int(1, 3);
    return id;
  };
  for (const [name, promised, flag] of REAL_SERVICE_NAMES) {
    const refillDays = flag ? windowDays(promised === 'unknown' ? 30 : promised) : 0;
    services.push(
      finish(prng, {
        id: nextId(),
        name,
        category: categoryOf(name),
        type: /comment/i.test(name) ? 'Custom Comments' : 'Default',
        promisedRefill: promised,
        refill: flag,
        refillDays,
        cancel: /cancel enable/i.test(name) || prng.chance(0.4),
        real: true,
      }),
    );
  }
  while (services.length < count) {
    const [platform, products] = prng.pick(PRODUCTS);
    const product = prng.pick(products);
    const [phrase, promised] = refillPhrase(prng);
    const parts = [prng.pick(QUALITIES), prng.pick(SPEEDS), phrase, prng.pick(STARTS)].filter((p) => p !== '');
    const base = `${platform} ${product}`;
    const bracket = (p: string) => (/^[[(]/.test(p) ? p : `[ ${p} ]`);
    let name = prng.chance(0.5) ? `${base} | ${parts.join(' | ')}` : `${base} ${parts.map(bracket).join(' ')}`;
    if (prng.chance(0.08)) name = `${prng.int(10000, 39999)} - ${name}`;
    const accepts = promised !== 'none' && (promised !== 'unknown' || phrase.startsWith('Auto Refill'));
    services.push(
      finish(prng, {
        id: nextId(),
        name,
        category: `${base}${promised === 'none' ? ' [ No Refill ]' : promised === 'lifetime' ? ' [ Lifetime ]' : ''}`,
        type: product === 'Custom Comments' ? 'Custom Comments' : 'Default',
        promisedRefill: promised,
        refill: accepts,
        refillDays: accepts ? windowDays(promised === 'unknown' ? 30 : promised) : 0,
        cancel: prng.chance(0.5),
        real: false,
      }),
    );
  }
  return services;
}

type Draft = Omit<SimService, 'rate' | 'min' | 'max' | 'dripfeed' | 'provider'>;

function finish(prng: Prng, draft: Draft): SimService {
  const rate = Math.round((0.05 + prng.next() * prng.pick([1, 3, 8, 15])) * 10000) / 10000;
  return {
    ...draft,
    rate,
    min: prng.pick([10, 50, 100]),
    max: prng.pick([5000, 10000, 50000, 100000, 1000000]),
    dripfeed: prng.chance(0.2),
    provider: prng.pick(PROVIDERS).domain,
  };
}

function refillPhrase(prng: Prng): [string, RefillWindow | 'unknown'] {
  const roll = prng.next();
  if (roll < 0.5) {
    const n = prng.pick(DAYS);
    return [prng.pick(DAY_PHRASES).replace('{n}', String(n)), n];
  }
  if (roll < 0.7) return [prng.pick(LIFETIME_PHRASES), 'lifetime'];
  if (roll < 0.88) return [prng.pick(NONE_PHRASES), 'none'];
  return [prng.pick(TRAP_PHRASES), 'unknown'];
}

function windowDays(w: RefillWindow): number {
  if (w === 'lifetime') return Number.POSITIVE_INFINITY;
  if (w === 'none') return 0;
  return w;
}

function categoryOf(name: string): string {
  const head = name.split(/ \| | \[/)[0] ?? name;
  return head.trim();
}
