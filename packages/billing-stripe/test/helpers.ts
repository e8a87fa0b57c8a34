import { createHmac } from 'node:crypto';
import { billing, BillingToken, type PlanInput } from '@smmbot/billing';
import { createEngine, createLogger, type HttpAuth, silentLogger, Tokens, VirtualClock } from '@smmbot/core';
import { buildServer } from '@smmbot/host';
import { memoryStorage } from '@smmbot/storage-memory';
import { billingStripe, WEBHOOK_PATH } from '../src/index.js';
import { API_KEY, FakeStripe, WEBHOOK_SECRET } from './fake-stripe.js';

export const PRO_PRICE = 'price_1SxPro0000000000000000';
export const BUSINESS_PRICE = 'price_1SxBusiness000000000000';

const PLANS: PlanInput[] = [
  { id: 'free', name: 'Free', price: 0, currency: 'usd', interval: 'month', mediums: ['webchat'] },
  {
    id: 'pro',
    name: 'Pro',
    price: 2500,
    currency: 'usd',
    interval: 'month',
    mediums: ['webchat', 'whatsapp'],
    provider_refs: { stripe: PRO_PRICE },
  },
  {
    id: 'business',
    name: 'Business',
    price: 9900,
    currency: 'usd',
    interval: 'month',
    mediums: ['webchat', 'whatsapp'],
  },
];

/** Signs a raw body the way Stripe documents it: `t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function sign(body: string, t: number, secret = WEBHOOK_SECRET): string {
  return `t=${t},v1=${hmac(body, t, secret)}`;
}
export const hmac = (body: string, t: number, secret = WEBHOOK_SECRET) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

export type StripeInput = Partial<NonNullable<Parameters<typeof billingStripe>[0]>>;

/** Workspaces `acme` and `globex`, billing with Stripe against a local fake, the host's real server. */
export async function start(stripe: StripeInput = {}) {
  const fake = await new FakeStripe().start();
  const clock = new VirtualClock(Date.UTC(2026, 0, 10, 12, 0, 10));
  const raw: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => raw.push(s) } });
  const engine = createEngine({
    clock,
    logger,
    tenants: ['acme', 'globex'],
    plugins: [
      memoryStorage(),
      {
        name: 'test-auth',
        register: (c) =>
          c.register(Tokens.Authenticator, {
            useValue: {
              async authenticate(req) {
                const [role, tenantId] = String(req.headers['x-test-user'] ?? '').split(':');
                return role === 'owner' && tenantId
                  ? ({ tenantId, userId: `o-${tenantId}`, role } satisfies HttpAuth)
                  : undefined;
              },
            },
          }),
      },
      billing({ plans: PLANS }),
      billingStripe({
        apiKey: API_KEY,
        webhookSecret: WEBHOOK_SECRET,
        apiBase: fake.url,
        successUrl: 'https://app.example.com/billing?session={CHECKOUT_SESSION_ID}',
        cancelUrl: 'https://app.example.com/billing?canceled=1',
        prices: { business: BUSINESS_PRICE },
        maxNetworkRetries: 0,
        ...stripe,
      }),
    ],
  });
  await engine.start();
  const server = buildServer(engine, silentLogger());
  const owner = (tenant: string) => ({
    get: async (url: string) => {
      const res = await server.inject({ method: 'GET', url, headers: { 'x-test-user': `owner:${tenant}` } });
      return { status: res.statusCode, body: res.json() };
    },
    post: async (url: string, payload: object) => {
      const res = await server.inject({ method: 'POST', url, payload, headers: { 'x-test-user': `owner:${tenant}` } });
      return { status: res.statusCode, body: res.json() };
    },
  });
  /** Posts a raw body to the webhook with a signature header (or none). */
  const deliver = async (body: string, signature?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (signature !== undefined) headers['stripe-signature'] = signature;
    const res = await server.inject({ method: 'POST', url: WEBHOOK_PATH, headers, payload: body });
    return { status: res.statusCode, body: res.json() };
  };
  const now = () => Math.floor(clock.now() / 1000);
  /** Delivers a body signed now with the right secret, at the event's time plus a few seconds. */
  const event = async (body: string) => {
    const created = (JSON.parse(body) as { created: number }).created;
    if (created * 1000 > clock.now()) await clock.advanceTo((created + 5) * 1000);
    return deliver(body, sign(body, now()));
  };
  const core = engine.container.resolve(BillingToken);
  return {
    engine,
    clock,
    fake,
    raw,
    server,
    owner,
    deliver,
    event,
    now,
    billing: core,
    stop: async () => {
      await server.close();
      await engine.stop();
      await fake.stop();
    },
  };
}

/** No log line carries the API key or the webhook secret. */
export function expectNoSecrets(raw: string[]): void {
  const all = raw.join('\n');
  if (all.includes(API_KEY) || all.includes(WEBHOOK_SECRET) || all.includes(API_KEY.slice(8, 30))) {
    throw new Error('a secret reached the log');
  }
}
