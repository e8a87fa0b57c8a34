import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '@smmbot/core';
import { createSqliteStorage } from '@smmbot/storage-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendJob } from '../src/types.js';
import type { CrashWorkerArgs } from './crash-worker.js';
import { msg, rig, seeded } from './harness.js';

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const HOOKS = fileURLToPath(new URL('./ts-hooks.mjs', import.meta.url));
const TOTAL = 10_000;
const PHONES = 8;
const SEED = Number(process.env.CRASH_SEED ?? 20260105);

interface Run {
  child: ChildProcess;
  startedAt: number;
  out(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

function startWorker(args: CrashWorkerArgs): Run {
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
  return { child, startedAt: Date.now(), out: () => out, exit };
}

/** Polls until `ready` holds; fails with the worker's output if it exits first or takes too long. */
async function waitUntil(run: Run, ready: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) {
      throw new Error(`worker exited (${run.child.exitCode ?? run.child.signalCode}) before ${what}:\n${run.out()}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${run.out()}`);
    await new Promise((r) => setTimeout(r, 3));
  }
}

async function sigkill(run: Run): Promise<void> {
  run.child.kill('SIGKILL');
  const { signal } = await run.exit;
  expect(signal).toBe('SIGKILL');
}

/** Newlines in a file, without splitting it (polled every few ms while the worker runs). */
function count(file: string): number {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return 0;
  }
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

const lines = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(0, -1);
  } catch {
    return [];
  }
};

describe('crash safety: SIGKILL at random points', () => {
  it(`${TOTAL} messages, the worker killed three times: every one sent, at most one duplicate per kill, with its id`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smmbot-crash-'));
    const sendsLog = path.join(dir, 'sends.log');
    const acksLog = path.join(dir, 'acks.log');
    const random = seeded(SEED);
    const pick = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    const base = { dir, total: TOTAL, phones: PHONES };
    // The producer re-enqueues whatever it has no acknowledgement for after each restart (same ids).
    const restart = (extra: Partial<CrashWorkerArgs> = {}) => {
      const acked = lines(acksLog).length;
      return startWorker({ ...base, ...(acked < TOTAL ? { enqueueFrom: acked } : {}), ...extra });
    };
    const kills: { phase: string; ms: number; acked: number; sends: number }[] = [];
    const killed = async (run: Run, phase: string) => {
      await sigkill(run);
      kills.push({
        phase,
        ms: Date.now() - run.startedAt,
        acked: lines(acksLog).length,
        sends: lines(sendsLog).length,
      });
    };
    const t0 = Date.now();
    try {
      // 1. Killed while enqueueing (sends already going alongside).
      let run = startWorker({ ...base, enqueueFrom: 0 });
      const ackTarget = pick(1_000, 9_000);
      await waitUntil(run, () => count(acksLog) >= ackTarget, `${ackTarget} acknowledged enqueues`);
      await killed(run, 'enqueueing');
      // Acknowledgements are in order: a prefix of m-0, m-1, ...
      expect(lines(acksLog)).toEqual(Array.from({ length: lines(acksLog).length }, (_, i) => `m-${i}`));

      // 2. Killed while sending, at a random count.
      run = restart();
      const sendTarget = lines(sendsLog).length + pick(1_000, 3_000);
      await waitUntil(run, () => count(sendsLog) >= sendTarget, `${sendTarget} sends`);
      await killed(run, 'sending');

      // 3. Killed in the worst place: the platform has accepted a message, the store does not know yet.
      const left = TOTAL - new Set(lines(sendsLog)).size;
      run = restart({ stallAtSend: pick(1, Math.max(1, Math.min(2_000, left - 1))) });
      await waitUntil(run, () => run.out().includes('stalled '), 'the stalled send');
      const stalledId = /stalled (\S+)/.exec(run.out())![1]!;
      await killed(run, 'accepted, not recorded');

      // 4. Restarted to completion.
      run = restart();
      const { code } = await run.exit;
      expect(code, run.out()).toBe(0);
      const done = JSON.parse(/done (.*)/.exec(run.out())![1]!) as { states: Record<string, number> };
      const finalMs = Date.now() - run.startedAt;
      const ms = Date.now() - t0;

      const sends = lines(sendsLog);
      const times = new Map<string, number>();
      for (const id of sends) times.set(id, (times.get(id) ?? 0) + 1);
      const duplicated = [...times].filter(([, n]) => n > 1).map(([id]) => id);
      const duplicates = sends.length - times.size;
      console.log(
        [
          `crash test, seed ${SEED}, ${PHONES} phones, ${kills.length} kills:`,
          ...kills.map(
            (k) => `  killed ${k.phase} after ${k.ms} ms: ${k.acked} enqueues acknowledged, ${k.sends} sends so far`,
          ),
          `  restarted to the end in ${finalMs} ms; ${ms} ms in all`,
          `  ${sends.length} sends of ${TOTAL} messages, ${duplicates} duplicate(s): ${duplicated.join(', ') || '-'} (stalled: ${stalledId})`,
        ].join('\n'),
      );

      // No invented ids, every message at least once, at most one duplicate per kill.
      const ids = Array.from({ length: TOTAL }, (_, i) => `m-${i}`);
      expect([...times.keys()].sort()).toEqual([...ids].sort());
      expect(duplicates).toBeLessThanOrEqual(kills.length);
      // The message caught between "accepted" and "recorded" went again, with its own id.
      expect(times.get(stalledId)).toBe(2);
      expect(done.states).toEqual({ queued: 0, pending: 0, sending: 0, sent: TOTAL, failed: 0 });

      // The store agrees: every job sent, and no message reached the platform more often than it was attempted.
      const storage = createSqliteStorage({ path: path.join(dir, 'jobs.db'), clock: new SystemClock() });
      try {
        const { items } = await storage.records.collection<SendJob>({ name: 'outbound_jobs' }).find('t1');
        expect(items).toHaveLength(TOTAL);
        for (const job of items) {
          expect(job.state).toBe('sent');
          expect(times.get(job.id)!).toBeLessThanOrEqual(job.attempts);
        }
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('crash safety: the window between "accepted" and "recorded"', () => {
  it('a job left `sending` is sent again after a restart with the same id; a `sent` one is not; only one can be left `sending`', async () => {
    const options = { rules: { recipientCooldownMs: 0 } };
    const before = await rig({ phones: ['p1', 'p2', 'p3'], options });
    await before.balancer.enqueue(msg({ id: 'done', channel: '*', route: 'pool' }));
    await before.clock.advance(60_000);
    expect((await before.queue.get('t1', 'done'))?.state).toBe('sent');

    // Every phone's platform now accepts a message and never answers: the process "dies" there.
    const accepted: string[] = [];
    for (const phone of before.phones) {
      phone.send = async (m) => {
        accepted.push(m.id!);
        return new Promise<never>(() => undefined);
      };
    }
    const ids = ['a', 'b', 'c', 'd', 'e'];
    for (const id of ids)
      await before.balancer.enqueue(msg({ id, channel: '*', route: 'pool', chatId: `${id}@s.whatsapp.net` }));
    await before.clock.advance(60_000);
    // maxInFlightSends 1: one platform call at a time, so one message at most is in doubt.
    expect(accepted).toHaveLength(1);
    const inDoubt = accepted[0]!;
    const states = await Promise.all(ids.map(async (id) => [id, (await before.queue.get('t1', id))?.state]));
    expect(states.filter(([, s]) => s === 'sending')).toEqual([[inDoubt, 'sending']]);
    expect(states.filter(([, s]) => s === 'queued')).toHaveLength(4);

    // Restart on the same store, new phones.
    const after = await rig({ phones: ['p1', 'p2', 'p3'], options, store: before.store, kv: before.kv });
    await after.balancer.start(['t1']);
    await after.clock.advance(120_000);
    const resent = after.phones.flatMap((p) => p.sends.map((s) => s.message.id));
    expect([...resent].sort()).toEqual(ids);
    expect(resent).not.toContain('done');
    for (const id of ids) {
      expect(await after.queue.get('t1', id)).toMatchObject({ state: 'sent', attempts: id === inDoubt ? 2 : 1 });
    }
    // Across both lives: five messages, six platform sends, the extra one carrying the original id.
    expect([...accepted, ...resent].filter((id) => id === inDoubt)).toHaveLength(2);
  });
});
