import { describe, expect, it } from 'vitest';
import { createHooks, LocalScheduler, nextCronTime, silentLogger, VirtualClock } from '../src/index.js';
import { createMemoryStorage } from '@smmbot/storage-memory';

function make(clock: VirtualClock, kv = createMemoryStorage(clock).kv, random = () => 0.5) {
  const hooks = createHooks();
  const runs: number[] = [];
  hooks.schedule.for('sync').tapPromise('test', async (run) => void runs.push(run.scheduledAt));
  const scheduler = new LocalScheduler({ clock, kv, hooks, logger: silentLogger(), random });
  return { hooks, runs, scheduler, kv };
}

describe('LocalScheduler on virtual time', () => {
  it('runs an interval job every period with jitter inside its bound', async () => {
    const clock = new VirtualClock(0);
    const { runs, scheduler } = make(clock);
    scheduler.schedule({ id: 'sync', everyMs: 60_000, jitterMs: 10_000 });
    scheduler.start();
    await clock.advance(60_000 + 4_999);
    expect(runs).toEqual([]);
    await clock.advance(1);
    expect(runs).toEqual([65_000]);
    await clock.advance(65_000);
    expect(runs).toEqual([65_000, 130_000]);
    await scheduler.stop();
  });

  it('runs a cron job at a fixed UTC offset', async () => {
    // 09:00 at UTC+6 is 03:00 UTC.
    const start = Date.UTC(2026, 0, 1, 0, 0);
    expect(new Date(nextCronTime('0 9 * * *', 'UTC+6', start)).toISOString()).toBe('2026-01-01T03:00:00.000Z');
    expect(new Date(nextCronTime('0 9 * * *', 'UTC+5:30', start)).toISOString()).toBe('2026-01-01T03:30:00.000Z');
    expect(new Date(nextCronTime('0 9 * * *', 'UTC-5', start)).toISOString()).toBe('2026-01-01T14:00:00.000Z');
    expect(() => nextCronTime('0 9 * * *', 'Asia/Dhaka', start)).toThrow(/UTC offset/);
  });

  it('lets only one of two schedulers sharing a store run a job at a time', async () => {
    const clock = new VirtualClock(0);
    const shared = createMemoryStorage(clock).kv;
    const a = make(clock, shared);
    const b = make(clock, shared);
    let release!: () => void;
    a.hooks.schedule.for('slow').tapPromise('t', () => new Promise<void>((r) => (release = r)));
    b.hooks.schedule.for('slow').tapPromise('t', async () => undefined);
    a.scheduler.schedule({ id: 'slow', everyMs: 1000 });
    b.scheduler.schedule({ id: 'slow', everyMs: 1000 });
    const first = a.scheduler.runNow('slow');
    await clock.advance(0);
    expect(await b.scheduler.runNow('slow')).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(await b.scheduler.runNow('slow')).toBe(true);
  });

  it('keeps scheduling after a job throws', async () => {
    const clock = new VirtualClock(0);
    const { hooks, scheduler } = make(clock);
    let n = 0;
    hooks.schedule.for('flaky').tapPromise('t', async () => {
      n++;
      throw new Error('boom');
    });
    const errors: string[] = [];
    hooks.error.tap('collect', (e) => void errors.push(e.message));
    scheduler.schedule({ id: 'flaky', everyMs: 1000 });
    scheduler.start();
    await clock.advance(3000);
    expect(n).toBe(3);
    expect(errors).toHaveLength(3);
    await scheduler.stop();
  });
});
