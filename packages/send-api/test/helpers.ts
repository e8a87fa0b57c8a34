import {
  type BalancerSnapshot,
  type Balancer,
  BalancerToken,
  type EnqueueResult,
  type SendJob,
} from '@smmbot/balancer';
import {
  type BotPlugin,
  type ChannelCapabilities,
  createEngine,
  createLogger,
  type Engine,
  type HttpResponse,
  type LinkStatus,
  type OutboundMessage,
  QuotaError,
  type SendReceipt,
  Tokens,
  VirtualClock,
} from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { createMemoryStorage } from '@smmbot/storage-memory';
import { sendApi } from '../src/index.js';

export const ACME_KEY = 'acme-key-0123456789abcdef';
export const GLOBEX_KEY = 'globex-key-0123456789abcdef';

/** A personal WhatsApp number: anti-ban, with a login state and a number check. */
export class PhoneChannel extends FakeChannel {
  override readonly capabilities: ChannelCapabilities = {
    groups: true,
    typing: false,
    formatting: 'whatsapp',
    maxTextLength: 4096,
    antiBan: true,
  };
  /** Digits that are on WhatsApp. */
  readonly registered = new Set<string>();
  readonly checked: string[] = [];
  state: LinkStatus['state'] = 'connected';
  /** Makes `checkNumber` throw, or never answer (`'hang'`). */
  checkFailure?: Error | 'hang';

  link(): LinkStatus {
    return { state: this.state };
  }

  async checkNumber(phone: string): Promise<string | undefined> {
    this.checked.push(phone);
    if (this.checkFailure === 'hang') return new Promise<never>(() => undefined);
    if (this.checkFailure) throw this.checkFailure;
    return this.registered.has(phone) ? `${phone}@s.whatsapp.net` : undefined;
  }
}

/** The balancer's interface over a map: idempotent on id, walled per tenant, a quota per tenant. */
export class FakeBalancer implements Balancer {
  readonly jobs = new Map<string, SendJob>();
  readonly enqueued: OutboundMessage[] = [];
  readonly quotaUsedUp = new Set<string>();
  failWith?: Error;

  constructor(private readonly clock: VirtualClock) {}

  async enqueue(message: OutboundMessage): Promise<EnqueueResult> {
    this.enqueued.push(message);
    if (this.failWith) throw this.failWith;
    const id = message.id ?? `gen-${this.jobs.size + 1}`;
    const existing = this.jobs.get(`${message.tenantId}/${id}`);
    if (existing) return this.result(existing, false);
    if (this.quotaUsedUp.has(message.tenantId)) throw new QuotaError(`tenant ${message.tenantId} is over quota`);
    const now = this.clock.now();
    const job: SendJob = {
      id,
      tenantId: message.tenantId,
      message: { ...message, id },
      state: 'queued',
      lane: message.priority,
      seq: this.jobs.size + 1,
      notBefore: now,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.jobs.set(`${message.tenantId}/${id}`, job);
    return this.result(job, true);
  }

  async status(tenant: string, id: string): Promise<SendJob | undefined> {
    return this.jobs.get(`${tenant}/${id}`);
  }

  private result(job: SendJob, created: boolean): EnqueueResult {
    const waiting = [...this.jobs.values()].filter((j) => j.tenantId === job.tenantId && j.state === 'queued');
    const position = waiting.indexOf(job) + 1;
    return { id: job.id, created, state: job.state, position, estimatedAt: job.createdAt + position * 5_000 };
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    return { message, sentAt: this.clock.now(), status: 'queued' };
  }
  async drain(): Promise<void> {}
  async snapshot(): Promise<BalancerSnapshot> {
    throw new Error('not used by the send API');
  }
  async alerts() {
    return [];
  }
  async resolveAlert() {
    return false;
  }

  plugin(): BotPlugin {
    return { name: 'fake-balancer', register: (c) => c.register(BalancerToken, { useValue: this }) };
  }
}

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

/** Storage that outlives an engine, for restarts (replay at boot). */
export function sharedStorage(clock: VirtualClock) {
  const backend = createMemoryStorage(clock);
  const plugin = (): BotPlugin => ({
    name: 'shared-storage',
    register: (c) => {
      c.register(Tokens.Store, { useValue: backend.records });
      c.register(Tokens.Kv, { useValue: backend.kv });
    },
  });
  return { backend, plugin };
}

export interface Setup {
  options?: Parameters<typeof sendApi>[0];
  channels?: FakeChannel[];
  clock?: VirtualClock;
  storage?: ReturnType<typeof sharedStorage>;
  extra?: BotPlugin[];
}

/** An engine serving tenants `acme` and `globex`, with the send API, a fake balancer and captured logs. */
export async function startApi(setup: Setup = {}) {
  const clock = setup.clock ?? new VirtualClock();
  const balancer = new FakeBalancer(clock);
  const logs = captureLogs();
  const storage = setup.storage ?? sharedStorage(clock);
  const engine = createEngine({
    clock,
    logger: logs.logger,
    tenants: ['acme', 'globex'],
    plugins: [
      storage.plugin(),
      balancer.plugin(),
      ...(setup.channels ?? []).map((c) => c.plugin()),
      sendApi({ keys: { acme: ACME_KEY, globex: GLOBEX_KEY }, ...setup.options }),
      ...(setup.extra ?? []),
    ],
  });
  await engine.start();
  return { engine, clock, balancer, logs, storage, call: (req: CallRequest) => call(engine, req) };
}

export interface CallRequest {
  method: 'GET' | 'POST';
  path: string;
  key?: string;
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

/** Calls a route the way the host's server does: matched by method and path, `:params` filled in. */
export async function call(engine: Engine, req: CallRequest): Promise<HttpResponse & { status: number }> {
  const [path = '', search = ''] = req.path.split('?');
  const query = Object.fromEntries(new URLSearchParams(search));
  for (const route of engine.http.all()) {
    if (route.method !== req.method) continue;
    const params = matchPath(route.path, path);
    if (!params) continue;
    const headers: Record<string, string | string[]> = { 'content-type': 'application/json', ...req.headers };
    if (req.key !== undefined) headers['x-api-key'] = req.key;
    const res = await route.handler({ method: req.method, path, params, query, headers, body: req.body });
    return { ...res, status: res.status ?? 200 };
  }
  throw new Error(`no route ${req.method} ${req.path}`);
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(got[i]!);
    else if (part !== got[i]) return undefined;
  }
  return params;
}

/** A JSON error body's code, for short assertions. */
export const errorCode = (res: HttpResponse): string | undefined =>
  (res.body as { error?: { code?: string } } | undefined)?.error?.code;
