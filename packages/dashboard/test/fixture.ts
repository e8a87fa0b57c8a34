import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { billing } from '@smmbot/billing';
import { createLogger, type Engine, hostConfigSchema } from '@smmbot/core';
import { buildServer, composeEngine } from '@smmbot/host';
import { rest } from '@smmbot/rest';
import type { FastifyInstance } from 'fastify';
import { dashboard } from '../src/index.js';
import { waitingPhones } from './qr-phone.js';

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

const hostDeps = Object.keys(
  (
    JSON.parse(readFileSync(new URL('../../host/package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    }
  ).dependencies,
);
/** The host composes by default what it depends on (workspaces, REST, ...): those are not added twice. */
const hostComposes = (name: string) => hostDeps.includes(name);

/**
 * The embedded default host (SQLite in memory, panel simulator, web chat) with the workspaces, REST,
 * billing and dashboard plugins composed in, as `smmbot start` does: those the host does not compose by
 * default yet come in through `composeEngine`'s `extra` (Host has no such option).
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
  // Workspaces comes from the config file, as an owner would set the master admin; the host composes it
  // by default otherwise. REST, billing and the dashboard take code-only options (the tenant container).
  const config = hostConfigSchema.parse({
    storage: { driver: 'sqlite', path: ':memory:' },
    http: { port: 0 },
    // On by default only without a config file (the embedded default): this config says so itself.
    simulator: { enabled: true },
    plugins: [{ use: '@smmbot/workspaces', options: { master: MASTER, scrypt: { logN: 14, r: 8, p: 1 } } }],
  });
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'smmbot-dashboard-'));
  let engine: Engine | undefined;
  const forTenant = (tenant: string) => engine!.forTenant(tenant);
  engine = await composeEngine(config, {
    cwd,
    logger,
    syncOnBoot: false,
    extra: [
      ...(hostComposes('@smmbot/rest') ? [] : rest({ containerFor: forTenant })),
      ...(hostComposes('@smmbot/billing')
        ? []
        : billing({
            plans: [STARTER, PRO],
            defaultPlan: 'starter',
            assign: { default: 'starter' },
            tenantServices: (tenant) => {
              const c = forTenant(tenant);
              return { has: (t) => c.isRegistered(t, true), resolve: (t) => c.resolve(t) };
            },
          })),
      ...(hostComposes('@smmbot/dashboard') ? [] : dashboard()),
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
    },
  };
}
