import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SendJob } from '@smmbot/balancer';
import { SystemClock } from '@smmbot/core';
import { realServerUrl } from '@smmbot/core/testing';
import { createPostgresStorage } from '@smmbot/storage-postgres';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
// The worker is the balancer's test code (this package depends on the balancer, not the reverse).
import type { DistributedWorkerArgs } from '../../balancer/test/distributed-worker.js';
import { seeded } from '../../balancer/src/sim/random.js';

const redisUrl = realServerUrl('redis');
const pgUrl = realServerUrl('postgres');
const WORKER = fileURLToPath(new URL('../../balancer/test/distributed-worker.ts', import.meta.url));
const HOOKS = fileURLToPath(new URL('../../balancer/test/ts-hooks.mjs', import.meta.url));
const TOTAL = 2_000;
const WORKERS = 3;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);

interface Worker {
  name: string;
  child: ChildProcess;
  out(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

function start(args: DistributedWorkerArgs): Worker {
  const child = spawn(process.execPath, ['--import', HOOKS, WORKER, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { name: args.name, child, out: () => out, exit };
}

const lines = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(0, -1);
  } catch {
    return [];
  }
};

/** The worker whose last lease line says `lead`. */
const leaderOf = (workers: Worker[]) =>
  workers.find((w) => [...w.out().matchAll(/^(lead|follow)$/gm)].at(-1)?.[1] === 'lead');

async function until<T>(probe: () => T | undefined | false, what: string, workers: Worker[], ms = 40_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}:\n${workers.map((w) => `--- ${w.name}\n${w.out()}`).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!redisUrl || !pgUrl)(
  'scale-out: 3 worker processes on PostgreSQL + Redis with the BullMQ transport',
  () => {
    it(`${TOTAL} messages from 3 processes, the leader SIGKILLed twice and restarted: every one sent with its id, ≤ 1 duplicate per kill`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'smmbot-outbound-crash-'));
      const tag = randomUUID().slice(0, 8);
      const base = {
        dir,
        workers: WORKERS,
        total: TOTAL,
        phones: 4,
        pgUrl: pgUrl!,
        pgSchema: `outbound_crash_${tag}`,
        redisUrl: redisUrl!,
        kvPrefix: `smmbot-oc-${tag}-kv`,
        bullPrefix: `smmbot-oc-${tag}-bull`,
        leaseMs: 2_000,
        pollMs: 500,
        enqueueGapMs: 3,
      };
      const sendsLog = path.join(dir, 'sends.log');
      const random = seeded(SEED);
      // The schema is made once here, so three workers do not race to migrate it.
      const setup = createPostgresStorage({ url: pgUrl!, schema: base.pgSchema, clock: new SystemClock(), poolMax: 2 });
      await setup.ready;
      const t0 = Date.now();
      const workers: Worker[] = [];
      const kills: { worker: string; kind: string; sends: number; takeoverMs: number }[] = [];
      try {
        const stallAt = 300 + Math.floor(random() * 400);
        for (let i = 0; i < WORKERS; i++)
          workers[i] = start({ ...base, name: `w${i}`, index: i, stallAtSend: stallAt });

        // Kill 1, the worst moment: the platform accepted a message and the leader has not recorded it.
        const first = await until(() => leaderOf(workers), 'a leader', workers);
        const stalledId = await until(() => /stalled (\S+)/.exec(first.out())?.[1], 'the stalled send', workers);
        const killAndRestart = async (w: Worker, kind: string) => {
          const sends = lines(sendsLog).length;
          const killedAt = Date.now();
          w.child.kill('SIGKILL');
          expect((await w.exit).signal).toBe('SIGKILL');
          const i = workers.indexOf(w);
          workers[i] = start({ ...base, name: w.name, index: i });
          const next = await until(() => leaderOf(workers), 'the next leader', workers);
          kills.push({ worker: w.name, kind, sends, takeoverMs: Date.now() - killedAt });
          return next;
        };
        const second = await killAndRestart(first, 'accepted, not recorded');

        // Kill 2, at a random point of the next leader's sending.
        const target = lines(sendsLog).length + 100 + Math.floor(random() * 300);
        await until(() => lines(sendsLog).length >= Math.min(target, TOTAL - 50), `${target} sends`, workers);
        await killAndRestart(second, 'while sending');

        await until(
          () => new Set(lines(sendsLog).map((l) => l.split(' ')[0])).size === TOTAL,
          'every message sent',
          workers,
        );
        const ms = Date.now() - t0;
        // Graceful stop: the leader records its last sends and releases the lease.
        for (const w of workers) w.child.kill('SIGTERM');
        for (const w of workers) expect((await w.exit).code, w.out()).toBe(0);

        const sends = lines(sendsLog).map((l) => l.split(' ') as [string, string]);
        const times = new Map<string, number>();
        for (const [id] of sends) times.set(id, (times.get(id) ?? 0) + 1);
        const duplicated = [...times].filter(([, n]) => n > 1).map(([id]) => id);
        const byWorker = new Map<string, number>();
        for (const [, w] of sends) byWorker.set(w, (byWorker.get(w) ?? 0) + 1);
        console.log(
          [
            `scale-out crash test, seed ${SEED}, ${WORKERS} workers, ${kills.length} leader kills:`,
            ...kills.map(
              (k) => `  killed ${k.worker} (${k.kind}) after ${k.sends} sends; next leader in ${k.takeoverMs} ms`,
            ),
            `  sends by process: ${[...byWorker].map(([w, n]) => `${w} ${n}`).join(', ')}`,
            `  ${sends.length} sends of ${TOTAL} messages in ${ms} ms, ${sends.length - times.size} duplicate(s): ${duplicated.join(', ') || '-'} (stalled: ${stalledId})`,
          ].join('\n'),
        );

        const ids = Array.from({ length: TOTAL }, (_, i) => `m-${i}`);
        expect([...times.keys()].sort()).toEqual(ids.sort());
        expect(sends.length - times.size).toBeLessThanOrEqual(kills.length);
        expect(times.get(stalledId)).toBe(2);

        const { items } = await setup.records
          .collection<SendJob>({ name: 'outbound_jobs' })
          .find('t1', { limit: TOTAL + 1 });
        expect(items).toHaveLength(TOTAL);
        for (const job of items) {
          expect(job.state).toBe('sent');
          expect(times.get(job.id)!).toBeLessThanOrEqual(job.attempts);
        }
        expect(new Set(items.map((j) => j.seq)).size).toBe(TOTAL);
      } finally {
        await setup.pool.query(`DROP SCHEMA IF EXISTS "${base.pgSchema}" CASCADE`).catch(() => undefined);
        await setup.close();
        const admin = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
        const keys = await admin.keys(`smmbot-oc-${tag}-*`);
        if (keys.length) await admin.unlink(...keys);
        await admin.quit();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 90_000);
  },
);
