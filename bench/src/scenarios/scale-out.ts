import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SystemClock } from '@smmbot/core';
import { RedisConnectionFactory } from '@smmbot/queue-bullmq';
import { createPostgresStorage } from '@smmbot/storage-postgres';
import {
  type DeploymentSettings,
  deploymentEnv,
  oneProcess,
  simulatorProcess,
  webProcess,
  workerProcess,
} from '../../../examples/scale-out/processes.mjs';
import { fmt, median } from '../harness.js';
import { BenchProcess, benchMessages, postWebhooks, startCountingGraph } from './scale-out-deployment.js';

export interface ScaleOutOptions {
  /** Measured messages per round (each from its own customer). */
  messages?: number;
  rounds?: number;
  /** Worker counts of the scaled-out setups (one web process each). */
  workers?: number[];
  /** Webhook POSTs in flight. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface ScaleOutRound {
  /** Messages from the first POST to the last one answered at the fake Graph API, per second. */
  msgPerSec: number;
  /** Webhooks accepted (200) per second, first to last POST. */
  acceptedPerSec: number;
  /** CPU of every smmbot process of the setup (web, workers; not the simulator) per message, µs. */
  cpuUsPerMsg?: number;
  /** Share of the messages already answered when the last webhook was accepted (answers trail a burst). */
  answeredAtLastPost: number;
}

export interface ScaleOutSetup {
  name: string;
  storage: 'sqlite' | 'postgres+redis';
  workers: number;
  processes: number;
  rounds: ScaleOutRound[];
  median: ScaleOutRound;
}

export interface ScaleOutResult {
  name: string;
  messages: number;
  warmup: number;
  concurrency: number;
  setups: ScaleOutSetup[];
  /** Median msg/s of N workers ÷ that of 1 worker. */
  scaling: Record<string, number>;
}

const APP_SECRET = 'bench-scale-out-app-secret';
const PHONE_NUMBER_ID = '106540352242922';
/** Messages answered before each round's clock starts: JIT and connection pools warm in every process. */
const WARMUP = 300;

export function scaleOutServers(): { redisUrl: string; pgUrl: string } | undefined {
  const redisUrl = process.env.SMMBOT_TEST_REDIS_URL?.trim();
  const pgUrl = process.env.SMMBOT_TEST_POSTGRES_URL?.trim();
  return redisUrl && pgUrl ? { redisUrl, pgUrl } : undefined;
}

/**
 * End-to-end throughput of the scaled-out host: signed WhatsApp Cloud API webhooks into one `web`
 * process, turns in 1, 2 and 4 `worker` processes on one PostgreSQL and one Redis, answers at a fake
 * Graph API; beside it, the same config in one process on SQLite (the anchor). Every round starts
 * fresh processes on a fresh schema, prefix or data directory.
 */
export async function runScaleOut(options: ScaleOutOptions = {}): Promise<ScaleOutResult | undefined> {
  const log = options.log ?? (() => {});
  const servers = scaleOutServers();
  if (!servers) {
    log(
      'scale-out: SKIPPED — needs PostgreSQL and Redis: set SMMBOT_TEST_POSTGRES_URL and SMMBOT_TEST_REDIS_URL ' +
        '(bash scripts/servers.sh start; export $(bash scripts/servers.sh env))',
    );
    return undefined;
  }
  const messages = options.messages ?? 3_000;
  const rounds = options.rounds ?? 3;
  const concurrency = options.concurrency ?? 64;
  const workerCounts = options.workers ?? [1, 2, 4];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smmbot-bench-scale-out-'));
  const graph = await startCountingGraph();
  const sim = new BenchProcess(simulatorProcess({ port: 0 }), { PATH: process.env.PATH ?? '' }, dir);
  try {
    const simUrl = (await sim.waitFor(/listening on (http:\/\/\S+)/, 'simulator URL'))[1]!;
    const adminKey = (await sim.waitFor(/X-Api-Key: (\S+)/, 'simulator key'))[1]!;
    const settings: DeploymentSettings = {
      secretKey: 'bench-scale-out-secret-key-0123456789abcdef',
      panel: { url: simUrl, adminKey },
      whatsapp: {
        phoneNumberId: PHONE_NUMBER_ID,
        accessToken: 'bench-token',
        appSecret: APP_SECRET,
        verifyToken: 'bench-verify',
        graphBaseUrl: graph.baseUrl,
      },
    };
    const plans = [
      { name: 'SQLite, 1 process (role all)', storage: 'sqlite' as const, workers: 0 },
      ...workerCounts.map((n) => ({
        name: `PostgreSQL + Redis, 1 web + ${n} worker${n > 1 ? 's' : ''}`,
        storage: 'postgres+redis' as const,
        workers: n,
      })),
    ];
    const setups: ScaleOutSetup[] = plans.map((p) => ({ ...p, processes: p.workers + 1, rounds: [], median: zero() }));
    let sender = 8_802_000_000_000;
    // Setups alternate within a round, so drifting load on the machine spreads over all of them.
    for (let r = 0; r < rounds; r++) {
      for (const setup of setups) {
        const round = await runRound(setup, { ...servers, settings, dir, graph, concurrency, messages, sender });
        sender += WARMUP + messages;
        setup.rounds.push(round);
        log(
          `  scale-out round ${r + 1}/${rounds}, ${setup.name}: ${fmt(round.msgPerSec)} msg/s end to end, ` +
            `${fmt(round.acceptedPerSec)} webhooks/s accepted (${fmt(round.answeredAtLastPost * 100)} % answered by then)` +
            (round.cpuUsPerMsg === undefined ? '' : `, ${fmt(round.cpuUsPerMsg)} µs CPU/msg`),
        );
      }
    }
    for (const s of setups) s.median = medianRound(s.rounds);
    const one = setups.find((s) => s.workers === 1);
    const scaling: Record<string, number> = {};
    if (one) {
      for (const s of setups) {
        if (s.workers > 1) scaling[`${s.workers}w/1w`] = s.median.msgPerSec / one.median.msgPerSec;
      }
      scaling['1w/sqlite'] = one.median.msgPerSec / setups[0]!.median.msgPerSec;
    }
    return { name: 'scale-out', messages, warmup: WARMUP, concurrency, setups, scaling };
  } finally {
    await sim.stop();
    await graph.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RoundContext {
  redisUrl: string;
  pgUrl: string;
  settings: DeploymentSettings;
  dir: string;
  graph: Awaited<ReturnType<typeof startCountingGraph>>;
  concurrency: number;
  messages: number;
  sender: number;
}

async function runRound(setup: ScaleOutSetup, c: RoundContext): Promise<ScaleOutRound> {
  const tag = randomUUID().slice(0, 8);
  const prefix = `smmbot-bench-${tag}`;
  const schema = `bench_scale_out_${tag}`;
  const cwd = mkdtempSync(path.join(c.dir, `${setup.storage}-`));
  const scaled = setup.storage !== 'sqlite';
  // The schema is migrated here, once, rather than raced by the processes.
  const store = scaled
    ? createPostgresStorage({ url: c.pgUrl, schema, clock: new SystemClock(), poolMax: 1 })
    : undefined;
  await store?.ready;
  // Exactly the guide's variables; the schema override keeps each round on its own tables.
  const env = {
    PATH: process.env.PATH ?? '',
    ...(scaled
      ? {
          ...deploymentEnv({ ...c.settings, databaseUrl: c.pgUrl, redisUrl: c.redisUrl, prefix }),
          SMMBOT__storage__schema: schema,
        }
      : deploymentEnv(c.settings)),
  };
  const processes: BenchProcess[] = [];
  try {
    const front = new BenchProcess(scaled ? webProcess({ port: 0 }) : oneProcess({ port: 0 }), env, cwd);
    processes.push(front);
    const url = `http://127.0.0.1:${await front.ready()}/webhooks/whatsapp-cloud`;
    for (let i = 1; i <= setup.workers; i++)
      processes.push(new BenchProcess(workerProcess({ index: i, port: 0 }), env, cwd));
    await Promise.all(processes.map((p) => p.ready()));
    const post = { appSecret: APP_SECRET, phoneNumberId: PHONE_NUMBER_ID, concurrency: c.concurrency };
    const warm = benchMessages(`${tag}-warm`, WARMUP, c.sender);
    await postWebhooks(url, post, warm);
    await c.graph.allAnswered(
      warm.map((m) => m.from),
      120_000,
    );
    const measured = benchMessages(tag, c.messages, c.sender + WARMUP);
    const cpu0 = processes.map((p) => p.cpuMs());
    const t0 = performance.now();
    await postWebhooks(url, post, measured);
    const acceptedMs = performance.now() - t0;
    const answeredAtLastPost = c.graph.answeredOf(measured.map((m) => m.from)) / c.messages;
    await c.graph.allAnswered(
      measured.map((m) => m.from),
      300_000,
    );
    const ms = performance.now() - t0;
    const cpu1 = processes.map((p) => p.cpuMs());
    const cpuMs = cpu0.every((v) => v !== undefined)
      ? cpu1.reduce((sum: number, v, i) => sum + (v ?? 0) - cpu0[i]!, 0)
      : undefined;
    return {
      msgPerSec: c.messages / (ms / 1000),
      acceptedPerSec: c.messages / (acceptedMs / 1000),
      cpuUsPerMsg: cpuMs === undefined ? undefined : (cpuMs * 1000) / c.messages,
      answeredAtLastPost,
    };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    if (store) {
      await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await store.close();
      await deleteRedisPrefix(c.redisUrl, prefix);
    }
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const connection = new RedisConnectionFactory(url);
  const client = connection.acquire();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await connection.release();
  }
}

const zero = (): ScaleOutRound => ({ msgPerSec: 0, acceptedPerSec: 0, answeredAtLastPost: 0 });

function medianRound(rounds: ScaleOutRound[]): ScaleOutRound {
  const cpu = rounds.map((r) => r.cpuUsPerMsg).filter((v): v is number => v !== undefined);
  return {
    msgPerSec: median(rounds.map((r) => r.msgPerSec)),
    acceptedPerSec: median(rounds.map((r) => r.acceptedPerSec)),
    cpuUsPerMsg: cpu.length === rounds.length ? median(cpu) : undefined,
    answeredAtLastPost: median(rounds.map((r) => r.answeredAtLastPost)),
  };
}
