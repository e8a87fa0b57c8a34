import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { billing } from '@smmbot/billing';
import { createLogger, type Engine, hostConfigSchema } from '@smmbot/core';
import { buildServer, composeEngine } from '@smmbot/host';
import type { FastifyInstance } from 'fastify';
import { unlinkedSocket, waitingPhones } from './qr-phone.js';

export const MASTER = { phone: '+15550000001', password: 'master-password-123' };

/** Every line the host logged, parsed (pino JSON): the test reads one-time codes from here. */
export interface LogLine {
  msg?: string;
  [key: string]: unknown;
}

export interface TestHost {
  url: string;
  /** The bundled panel simulator's address (what an owner enters as the panel URL). */
  simUrl: string;
  engine: Engine;
  lines: LogLine[];
  /** The newest one-time code the host printed for this purpose (`signup`, `reset`, `staff`, ...) after line `since`. */
  code(purpose: string, since?: number): string | undefined;
  stop(): Promise<void>;
}

const STARTER = {
  id: 'starter',
  name: 'Starter',
  price: 1900,
  currency: 'USD',
  interval: 'month' as const,
  modules: ['support' as const, 'marketing' as const, 'ai' as const],
  mediums: ['whatsapp' as const, 'webchat' as const, 'telegram' as const],
};
const PRO = { ...STARTER, id: 'pro', name: 'Pro', price: 4900, modules: [...STARTER.modules, 'send_api' as const] };

/**
 * A Telegram Bot API that knows no bot: every call answers 401, as Telegram does for a revoked or
 * made-up token (this machine cannot reach Telegram). Runtime bots are pointed here.
 */
async function refusingBotApi(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The embedded default host (SQLite in memory, panel simulator, web chat) with the workspaces, REST,
 * billing and dashboard plugins composed in, as `smmbot start` does; what needs code-only options
 * (billing's plans, the test's fake phones) comes in through `composeEngine`'s `extra` (Host has no such option).
 */
export async function startHost(): Promise<TestHost> {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: 'info',
    destination: {
      write(line: string) {
        try {
          lines.push(JSON.parse(line) as LogLine);
        } catch {
          lines.push({ msg: line });
        }
      },
    },
  });
  let engine: Engine | undefined;
  const forTenant = (tenant: string) => engine!.forTenant(tenant);
  const botApi = await refusingBotApi();
  // Workspaces comes from the config file, as an owner would set the master admin; the host composes it
  // by default otherwise. REST too, with code-only options: the tenant container, and channels connected
  // from the Channels page talking to fakes (a Bot API that refuses every token, a Baileys socket that
  // shows QR codes). Billing and the dashboard take code-only options as well.
  const config = hostConfigSchema.parse({
    storage: { driver: 'sqlite', path: ':memory:' },
    http: { port: 0 },
    // On by default only without a config file (the embedded default): this config says so itself.
    simulator: { enabled: true },
    plugins: [
      { use: '@smmbot/workspaces', options: { master: MASTER, scrypt: { logN: 14, r: 8, p: 1 } } },
      {
        use: '@smmbot/rest',
        options: {
          containerFor: forTenant,
          runtimeChannels: { telegramApiRoot: botApi.url, createSocket: unlinkedSocket() },
        },
      },
    ],
  });
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'smmbot-dashboard-'));
  engine = await composeEngine(config, {
    cwd,
    logger,
    syncOnBoot: false,
    extra: [
      // The host takes a billing plugin given here instead of its default (one free plan): these plans.
      ...billing({
        plans: [STARTER, PRO],
        defaultPlan: 'starter',
        assign: { default: 'starter' },
        tenantServices: (tenant) => {
          const c = forTenant(tenant);
          return { has: (t) => c.isRegistered(t, true), resolve: (t) => c.resolve(t) };
        },
      }),
      // Each new workspace gets a WhatsApp number waiting for its QR to be scanned.
      waitingPhones(),
    ],
  });
  await engine.start();
  const server: FastifyInstance = buildServer(engine, logger);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const sim = lines.find((l) => l.msg?.startsWith('panel simulator running'));
  if (!sim?.url) throw new Error('the panel simulator did not start');
  return {
    url: `http://localhost:${port}`,
    simUrl: String(sim?.url ?? ''),
    engine,
    lines,
    code(purpose, since = 0) {
      for (let i = lines.length - 1; i >= since; i--) {
        const m = /one-time code (\d{6}) for \S+ \((\w[\w-]*)\)/.exec(lines[i]?.msg ?? '');
        if (m && m[2] === purpose) return m[1];
      }
      return undefined;
    },
    async stop() {
      await server.close();
      await engine?.stop();
      await botApi.close();
    },
  };
}
