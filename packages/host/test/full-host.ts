import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { billing, type PlanInput } from '@smmbot/billing';
import { billingStripe } from '@smmbot/billing-stripe';
import { type BotPlugin, createLogger, type Engine, hostConfigSchema } from '@smmbot/core';
import { dashboard, PLUGIN_NAME as DASHBOARD } from '@smmbot/dashboard';
import type { FastifyInstance } from 'fastify';
import { buildServer, composeEngine } from '../src/index.js';

/** Free (web chat only) and Pro (everything, the default plan: workspaces start on it). */
export const PLANS: PlanInput[] = [
  {
    id: 'free',
    name: 'Free',
    price: 0,
    currency: 'usd',
    interval: 'month',
    mediums: ['webchat'],
    modules: ['support', 'marketing'],
  },
  {
    id: 'pro',
    name: 'Pro',
    price: 2500,
    currency: 'usd',
    interval: 'month',
    modules: ['support', 'ai', 'marketing', 'send_api', 'tickets'],
    mediums: ['whatsapp', 'telegram', 'webchat', 'whatsapp_cloud', 'greenapi'],
  },
];

export interface FullHost {
  engine: Engine;
  server: FastifyInstance;
  base: string;
  /** Every line the host logged (JSON), in order. */
  lines: string[];
  /** The one-time code last printed for this purpose (`signup`, `reset`, `staff`). */
  code(purpose: string): string;
  stop(): Promise<void>;
}

/**
 * The host's default composition (memory storage, the simulator, web chat, support, balancer, send
 * API, workspaces, REST) plus the optional plugins the host does not compose: billing (with Stripe
 * when asked) and, until the host composes it itself, the dashboard. Served over real HTTP on loopback,
 * as `Host.start` does (HostOptions has no `extra`, composeEngine does).
 */
export async function startFullHost(options: { stripe?: boolean } = {}): Promise<FullHost> {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
  const config = hostConfigSchema.parse({
    storage: { driver: 'memory' },
    http: { port: 0, host: '127.0.0.1' },
    simulator: { enabled: true, port: 0 },
  });
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'smmbot-full-'));
  let engine: Engine | undefined;
  const extra: BotPlugin[] = [
    ...billing({
      plans: PLANS,
      defaultPlan: 'pro',
      tenantServices: (t) => {
        const c = engine!.forTenant(t);
        return { has: (k) => c.isRegistered(k, true), resolve: (k) => c.resolve(k) };
      },
    }),
  ];
  if (options.stripe) {
    extra.push(
      ...billingStripe({
        apiKey: 'sk_test_openapi_document_only',
        webhookSecret: 'whsec_openapi_document_only',
        apiBase: 'http://127.0.0.1:9',
        successUrl: 'http://localhost/app/billing?session={CHECKOUT_SESSION_ID}',
        cancelUrl: 'http://localhost/app/billing',
      }),
    );
  }
  const composed = await composeEngine(config, { cwd, logger, extra, syncOnBoot: false });
  engine = composed;
  // Until the host composes the dashboard itself (then its own is used). The engine's plugin list is
  // private; reading it here avoids starting twice (a failed start would leak the simulator).
  const listed = (composed as unknown as { plugins?: { name: string }[] }).plugins;
  if (!listed?.some((p) => p.name === DASHBOARD)) composed.use(dashboard());
  await composed.start();
  const server = buildServer(composed, logger);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    engine: composed,
    server,
    base,
    lines,
    code(purpose) {
      const all = [...lines.join('\n').matchAll(/one-time code (\d{6}) for \S+ \((\w+)\)/g)];
      const found = all.filter((m) => m[2] === purpose).at(-1)?.[1];
      if (!found) throw new Error(`no ${purpose} code in the host log`);
      return found;
    },
    async stop() {
      await server.close();
      await composed.stop();
    },
  };
}

export interface Reply {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: free-form JSON answers, checked by the tests.
  body: any;
}

/** A browser-like client: keeps the cookies the host sets (names only; paths are ignored). */
export function client(base: string) {
  const jar = new Map<string, string>();
  const call = async (method: string, url: string, body?: unknown): Promise<Reply> => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(base + url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair = ''] = set.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value && !/max-age=0|expires=thu, 01 jan 1970/i.test(set)) jar.set(pair.slice(0, eq), value);
      else jar.delete(pair.slice(0, eq));
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, text, body: parsed };
  };
  return { call, jar };
}

export type Client = ReturnType<typeof client>;

/** Signs a new workspace up through the API (the code is read from the log); returns its owner's client and id. */
export async function signUp(host: FullHost, phone: string, workspaceName: string) {
  const owner = client(host.base);
  const sent = await owner.call('POST', '/api/v1/auth/phone/send', { phone });
  if (sent.status !== 200) throw new Error(`sign-up send: ${sent.status} ${sent.text}`);
  const verified = await owner.call('POST', '/api/v1/auth/phone/verify', {
    phone,
    otp: host.code('signup'),
    password: 'correct horse battery',
    workspaceName,
  });
  if (verified.status !== 201) throw new Error(`sign-up verify: ${verified.status} ${verified.text}`);
  const me = await owner.call('GET', '/api/v1/auth/me');
  return { owner, tenant: me.body.workspace.id as string };
}

/**
 * Adds a staff number to the owner's workspace (code from the log) and signs it in. With no WhatsApp
 * channel the generated password cannot be delivered (and is never logged): the new member sets one
 * with "forgot password", as the workspaces README says.
 */
export async function addStaff(host: FullHost, owner: Client, phone: string, role: 'staff' | 'staff_admin') {
  const step1 = await owner.call('POST', '/api/v1/admin-numbers/send-code', { phone });
  if (step1.status !== 200) throw new Error(`staff send-code: ${step1.status} ${step1.text}`);
  const added = await owner.call('POST', '/api/v1/admin-numbers/verify', { phone, code: host.code('staff'), role });
  if (added.status !== 201) throw new Error(`staff verify: ${added.status} ${added.text}`);
  const staff = client(host.base);
  await staff.call('POST', '/api/v1/auth/phone/forgot-password/send', { phone });
  const password = 'staff member password';
  const reset = await staff.call('POST', '/api/v1/auth/phone/forgot-password/reset', {
    phone,
    otp: host.code('reset'),
    new_password: password,
  });
  if (reset.status >= 300) throw new Error(`staff reset: ${reset.status} ${reset.text}`);
  const login = await staff.call('POST', '/api/v1/auth/login/phone', { phone, password });
  if (login.status !== 200) throw new Error(`staff login: ${login.status} ${login.text}`);
  return { staff, id: added.body.id as string, credentials: added.body.credentials as string };
}

/** Reads a server-sent event stream for `ms` while `during` runs, then hangs up. */
export async function readStream(host: FullHost, who: Client, url: string, during: () => Promise<void>, ms = 300) {
  const abort = new AbortController();
  const res = await fetch(host.base + url, {
    headers: { cookie: [...who.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    signal: abort.signal,
  });
  let text = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body ?? []) text += decoder.decode(chunk as Uint8Array, { stream: true });
    } catch {
      // hung up
    }
  })();
  if (res.status === 200) await during();
  await new Promise((r) => setTimeout(r, ms));
  abort.abort();
  await reading;
  return { status: res.status, text };
}
