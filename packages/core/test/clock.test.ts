import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/index.js';

describe('VirtualClock', () => {
  it('fires timers in time order as time advances, and not before', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@200'), 200);
    clock.setTimeout(() => fired.push('a@100'), 100);
    const c = clock.setTimeout(() => fired.push('cancelled'), 150);
    clock.clearTimeout(c);
    await clock.advance(99);
    expect(fired).toEqual([]);
    await clock.advance(150);
    expect(fired).toEqual(['a@100', 'b@200']);
    expect(clock.now()).toBe(249);
  });

  it('runs async chains started by timers, including sleeps they schedule', async () => {
    const clock = new VirtualClock(0);
    const log: number[] = [];
    void (async () => {
      await clock.sleep(1000);
      log.push(clock.now());
      await clock.sleep(500);
      log.push(clock.now());
    })();
    await clock.advance(2000);
    expect(log).toEqual([1000, 1500]);
  });
});
