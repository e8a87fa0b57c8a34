import {
  type BotPlugin,
  createEngine,
  createLogger,
  type Engine,
  guardRequest,
  httpError,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  SecretBox,
  SYSTEM_TENANT,
  Tokens,
  VirtualClock,
} from '@smmbot/core';
import { FakePhone } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { parseSetCookie } from 'cookie';
import { workspaces } from '../src/index.js';

export const SECRET = 'test-secret-key-0123456789abcdefghijklmnop';
export const OWNER = '8801711000001';
export const STAFF = '8801711000002';
export const OTHER = '8801711000003';

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
  return { lines, raw, logger, text: () => raw.join('') };
}

export interface Setup {
  options?: Parameters<typeof workspaces>[0];
  clock?: VirtualClock;
  /** Storage plugin (default: a fresh in-memory one). */
  storage?: BotPlugin | BotPlugin[];
  /** No system channel at all (codes go to the log). */
  noSystemChannel?: boolean;
  extra?: BotPlugin[];
}

/** An engine with the workspaces plugin, a FakePhone as the tenant-less system channel, captured logs. */
export async function start(setup: Setup = {}) {
  const clock = setup.clock ?? new VirtualClock();
  const logs = captureLogs();
  const phone = new FakePhone('system-wa', SYSTEM_TENANT, clock);
  for (const n of [OWNER, STAFF, OTHER, '8801711000004', '8801711000005']) phone.registered.add(n);
  const engine = createEngine({
    clock,
    logger: logs.logger,
    tenants: [],
    plugins: [
      setup.storage ?? memoryStorage(),
      { name: 'test-secrets', register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox(SECRET) }) },
      setup.noSystemChannel ? [] : phone.plugin(),
      workspaces({ ...(setup.noSystemChannel ? {} : { systemChannel: 'system-wa' }), ...setup.options }),
      ...(setup.extra ?? []),
    ],
  });
  await engine.start();
  const client = (ip = '10.0.0.1') => new Client(engine, ip);
  return { engine, clock, logs, phone, client };
}

/** The last 6-digit code the system phone sent to `digits`. */
export function lastCode(phone: FakePhone, digits: string): string {
  const sent = phone.sends.filter((s) => s.message.chatId.startsWith(digits));
  const text = sent.at(-1)?.message.text ?? '';
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error(`no code was sent to ${digits}`);
  return code;
}

interface StoredCookie {
  value: string;
  path: string;
  expiresAt?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in the tests.
export type Reply = HttpResponse & { status: number; json: any; cookies: string[] };

/**
 * A browser-like client: keeps cookies (by name and path, dropped at Max-Age on the engine's clock
 * unless `keepExpired`), and calls routes the way the host's mount-route does: params/query/body
 * checked with the route schemas, the session checked with the Authenticator, `can()` applied.
 */
export class Client {
  readonly jar = new Map<string, StoredCookie>();
  keepExpired = false;
  /** Sent with every request (e.g. `x-forwarded-proto`). */
  headers: Record<string, string> = {};

  constructor(
    private readonly engine: Engine,
    readonly ip: string,
  ) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name)?.value;
  }

  setCookie(name: string, value: string, path = '/'): void {
    this.jar.set(name, { value, path });
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body?: unknown) => this.call('POST', path, body);
  delete = (path: string) => this.call('DELETE', path);

  async call(method: HttpRoute['method'], url: string, body?: unknown): Promise<Reply> {
    const [path = '', search = ''] = url.split('?');
    const now = this.engine.clock.now();
    const cookie = [...this.jar]
      .filter(([, c]) => path.startsWith(c.path) && (this.keepExpired || !c.expiresAt || c.expiresAt > now))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...this.headers,
      ...(cookie ? { cookie } : {}),
    };
    const res = await dispatch(this.engine, {
      method,
      path,
      params: {},
      query: Object.fromEntries(new URLSearchParams(search)),
      headers,
      body,
      ip: this.ip,
    });
    const setCookies = [res.headers?.['set-cookie'] ?? []].flat();
    for (const line of setCookies) {
      const c = parseSetCookie(line);
      if (c.maxAge === 0) this.jar.delete(c.name);
      else
        this.jar.set(c.name, {
          value: c.value ?? '',
          path: c.path ?? '/',
          expiresAt: c.maxAge ? now + c.maxAge * 1000 : undefined,
        });
    }
    return { ...res, status: res.status ?? 200, json: res.body, cookies: setCookies };
  }
}

/** Finds the route and runs it as the host does: core's guardRequest (session, permission, schemas), then the handler. */
async function dispatch(engine: Engine, request: HttpRequest): Promise<HttpResponse> {
  for (const route of engine.http.all()) {
    if (route.method !== request.method) continue;
    const params = matchPath(route.path, request.path);
    if (!params) continue;
    request.params = params;
    const refused = await guardRequest(engine.container, route, request);
    if (refused) return refused;
    return route.handler(request);
  }
  return httpError(404, 'E_NOT_FOUND', `no route ${request.method} ${request.path}`);
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

/** Signs up `phone` through the two routes; returns the signed-in client and the new workspace id. */
export async function signup(
  ctx: Awaited<ReturnType<typeof start>>,
  phone: string,
  password = 'correct horse 1',
  ip?: string,
) {
  const client = ctx.client(ip);
  const sent = await client.post('/api/v1/auth/phone/send', { phone: `+${phone}` });
  if (sent.status !== 200) throw new Error(`send: ${sent.status} ${JSON.stringify(sent.json)}`);
  const res = await client.post('/api/v1/auth/phone/verify', {
    phone: `+${phone}`,
    otp: lastCode(ctx.phone, phone),
    password,
    workspaceName: `WS ${phone.slice(-2)}`,
  });
  if (res.status !== 201) throw new Error(`verify: ${res.status} ${JSON.stringify(res.json)}`);
  return { client, tenant: res.json.workspace.id as string, userId: res.json.user.id as string };
}

export const code = (res: Reply): string | undefined => res.json?.error?.code;
