import { type ChildProcess, fork } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { signCloudPayload, whatsappCloud } from '@smmbot/channel-whatsapp-cloud';
import { basicCommands, createEngine, createLogger, type Engine, type HttpRoute } from '@smmbot/core';
import { FakePanel } from '@smmbot/core/testing';
import { buildServer } from '@smmbot/host';
import { memoryStorage } from '@smmbot/storage-memory';
import { fmt, median, percentile } from '../harness.js';
import type { LoadCommand, LoadResult } from './cloud-webhook-load.js';
import type { Workload } from './workload.js';

export interface CloudWebhookOptions {
  workload: Workload;
  rounds?: number;
  warmup?: number;
  concurrency?: number;
  bad?: number;
  gc?: () => void;
  log?: (line: string) => void;
}

/** One side (engine or bare route) of one round. Wall figures from the load generator, CPU from this process. */
export interface WebhookFigures {
  /** Signed requests answered 200 per second (first POST to last ack). */
  acceptedPerSec: number;
  ackP50Ms: number;
  ackP99Ms: number;
  /** Messages handled per second: first POST to the N-th reply at the fake Graph endpoint (= accepted/s on the bare side). */
  handledPerSec: number;
  e2eWallMs: number;
  /** Server process CPU (user + system) per signed request, everything included (HTTP, engine, Graph sends). */
  cpuUsPerReq: number;
  /** Load generator + fake Graph CPU per request, in the child process: not part of the server's figure. */
  clientCpuUsPerReq: number;
  /** TCP connections opened to the fake Graph endpoint for the replies (0 on the bare side). */
  graphConnections: number;
}

export interface CloudWebhookResult {
  name: string;
  requests: number;
  badSignature: number;
  concurrency: number;
  senders: number;
  rounds: number;
  warmup: number;
  loadGenerator: string;
  ours: { median: WebhookFigures; perRound: WebhookFigures[] };
  anchor: { median: WebhookFigures; perRound: WebhookFigures[] };
  /** Engine ÷ bare route, of the medians. */
  ratios: { cpuUsPerReq: number; acceptedPerSec: number; ackP99Ms: number };
}

const SECRET = 'bench-app-secret';
const PHONE_NUMBER_ID = '106540352242922';
const PATH = '/webhooks/whatsapp-cloud';

interface Side {
  url: string;
  close(): Promise<void>;
}

/** The real thing: memory storage, the Cloud API channel, the `order` command against a fake panel. */
async function engineSide(workload: Workload, graphBaseUrl: string): Promise<Side> {
  const logger = createLogger({ level: 'info', destination: { write() {} } });
  const engine = createEngine({
    logger,
    plugins: [
      memoryStorage(),
      whatsappCloud({
        phoneNumberId: PHONE_NUMBER_ID,
        accessToken: 'bench-token',
        appSecret: SECRET,
        verifyToken: 'bench-verify',
        graphBaseUrl,
        webhookPath: PATH,
      }),
      new FakePanel(workload.orders).plugin(),
      basicCommands(),
    ],
  });
  await engine.start();
  return listen(engine, logger, () => engine.stop());
}

/** The anchor: the same Fastify server and raw-body parser, one route that checks the signature and says 200. */
async function bareSide(): Promise<Side> {
  const logger = createLogger({ level: 'info', destination: { write() {} } });
  const route: HttpRoute = {
    method: 'POST',
    path: PATH,
    plugin: 'bench',
    handler: (req) => {
      const signature = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
      const wanted = Buffer.from(signCloudPayload(req.rawBody ?? '', SECRET));
      const ok = req.rawBody !== undefined && signature.length === wanted.length && timingSafeEqual(signature, wanted);
      return ok ? { status: 200, body: { ok: true } } : { status: 401, body: { error: { code: 'E_UNAUTHORIZED' } } };
    },
  };
  const engine = { http: { all: () => [route] }, running: true } as unknown as Engine;
  return listen(engine, logger, async () => {});
}

async function listen(engine: Engine, logger: ReturnType<typeof createLogger>, stop: () => Promise<void>) {
  const app = buildServer(engine, logger);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    async close() {
      await app.close();
      await stop();
    },
  };
}

/** The load generator child: one message in, one out. */
function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string; message?: string }) => {
      if (m.type === 'error') reject(new Error(`load generator: ${m.message}`));
      else if (m.type === type) resolve(m as T);
      else return;
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`cloud webhook: ${message}`);
}

async function measure(child: ChildProcess, side: Side, cmd: Omit<LoadCommand, 'url'>, label: string) {
  const cpu0 = process.cpuUsage();
  child.send({ ...cmd, url: side.url });
  const r = await nextMessage<LoadResult>(child, 'result');
  const cpu = process.cpuUsage(cpu0);
  const n = cmd.orderIds.length;
  check(r.statuses.other.length === 0, `${label}: ${r.statuses.other.slice(0, 5).join('; ')}`);
  check(r.statuses.ok === n, `${label}: ${r.statuses.ok} of ${n} signed requests got 200`);
  check(
    r.statuses.unauthorized === cmd.bad,
    `${label}: ${r.statuses.unauthorized} of ${cmd.bad} bad signatures got 401`,
  );
  const replies = r.replies;
  const want = cmd.expectReplies ? n : 0;
  check(!r.timedOut, `${label}: timed out with ${replies.distinct} of ${n} messages answered`);
  check(replies.total === want, `${label}: ${replies.total} replies at the Graph endpoint, expected ${want}`);
  check(replies.distinct === want && replies.duplicates === 0, `${label}: ${replies.duplicates} duplicate replies`);
  check(replies.unexpected === 0, `${label}: ${replies.unexpected} replies to unknown or rejected messages`);
  check(replies.wrongText === 0, `${label}: ${replies.wrongText} replies do not mention their order`);
  const latencies = Float64Array.from(r.latencies).sort();
  return {
    acceptedPerSec: n / (r.ackWallMs / 1e3),
    ackP50Ms: percentile(latencies, 50),
    ackP99Ms: percentile(latencies, 99),
    handledPerSec: n / (r.e2eWallMs / 1e3),
    e2eWallMs: r.e2eWallMs,
    cpuUsPerReq: (cpu.user + cpu.system) / n,
    clientCpuUsPerReq: (r.clientCpuMs * 1e3) / n,
    graphConnections: r.graphConnections,
  };
}

const medianOf = (rounds: WebhookFigures[]): WebhookFigures => {
  const keys = Object.keys(rounds[0]!) as (keyof WebhookFigures)[];
  return Object.fromEntries(keys.map((k) => [k, median(rounds.map((r) => r[k]))])) as unknown as WebhookFigures;
};

/**
 * Signed WhatsApp Cloud API webhooks over loopback HTTP into the host's Fastify server and the engine,
 * replies out to a fake Graph endpoint; anchor: the same requests to a bare signature-checking route.
 */
export async function runCloudWebhook(options: CloudWebhookOptions): Promise<CloudWebhookResult> {
  const { workload } = options;
  const rounds = options.rounds ?? 5;
  const warmup = options.warmup ?? 1;
  const concurrency = options.concurrency ?? 64;
  const bad = options.bad ?? 20;
  const log = options.log ?? (() => {});
  const child = fork(fileURLToPath(new URL('./cloud-webhook-load.js', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { graphBaseUrl } = await nextMessage<{ graphBaseUrl: string }>(child, 'ready');
    const orderIds = workload.orders.map((o) => o.id);
    const ours: WebhookFigures[] = [];
    const anchor: WebhookFigures[] = [];
    for (let i = 0; i < warmup + rounds; i++) {
      const base = { type: 'run' as const, phoneNumberId: PHONE_NUMBER_ID, concurrency, orderIds, bad };
      const cmd = { ...base, senders: workload.senders, secret: SECRET, timeoutMs: 120_000 };
      const runOurs = async () => {
        const side = await engineSide(workload, graphBaseUrl);
        options.gc?.();
        try {
          return await measure(child, side, { ...cmd, round: 2 * i, expectReplies: true }, 'engine');
        } finally {
          await side.close();
        }
      };
      const runBare = async () => {
        const side = await bareSide();
        options.gc?.();
        try {
          return await measure(child, side, { ...cmd, round: 2 * i + 1, expectReplies: false }, 'bare route');
        } finally {
          await side.close();
        }
      };
      // Alternate which side goes first, so neither always runs on a warmer process.
      let a: WebhookFigures;
      let b: WebhookFigures;
      if (i % 2 === 0) {
        a = await runOurs();
        b = await runBare();
      } else {
        b = await runBare();
        a = await runOurs();
      }
      const label = i < warmup ? 'warm-up' : `round ${i - warmup + 1}/${rounds}`;
      log(
        `  cloud webhook ${label}: ${fmt(a.acceptedPerSec)} req/s accepted, ${fmt(a.handledPerSec)} msg/s handled, ` +
          `${fmt(a.cpuUsPerReq, 1)} µs CPU/req (bare route: ${fmt(b.acceptedPerSec)} req/s, ${fmt(b.cpuUsPerReq, 1)} µs)`,
      );
      if (i >= warmup) {
        ours.push(a);
        anchor.push(b);
      }
    }
    const om = medianOf(ours);
    const am = medianOf(anchor);
    return {
      name: 'cloud webhook',
      requests: workload.messages,
      badSignature: bad,
      concurrency,
      senders: workload.senders,
      rounds,
      warmup,
      loadGenerator: 'child process (node:http keep-alive agent) with the fake Graph endpoint',
      ours: { median: om, perRound: ours },
      anchor: { median: am, perRound: anchor },
      ratios: {
        cpuUsPerReq: om.cpuUsPerReq / am.cpuUsPerReq,
        acceptedPerSec: om.acceptedPerSec / am.acceptedPerSec,
        ackP99Ms: om.ackP99Ms / am.ackP99Ms,
      },
    };
  } finally {
    child.send({ type: 'exit' });
  }
}
