import {
  type Authenticator,
  type BotPlugin,
  createEngine,
  createLogger,
  type HttpAuth,
  type PluginInput,
  Tokens,
  VirtualClock,
} from '@smmbot/core';
import { createMemoryStorage, memoryStorage } from '@smmbot/storage-memory';
import { billing, BillingToken, HealthMonitorToken, type PlanInput } from '../src/index.js';
import { routeClient } from './route-client.js';

export const PLANS: PlanInput[] = [
  {
    id: 'free',
    name: 'Free',
    price: 0,
    currency: 'usd',
    interval: 'month',
    modules: ['support'],
    mediums: ['webchat'],
    limits: { messages_per_month: 100, phones: 0, staff: 1, ai_requests: 0 },
  },
  {
    id: 'pro',
    name: 'Pro',
    price: 2500,
    currency: 'usd',
    interval: 'month',
    modules: ['support', 'ai', 'marketing', 'send_api', 'tickets'],
    mediums: ['whatsapp', 'telegram', 'webchat'],
    limits: { messages_per_month: null, phones: 2, staff: 5, ai_requests: 1000 },
  },
];

/**
 * The host test's approach: an Authenticator that believes a header. `owner:<workspace>` and
 * `staff:<workspace>` are workspace sessions; `master` is the master admin (master routes only).
 */
export const headerAuthenticator: Authenticator = {
  async authenticate(req, kind) {
    const who = req.headers['x-test-user'];
    if (typeof who !== 'string') return undefined;
    if (who === 'master') {
      return kind === 'master'
        ? ({ tenantId: '', userId: 'm', role: 'owner', master: true } satisfies HttpAuth)
        : undefined;
    }
    const [role, tenantId] = who.split(':');
    if (!tenantId || (role !== 'owner' && role !== 'staff')) return undefined;
    return { tenantId, userId: `${role}-${tenantId}`, role } satisfies HttpAuth;
  },
};

export const authPlugin = (): BotPlugin => ({
  name: 'test-auth',
  register: (c) => c.register(Tokens.Authenticator, { useValue: headerAuthenticator }),
});

export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: {
      write: (s: string) => {
        raw.push(s);
        lines.push(JSON.parse(s));
      },
    },
  });
  return { lines, raw, logger };
}

/** The plugin's raw options. */
export type Options = NonNullable<Parameters<typeof billing>[0]>;

export interface Setup {
  options?: Options;
  clock?: VirtualClock;
  /** Plugins before billing (channels, panels). */
  before?: PluginInput[];
  /** Plugins after billing. */
  after?: PluginInput[];
  tenants?: string[];
  /** Storage that outlives one engine (restarts); default: fresh memory storage. */
  storage?: BotPlugin;
}

/** Memory storage shared by several engines, for restarts. */
export function sharedStorage(clock: VirtualClock): BotPlugin {
  const backend = createMemoryStorage(clock);
  return {
    name: 'shared-storage',
    register: (c) => {
      c.register(Tokens.Store, { useValue: backend.records });
      c.register(Tokens.Kv, { useValue: backend.kv });
    },
  };
}

/** An engine serving workspaces `acme` and `globex` with billing; its routes called as a server would. */
export async function start(setup: Setup = {}) {
  const clock = setup.clock ?? new VirtualClock(Date.UTC(2026, 0, 10, 12));
  const logs = captureLogs();
  const engine = createEngine({
    clock,
    logger: logs.logger,
    tenants: setup.tenants ?? ['acme', 'globex'],
    plugins: [
      setup.storage ?? memoryStorage(),
      authPlugin(),
      ...(setup.before ?? []),
      billing({ plans: PLANS, ...setup.options }),
      ...(setup.after ?? []),
    ],
  });
  await engine.start();
  const call = routeClient(engine);
  const as = (user?: string) => {
    const headers: Record<string, string> = user ? { 'x-test-user': user } : {};
    return {
      get: (url: string) => call(headers, 'GET', url),
      post: (url: string, body: unknown = {}) => call(headers, 'POST', url, body),
      patch: (url: string, body: unknown) => call(headers, 'PATCH', url, body),
      put: (url: string, body: unknown) => call(headers, 'PUT', url, body),
      delete: (url: string) => call(headers, 'DELETE', url),
    };
  };
  return {
    engine,
    clock,
    logs,
    as,
    billing: engine.container.resolve(BillingToken),
    health: engine.container.resolve(HealthMonitorToken),
    stop: () => engine.stop(),
  };
}
