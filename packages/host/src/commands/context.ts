import { createLogger, type HostConfig, type Logger } from '@smmbot/core';
import pretty from 'pino-pretty';
import { loadHostConfig } from '../config/index.js';

export interface CliFlags {
  config?: string;
  port?: string;
  host?: string;
  tenant?: string;
  limit?: string;
  /** `start --role`: all | web | worker (validated with the config). */
  role?: string;
}

/** What every CLI command gets: where it runs, its flags, and how to talk to the user. */
export interface CliContext {
  cwd: string;
  flags: CliFlags;
  /** The tenant a command acts on (`--tenant`), else the config's first. */
  tenant?: string;
  env: NodeJS.ProcessEnv;
  loadConfig(): Promise<{ config: HostConfig; source: string }>;
  logger(level: string): Logger;
  print(text: string): void;
  error(text: string): void;
}

export function createCliContext(
  flags: CliFlags,
  io: { out: (s: string) => void; err: (s: string) => void },
): CliContext {
  const cwd = process.cwd();
  return {
    cwd,
    flags,
    tenant: flags.tenant,
    env: process.env,
    async loadConfig() {
      // `--role` is applied as the SMMBOT__role override, so the config's checks (web and worker need
      // Redis and PostgreSQL) see it.
      const env = flags.role === undefined ? process.env : { ...process.env, SMMBOT__role: flags.role };
      const loaded = await loadHostConfig({ cwd, file: flags.config, env });
      // Command-line flags win over the file and the environment.
      if (flags.port !== undefined) {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new Error(`--port: expected a port number 0-65535; found "${flags.port}"`);
        loaded.config.http.port = port;
      }
      if (flags.host) loaded.config.http.host = flags.host;
      return loaded;
    },
    // Readable lines in a terminal; JSON lines (for log collectors) everywhere else.
    logger: (level) =>
      createLogger({
        level,
        destination: process.stdout.isTTY ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss' }) : undefined,
      }),
    print: io.out,
    error: io.err,
  };
}
