import { createHooks, type JobRun, nextCronTime, silentLogger } from '@smmbot/core';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BullScheduler } from '../src/index.js';
import { connect, deletePrefix, testPrefix, until, url } from './helpers.js';

const EVERY = 300;

interface Run {
  worker: number;
  slot: number;
  at: number;
}

/** N schedulers on one prefix, each with its own connection and hooks: N worker processes. */
function workers(prefix: string, n: number, options: { random?: () => number } = {}) {
  const runs: Run[] = [];
  const connections: Redis[] = [];
  const schedulers = Array.from({ length: n }, (_, worker) => {
    const hooks = createHooks();
    hooks.schedule.for('tick').tapPromise('count', async (run: JobRun) => {
      runs.push({ worker, slot: run.scheduledAt, at: Date.now() });
    });
    const connection = connect();
    connections.push(connection);
    return new BullScheduler({ connection, prefix, hooks, logger: silentLogger(), ...options });
  });
  const close = async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    await Promise.all(connections.map((c) => c.quit()));
  };
  return { runs, schedulers, close };
}

describe.skipIf(!url)('BullScheduler on a real Redis', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function fleet(n: number, options?: { random?: () => number }) {
    const prefix = testPrefix();
    const made = workers(prefix, n, options);
    cleanups.push(() => deletePrefix(prefix));
    cleanups.push(made.close);
    return made;
  }

  it('three workers scheduling the same job: one schedule, one run per slot, each on one worker', async () => {
    const { runs, schedulers } = fleet(3);
    for (const s of schedulers) {
      s.schedule({ id: 'tick', everyMs: EVERY });
      s.start();
    }
    await Promise.all(schedulers.map((s) => s.settled()));
    expect(await schedulers[0]!.queue.getJobSchedulersCount()).toBe(1);

    await until(() => runs.length > 0 && Date.now() - runs[0]!.at >= 2000, 'two seconds of runs');
    const elapsed = runs.at(-1)!.at - runs[0]!.at;
    const slots = runs.map((r) => r.slot);
    // Each slot ran once, on one worker: never once per worker.
    expect(new Set(slots).size).toBe(runs.length);
    // About one run per period of wall time (a run may land late by a few ms): never one per worker.
    expect(runs.length).toBeLessThanOrEqual(Math.floor(elapsed / EVERY) + 2);
    expect(runs.length).toBeGreaterThanOrEqual(Math.floor(elapsed / EVERY / 2));
    const sorted = [...slots].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect((sorted[i]! - sorted[i - 1]!) % EVERY).toBe(0);

    // Unscheduled by any one worker: the schedule is gone for all of them.
    schedulers[1]!.unschedule('tick');
    await schedulers[1]!.settled();
    expect(await schedulers[0]!.queue.getJobSchedulersCount()).toBe(0);
    const before = runs.length;
    // A run already promoted may still land; then nothing more, over several periods.
    await new Promise((r) => setTimeout(r, 5 * EVERY));
    expect(runs.length).toBeLessThanOrEqual(before + 1);
  });

  it('answers nextRuns from the job schedulers, and runNow runs the job here', async () => {
    const { runs, schedulers } = fleet(1);
    const s = schedulers[0]!;
    s.schedule({ id: 'tick', tenantId: 't1', everyMs: 60_000 });
    await s.settled();
    const [next] = s.nextRuns();
    expect(next).toMatchObject({ jobId: 'tick', tenantId: 't1' });
    expect(next!.at).toBeGreaterThan(Date.now() - 1000);
    expect(next!.at).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(await s.runNow('tick', 't1')).toBe(true);
    expect(runs).toHaveLength(1);
    await expect(s.runNow('tick', 'other')).rejects.toThrow(/no job "tick"/);
  });

  it('keeps cron schedules on the tenant fixed UTC offset, whole hours and half hours', async () => {
    const { schedulers } = fleet(1);
    const s = schedulers[0]!;
    s.schedule({ id: 'daily', tenantId: 'dhaka', cron: '0 9 * * *', timezone: 'UTC+6' });
    s.schedule({ id: 'daily', tenantId: 'delhi', cron: '0 9 * * *', timezone: 'UTC+5:30' });
    await s.settled();
    const all = await s.queue.getJobSchedulers();
    const byTenant = new Map(all.map((j) => [j.template?.data?.tenantId, j]));
    expect(byTenant.get('dhaka')?.tz).toBe('Etc/GMT-6');
    const now = Date.now();
    for (const [tenant, tz] of [
      ['dhaka', 'UTC+6'],
      ['delhi', 'UTC+5:30'],
    ] as const) {
      const expected = nextCronTime('0 9 * * *', tz, now);
      // Computed when scheduled, a moment before `now`: the same 09:00 unless that moment straddled it.
      expect(Math.abs(byTenant.get(tenant)!.next! - expected)).toBeLessThan(60_000);
    }
    expect(() => s.schedule({ id: 'bad', cron: '0 9 * * *', timezone: 'Asia/Dhaka' })).toThrow(/UTC offset/);
  });

  it('waits a random delay inside the jitter window, then runs the slot once', async () => {
    const { runs, schedulers } = fleet(2, { random: () => 0.5 });
    for (const s of schedulers) {
      s.schedule({ id: 'tick', everyMs: 1000, jitterMs: 400 });
      s.start();
    }
    await until(() => runs.length >= 2, 'two jittered runs');
    for (const run of runs.slice(0, 2)) expect(run.at - run.slot).toBeGreaterThanOrEqual(200);
    expect(new Set(runs.map((r) => r.slot)).size).toBe(runs.length);
  });

  it('runs nothing until started (a web process schedules but never works)', async () => {
    const { runs, schedulers } = fleet(1);
    schedulers[0]!.schedule({ id: 'tick', everyMs: EVERY });
    await schedulers[0]!.settled();
    await new Promise((r) => setTimeout(r, 3 * EVERY));
    expect(runs).toHaveLength(0);
  });
});
