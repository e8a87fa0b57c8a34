import { Prng } from '../prng.js';
import type { OrderPlan, SimOrder, SimOrderStatus, SimService, SimTicket, SimUser } from '../types.js';
import { viewOrder } from './progress.js';
import { buildServices, PROVIDERS } from './services.js';
import { seedTickets } from './tickets.js';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

const USERNAMES = [
  'demo',
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
];

export interface SeedInput {
  seed: number | string;
  now: number;
  serviceCount: number;
  userCount: number;
  orderCount: number;
  apiKey: string;
}

export interface SeedData {
  prng: Prng;
  services: SimService[];
  users: SimUser[];
  orders: SimOrder[];
  tickets: SimTicket[];
  /** Next external id per provider domain. */
  externalIds: Map<string, number>;
}

/** A demo order: which real service, how long ago, how it was planned, where it was frozen. */
interface DemoSpec {
  service: string;
  ageMs: number;
  plan: Partial<OrderPlan>;
  override?: { status: SimOrderStatus; afterMs: number };
}

const S30 = 'Instagram Followers | Low Drop | 30 Days Refill | 100K Per Day';
const LIFE = 'Instagram Followers | Non Drop | Lifetime Refill | Ultra Fast | One Click Done I';
const NONE = 'Instagram Likes | Old Account With Profile Post | 50K Per Day | No Refill';
const TG = 'Telegram Member | 50K Per Day | 10% Drop Possible | Lifetime Refill | Instant Start';

/** demo's orders 1001–1010, in the statuses a support bot must answer differently. */
const DEMO_ORDERS: readonly DemoSpec[] = [
  { service: S30, ageMs: 3 * DAY, plan: { startDelayMs: 10 * MINUTE, durationMs: 20 * HOUR } }, // 1001 completed, recent
  { service: S30, ageMs: 400 * DAY, plan: { startDelayMs: 10 * MINUTE, durationMs: 20 * HOUR } }, // 1002 completed, old
  { service: TG, ageMs: 6 * HOUR, plan: { startDelayMs: 30 * MINUTE, durationMs: 48 * HOUR } }, // 1003 in progress
  { service: S30, ageMs: 20 * MINUTE, plan: { startDelayMs: 2 * HOUR, durationMs: 24 * HOUR } }, // 1004 pending
  { service: LIFE, ageMs: DAY, plan: {}, override: { status: 'processing', afterMs: MINUTE } }, // 1005 processing
  { service: S30, ageMs: 10 * DAY, plan: { durationMs: 12 * HOUR, outcome: 'partial', partialRemains: 157 } }, // 1006
  { service: LIFE, ageMs: 5 * DAY, plan: {}, override: { status: 'canceled', afterMs: 3 * HOUR } }, // 1007 canceled
  { service: S30, ageMs: 20 * DAY, plan: {}, override: { status: 'refunded', afterMs: 2 * DAY } }, // 1008 refunded
  { service: NONE, ageMs: 6 * DAY, plan: { durationMs: 10 * HOUR } }, // 1009 completed, no refill
  { service: LIFE, ageMs: 40 * DAY, plan: { durationMs: 30 * HOUR } }, // 1010 completed, lifetime refill
];

export function seedData(input: SeedInput): SeedData {
  const prng = new Prng(input.seed);
  const t0 = input.now;
  const services = buildServices(prng, input.serviceCount);
  const externalIds = new Map(PROVIDERS.map((p) => [p.domain, prng.int(5_000_000, 9_000_000)]));
  const users = buildUsers(prng, input, t0);
  const orders: SimOrder[] = [];
  const byName = (name: string) => services.find((s) => s.name === name)!;

  DEMO_ORDERS.forEach((spec, i) => {
    const service = byName(spec.service);
    const created = t0 - spec.ageMs;
    const order = makeOrder(prng, { id: 1001 + i, user: 'demo', service, created, externalIds });
    Object.assign(order.plan, spec.plan);
    if (spec.override) order.override = { status: spec.override.status, at: created + spec.override.afterMs };
    orders.push(order);
  });

  const customers = users.length > 1 ? users.slice(1) : users;
  const ages = Array.from({ length: Math.max(0, input.orderCount - DEMO_ORDERS.length) }, () =>
    prng.int(0, 60 * DAY),
  ).sort((a, b) => b - a);
  ages.forEach((age, i) => {
    const service = prng.pick(services);
    const user = prng.pick(customers).username;
    const order = makeOrder(prng, { id: 1011 + i, user, service, created: t0 - age, externalIds });
    const roll = prng.next();
    const status: SimOrderStatus | undefined =
      roll < 0.04 ? 'canceled' : roll < 0.06 ? 'refunded' : roll < 0.09 ? 'processing' : undefined;
    const at = order.created + Math.min(age, order.plan.startDelayMs + HOUR);
    if (status) order.override = { status, at };
    orders.push(order);
  });

  // Balances: what was deposited covers every order's charge plus a left-over.
  for (const user of users) {
    const spent = orders.filter((o) => o.user === user.username).reduce((sum, o) => sum + viewOrder(o, t0).charge, 0);
    const left = user.username === 'demo' ? 100.84292 : Math.round(prng.next() * 20000) / 100;
    user.deposited = Math.round((spent + left) * 100000) / 100000;
  }
  const tickets = seedTickets(prng, users, orders, t0);
  return { prng, services, users, orders, tickets, externalIds };
}

function buildUsers(prng: Prng, input: SeedInput, t0: number): SimUser[] {
  const users: SimUser[] = [];
  for (let i = 0; i < Math.max(1, input.userCount); i++) {
    const username = USERNAMES[i] ?? `user${i + 1}`;
    users.push({
      id: i + 1,
      username,
      email: `${username}@example.com`,
      apiKey: username === 'demo' ? input.apiKey : prng.hex(32),
      deposited: 0,
      status: username === 'mallory' ? 'suspended' : 'active',
      created: t0 - (username === 'demo' ? 500 * DAY : prng.int(61, 700) * DAY),
      lastAuth: t0 - prng.int(1, 72) * HOUR,
      discount: prng.pick([0, 0, 0, 5, 10]),
    });
  }
  return users;
}

interface NewOrder {
  id: number;
  user: string;
  service: SimService;
  created: number;
  externalIds: Map<string, number>;
  quantity?: number;
  link?: string;
}

/** A new order with a plan drawn from the PRNG (pending now, done within hours to days). */
export function makeOrder(prng: Prng, input: NewOrder): SimOrder {
  const { service } = input;
  const quantity =
    input.quantity ?? Math.max(service.min, Math.round(prng.int(service.min, Math.min(service.max, 10000)) / 10) * 10);
  const external = (input.externalIds.get(service.provider) ?? 5_000_000) + prng.int(1, 500);
  input.externalIds.set(service.provider, external);
  const partial = prng.chance(0.08);
  return {
    id: input.id,
    user: input.user,
    serviceId: service.id,
    link: input.link ?? linkFor(prng, service.category),
    quantity,
    price: Math.round(((service.rate * quantity) / 1000) * 100000) / 100000,
    created: input.created,
    mode: 'auto',
    provider: service.provider,
    externalId: String(external),
    plan: {
      startDelayMs: prng.int(2, 360) * MINUTE,
      durationMs: prng.int(1, 72) * HOUR,
      outcome: partial ? 'partial' : 'completed',
      partialRemains: Math.max(1, Math.floor((quantity * prng.int(5, 60)) / 100)),
      startCount: prng.int(0, 50000),
    },
    resends: 0,
  };
}

function linkFor(prng: Prng, category: string): string {
  const c = category.toLowerCase();
  const tag = prng.hex(11);
  if (c.includes('instagram')) return `https://www.instagram.com/p/C${tag}/`;
  if (c.includes('tiktok')) return `https://www.tiktok.com/@creator${prng.int(1, 999)}/video/73${prng.int(1e8, 9e8)}`;
  if (c.includes('youtube')) return `https://www.youtube.com/watch?v=${tag}`;
  if (c.includes('telegram')) return `https://t.me/channel${prng.int(1, 999)}/${prng.int(1, 5000)}`;
  if (c.includes('facebook')) return `https://www.facebook.com/page${prng.int(1, 999)}/posts/${prng.int(1e6, 9e6)}`;
  if (c.includes('twitter')) return `https://x.com/user${prng.int(1, 999)}/status/17${prng.int(1e8, 9e8)}`;
  return `https://example.com/${tag}`;
}
