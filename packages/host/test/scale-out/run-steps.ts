import { silentLogger } from '@smmbot/core';
import { BullInboundQueue, RedisConnectionFactory } from '@smmbot/queue-bullmq';
import { HOST_READY, type Deployment, type RunningProcess } from './child-processes.js';
import type { SimTickets } from './sim-tickets.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The deployment's Redis as the test sees it: the inbound backlog, and the clean-up of its keys. */
export function inspectQueues(redisUrl: string, prefix: string) {
  const connection = new RedisConnectionFactory(redisUrl);
  const client = connection.acquire();
  // The host gives BullMQ `<redis.prefix>-bull` (packages/host/src/scale-out.ts).
  const inbound = new BullInboundQueue({ connection: client, prefix: `${prefix}-bull`, logger: silentLogger() });
  return {
    /** Inbound jobs not finished: waiting, running, or delayed for a retry. */
    async inboundBacklog(): Promise<number> {
      const counts = await inbound.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    /** Every key of this run (`<prefix>:` kv keys and `<prefix>-bull:` queues), SCAN + UNLINK. */
    async deleteAll(): Promise<void> {
      // The queue writes its `meta` key when it opens: let it, and close it, before deleting.
      await inbound.queue.waitUntilReady();
      await inbound.queue.close();
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await client.unlink(...keys);
      } while (cursor !== '0');
      await connection.release();
    },
    async close(): Promise<void> {
      await inbound.queue.close().catch(() => undefined);
      await connection.release();
    },
  };
}

export type QueueInspector = ReturnType<typeof inspectQueues>;

async function until(condition: () => boolean, deployment: Deployment, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    deployment.assertAlive();
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export interface Kill {
  worker: string;
  wasLeader: boolean;
  /** The victim was answering tickets when killed (its ticket poll's locks died with it). */
  duringTicketPoll: boolean;
  at: number;
  answeredBefore: number;
  /** From the kill to a worker logging that it leads the outbox. */
  takeoverMs: number;
  /** From the kill to the restarted process being ready. */
  restartMs: number;
}

/**
 * Once `when` holds, SIGKILLs the worker that leads the outbox (the one whose last lease line says
 * so; a random worker if none does) and starts it again with the same command and environment.
 * The worst moment is preferred: up to `pollWaitMs`, it waits for the leader to be running the
 * Ticket AI's poll too (its ticket locks and the job's lock then die with it).
 */
export async function killLeaderAndRestart(o: {
  deployment: Deployment;
  workers: RunningProcess[];
  env: Record<string, string>;
  when: () => boolean;
  answered?: () => number;
  pollWaitMs?: number;
}): Promise<Kill> {
  await until(o.when, o.deployment, 'the midway point', 150_000);
  const leader = () => {
    const leaders = o.workers.filter((w) => w.running && w.leading);
    return leaders.length === 1 ? leaders[0] : undefined;
  };
  const polling = () => {
    const l = leader();
    return l !== undefined && Date.now() - l.lastTicketTurnAt < 200;
  };
  await until(polling, o.deployment, 'the leader polling tickets', o.pollWaitMs ?? 10_000).catch(() => undefined);
  const duringTicketPoll = polling();
  const victim = leader() ?? o.workers[Math.floor(Math.random() * o.workers.length)]!;
  const wasLeader = victim.leading;
  const answeredBefore = o.answered?.() ?? 0;
  const at = Date.now();
  await victim.kill();
  const restarted = o.deployment.start(victim.spec, o.env);
  o.workers[o.workers.indexOf(victim)] = restarted;
  const ready = restarted
    .waitForLine(HOST_READY, `${restarted.name} ready after the restart`, 90_000)
    .then(() => Date.now() - at);
  await until(() => o.workers.some((w) => w.running && w.leading), o.deployment, 'the next outbox leader', 60_000);
  const takeoverMs = Date.now() - at;
  return { worker: victim.name, wasLeader, duringTicketPoll, at, answeredBefore, takeoverMs, restartMs: await ready };
}

/**
 * Waits until nothing is left: every message and ticket answered, no inbound job waiting or
 * running, and no send for `quietMs` (a late duplicate would land in that window). Fails at the
 * deadline with what is missing and every process's last output.
 */
export async function waitUntilQuiet(o: {
  deployment: Deployment;
  queues: QueueInspector;
  deadline: number;
  pending: () => Promise<{ messages: number; tickets: number }>;
  lastActivityAt: () => number;
  quietMs?: number;
}): Promise<{ quietAfterMs: number }> {
  const start = Date.now();
  const quietMs = o.quietMs ?? 3_000;
  for (;;) {
    o.deployment.assertAlive();
    const left = await o.pending();
    const backlog = await o.queues.inboundBacklog();
    if (left.messages === 0 && left.tickets === 0 && backlog === 0 && Date.now() - o.lastActivityAt() >= quietMs) {
      return { quietAfterMs: Date.now() - start };
    }
    if (Date.now() > o.deadline) {
      const outputs = o.deployment.processes.filter((p) => p.running).map((p) => p.output(3_000));
      throw new Error(
        `not done by the deadline: ${left.messages} messages and ${left.tickets} tickets unanswered, ` +
          `${backlog} inbound jobs queued\n${outputs.join('\n')}`,
      );
    }
    await sleep(500);
  }
}

/** Staff replies on each ticket, read from the simulator (16 requests at a time). */
export async function answersPerTicket(tickets: SimTickets, ids: string[]): Promise<number[]> {
  const replies: number[] = new Array(ids.length).fill(0);
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const i = next++;
      replies[i] = (await tickets.staffReplies(ids[i]!)).length;
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return replies;
}
