import { createLogger, type Engine, type HostConfig, type Logger } from '@smmbot/core';
import type { FastifyInstance } from 'fastify';
import { composeEngine } from './compose.js';
import { buildServer } from './server.js';

export interface HostOptions {
  config: HostConfig;
  cwd?: string;
  logger?: Logger;
}

/** The running product: an engine composed from the config plus its HTTP server. */
export class Host {
  engine?: Engine;
  server?: FastifyInstance;
  readonly logger: Logger;
  private stopping?: Promise<void>;

  constructor(private readonly options: HostOptions) {
    this.logger = options.logger ?? createLogger({ level: options.config.logLevel });
  }

  /** The base URL the server listens on (after `start`). */
  get url(): string {
    const addr = this.server?.server.address();
    if (!addr || typeof addr === 'string') return '';
    const host =
      addr.address === '127.0.0.1' || addr.address === '::1' || addr.address === '::' ? 'localhost' : addr.address;
    return `http://${host}:${addr.port}`;
  }

  async start(): Promise<void> {
    const { config } = this.options;
    this.engine = await composeEngine(config, { cwd: this.options.cwd ?? process.cwd(), logger: this.logger });
    await this.engine.start();
    this.server = buildServer(this.engine, this.logger);
    try {
      await this.server.listen({ host: config.http.host, port: config.http.port });
    } catch (err) {
      await this.engine.stop();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new Error(
          `port ${config.http.port} is already in use: start with --port <n> (or PORT=<n>), or stop the other process`,
        );
      }
      throw err;
    }
  }

  /** Graceful stop: stop taking requests, let turns in flight finish, drain, close stores. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.server?.close();
      await this.engine?.stop();
    })();
    return this.stopping;
  }
}

/** Stops the host on SIGINT/SIGTERM, forcing an exit if draining takes longer than the timeout. */
export function stopOnSignals(host: Host, timeoutMs: number): void {
  const onSignal = (signal: NodeJS.Signals) => {
    host.logger.info({ signal }, 'shutting down: finishing messages in flight');
    const force = setTimeout(() => {
      host.logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    host.stop().then(
      () => process.exit(0),
      (err) => {
        host.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
