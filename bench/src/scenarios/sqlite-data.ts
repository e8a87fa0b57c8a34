import { readFileSync } from 'node:fs';
import type { CollectionSpec, StoredRecord } from '@smmbot/core';

/** Deterministic data for the SQLite query scenario: a services catalogue and a month of support logs. */

export type ServiceFields = { name: string; category: string; rate: number; providerId: string };
export type ServiceRow = StoredRecord & ServiceFields;
export type LogFields = { createdAt: number; action: string; status: string; priority: boolean; message: string };
export type LogRow = StoredRecord & LogFields;

/** The services catalogue: searched by name (FTS5 trigram table in the SQLite store). */
export const SERVICES_SPEC: CollectionSpec = { name: 'services', indexes: ['category'], search: ['name'] };
/** The support log as the dashboard reads it (same indexes as core's LOG_SPEC conformance fixture). */
export const LOGS_SPEC: CollectionSpec = {
  name: 'logs',
  indexes: ['createdAt', ['action', 'createdAt'], ['status', 'createdAt'], ['priority', 'createdAt']],
};

/** Real panel names (copied from public repositories, see the file's header), used as templates. */
export function loadTemplates(): string[] {
  const text = readFileSync(new URL('../../data/service-names.txt', import.meta.url), 'utf8');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

/** mulberry32: a small seeded PRNG, so every run inserts the same rows. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

function weighted<T>(rand: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  let r = rand() * total;
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1]![0];
}

const PLATFORM = /^(IInstagram|Instagram|Facebook|Snapchat|Telegram|TikTok|Tiktok|Twitter|YouTube|Youtube)\b/;
const SWAP_TO = ['Instagram', 'TikTok', 'YouTube', 'Telegram', 'Facebook', 'Twitter', 'Threads', 'Twitch', 'Spotify'];
const KINDS = ['Followers', 'Likes', 'Views', 'Members', 'Member', 'Subscribers', 'Comments', 'Comment', 'Share'];
const QUANTITY = ['Max 1K', 'Max 5K', 'Max 10K', 'Max 50K', 'Max 100K', 'Max 500K', 'Max 1M', 'Max 5M', 'Max 10M'];
const SPEED = ['500/Day', '1K/Day', '5K/Day', '10K/Day', '20k-50k/Day', '100K/Day', '1K/Hour', 'Super Fast', 'Slow'];
const REFILL = [
  'R30',
  'R60',
  'R365',
  'AR30',
  '30D Refill',
  '60 Days Refill',
  'Refill 30 Days',
  'Lifetime Refill',
  'No Refill',
  'Non Drop',
];
const GEO = ['USA', 'India', 'Brazil', 'Russia', 'Turkey', 'Arab', 'Worldwide', 'Europe'];
const START = ['Instant Start', '0-1 Hour Start', '0-6 Hours', '24H Start'];

/**
 * `count` services: a real name as the template, its platform sometimes swapped, plus quantity,
 * speed, refill and sometimes geo/start segments in the template's own style (`| x` or `[ x ]`).
 */
export function makeServices(templates: readonly string[], count: number, seed: number): ServiceFields[] {
  const rand = prng(seed);
  const out: ServiceFields[] = [];
  for (let i = 0; i < count; i++) {
    let name = templates[i % templates.length]!;
    if (rand() < 0.35) name = name.replace(PLATFORM, pick(rand, SWAP_TO));
    const platform = (PLATFORM.exec(name)?.[1] ?? name.split(' ')[0]!).replace(/^IInstagram$/, 'Instagram');
    const kind = KINDS.find((k) => name.includes(k)) ?? 'Other';
    const parts = [pick(rand, QUANTITY), pick(rand, SPEED), pick(rand, REFILL)];
    if (rand() < 0.4) parts.push(pick(rand, GEO));
    if (rand() < 0.3) parts.push(pick(rand, START));
    const extra = name.includes('[') ? parts.map((p) => `[ ${p} ]`).join(' ') : parts.join(' | ');
    out.push({
      name: `${name.replace(/[\s|]+$/u, '')} ${name.includes('[') ? '' : '| '}${extra}`,
      category: `${platform} ${kind}`,
      rate: Math.round((0.01 + rand() * 25) * 10_000) / 10_000,
      providerId: `provider-${1 + Math.floor(rand() * 12)}`,
    });
  }
  return out;
}

export const DAY_MS = 86_400_000;
/** The last log's time: the logs cover the 30 days before it. */
export const LOGS_END = Date.UTC(2026, 1, 1);

const ACTIONS = [
  ['order.status', 30],
  ['order.create', 12],
  ['refill.request', 12],
  ['cancel.request', 6],
  ['ticket.reply', 14],
  ['balance.question', 8],
  ['faq', 12],
  ['escalate', 6],
] as const;
const STATUSES = [
  ['open', 15],
  ['escalated', 8],
  ['ticket created', 12],
  ['resolved', 45],
  ['ignored', 20],
] as const;

/** `count` log rows, createdAt uniformly spread over the 30 days before LOGS_END, skewed actions/statuses. */
export function makeLogs(count: number, seed: number): LogFields[] {
  const rand = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const action = weighted(rand, ACTIONS);
    return {
      createdAt: LOGS_END - 1 - Math.floor(rand() * 30 * DAY_MS),
      action,
      status: weighted(rand, STATUSES),
      priority: rand() < 0.1,
      message: `${action} from customer ${10_000 + (i % 3_000)}`,
    };
  });
}

/** Realistic catalogue searches: platform + kind, platform, kind, refill shorthands, speed and quantity. */
export const SEARCH_TERMS = [
  'instagram followers',
  'instagram likes',
  'tiktok',
  'tiktok views',
  'youtube views',
  'youtube subscribers',
  'telegram member',
  'facebook',
  'followers',
  'likes',
  'story views',
  'comment',
  'refill',
  'lifetime',
  'non drop',
  '30d',
  'r365',
  '100k/day',
  'instant',
  'spotify',
];
