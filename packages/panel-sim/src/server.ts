import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '@smmbot/core';
import { routeAdmin } from './admin-api.js';
import { routeClassic } from './classic-api.js';
import { resolveConfig, type SimConfig } from './config.js';
import { seedData } from './data/seed.js';
import { SimState } from './data/state.js';
import {
  cloudflareResponse,
  FaultRegistry,
  malformed,
  serverErrorResponse,
  tooManyRequestsResponse,
} from './faults.js';
import { json, type Routed, readBody, type SimRequest, send, text } from './http.js';
import { RequestLog } from './requests.js';
import { handleSimRoute } from './sim-routes.js';
import type { PanelSimOptions } from './types.js';

export interface PanelSim {
  /** Listens on `host:port` (default 127.0.0.1, a random port). */
  start(): Promise<void>;
  /** Closes the server and destroys every open socket, hung requests included. */
  stop(): Promise<void>;
  /** Base URL, e.g. `http://127.0.0.1:41234` (throws before `start`). */
  readonly url: string;
  readonly adminKey: string;
  /** Classic API key of the seeded `demo` user. */
  readonly apiKey: string;
  readonly clock: Clock;
  readonly faults: FaultRegistry;
  readonly requests: RequestLog;
  readonly state: SimState;
  /** Requests currently held open by a `hang` fault. */
  readonly hanging: number;
}

export function createPanelSim(options: PanelSimOptions = {}): PanelSim {
  return new PanelSimServer(resolveConfig(options));
}

class PanelSimServer implements PanelSim {
  readonly faults = new FaultRegistry();
  readonly requests = new RequestLog();
  readonly state: SimState;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly hung = new Set<ServerResponse>();
  private baseUrl: string | undefined;

  constructor(private readonly config: SimConfig) {
    const { clock, seed, serviceCount, userCount, orderCount, apiKey } = config;
    this.state = new SimState(clock, seedData({ seed, now: clock.now(), serviceCount, userCount, orderCount, apiKey }));
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('panel-sim: not started');
    return this.baseUrl;
  }

  get adminKey(): string {
    return this.config.adminKey;
  }

  get apiKey(): string {
    return this.config.apiKey;
  }

  get clock(): Clock {
    return this.config.clock;
  }

  get hanging(): number {
    return this.hung.size;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        send(res, text(`panel-sim internal error: ${(e as Error).message}\n`, 500));
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    this.baseUrl = `http://${host}:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.hung.clear();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://panel-sim');
    const request: SimRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
    };
    if (request.path === '/__sim' || request.path.startsWith('/__sim/')) {
      send(res, handleSimRoute(request, this.control()));
      return;
    }
    const routed =
      routeAdmin(request, this.state, this.config) ??
      routeClassic(request, this.state, this.config) ??
      notFound(request);
    const faults = this.faults.take(routed.keys);
    this.requests.record(
      {
        at: this.clock.now(),
        method: request.method,
        path: request.path,
        route: routed.route,
        ...(routed.action ? { action: routed.action } : {}),
        faults: faults.map((f) => f.kind),
      },
      routed.keys,
    );
    for (const f of faults) if (f.kind === 'latency') await this.clock.sleep(f.ms ?? 1000);
    if (res.destroyed) return;
    const fault = faults.find((f) => f.kind !== 'latency');
    switch (fault?.kind) {
      case 'hang':
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        return;
      case '5xx':
        return send(res, serverErrorResponse(fault.status));
      case '429':
        return send(res, tooManyRequestsResponse(fault.retryAfter));
      case 'html':
        return send(res, cloudflareResponse(fault.status));
      case 'malformed':
        return send(res, malformed(routed.run(false)));
      default:
        send(res, routed.run(fault?.kind === 'wrong-key'));
    }
  }

  private control() {
    return {
      url: this.baseUrl ?? '',
      adminKey: this.adminKey,
      apiKey: this.apiKey,
      state: this.state,
      faults: this.faults,
      requests: this.requests,
      hanging: () => this.hanging,
    };
  }
}

function notFound(req: SimRequest): Routed {
  const route = `${req.method} ${req.path}`;
  return {
    route,
    keys: [route, req.path],
    run: () => (req.path.startsWith('/adminapi/') ? json({ error: 'Not Found' }, 404) : text('Not Found\n', 404)),
  };
}
