import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type Engine } from '@smmbot/core';
import type { FastifyInstance } from 'fastify';
import { buildServer, composeEngine, loadHostConfig } from '../../src/index.js';
import { type Client, client } from '../full-host.js';

export interface ComposedHost {
  engine: Engine;
  server: FastifyInstance;
  base: string;
  lines: string[];
  /** The one-time code last printed for this purpose (`signup`, `reset`, `staff`). */
  code(purpose: string): string;
  client(): Client;
  stop(): Promise<void>;
}

/**
 * The host exactly as `smmbot start` composes it from a config file (written to a fresh folder and
 * read by `loadHostConfig`, so `${VAR}` interpolation applies), on memory storage unless the config
 * says otherwise, served over loopback HTTP.
 */
export async function startFromConfig(
  raw: Record<string, unknown>,
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<ComposedHost> {
  const cwd = options.cwd ?? mkdtempSync(path.join(os.tmpdir(), 'smmbot-billing-host-'));
  mkdirSync(cwd, { recursive: true });
  const file = {
    storage: { driver: 'memory' },
    http: { host: '127.0.0.1', port: 0 },
    simulator: { enabled: false },
    ...raw,
  };
  writeFileSync(path.join(cwd, 'smmbot.config.json'), JSON.stringify(file));
  const { config } = await loadHostConfig({ cwd, env: options.env ?? {} });
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
  const engine = await composeEngine(config, { cwd, logger, syncOnBoot: false });
  await engine.start();
  const server = buildServer(engine, logger);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    engine,
    server,
    base,
    lines,
    code(purpose) {
      const all = [...lines.join('\n').matchAll(/one-time code (\d{6}) for \S+ \((\w+)\)/g)];
      const found = all.filter((m) => m[2] === purpose).at(-1)?.[1];
      if (!found) throw new Error(`no ${purpose} code in the host log`);
      return found;
    },
    client: () => client(base),
    async stop() {
      await server.close();
      await engine.stop();
    },
  };
}

/** Sets a password with "forgot password" (the code read from the log) and signs in. */
export async function firstSignIn(host: ComposedHost, phone: string, password = 'owner password 1') {
  const who = host.client();
  const sent = await who.call('POST', '/api/v1/auth/phone/forgot-password/send', { phone });
  if (sent.status !== 200) throw new Error(`forgot send: ${sent.status} ${sent.text}`);
  const reset = await who.call('POST', '/api/v1/auth/phone/forgot-password/reset', {
    phone,
    otp: host.code('reset'),
    new_password: password,
  });
  if (reset.status !== 200) throw new Error(`reset: ${reset.status} ${reset.text}`);
  const login = await who.call('POST', '/api/v1/auth/login/phone', { phone, password });
  return { who, login };
}
