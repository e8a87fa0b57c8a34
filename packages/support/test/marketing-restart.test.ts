import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATCH_UP_DELAY_MS } from '../src/index.js';
import { HOUR, MINUTE, type MarketingEngine, marketingEngine, T } from './marketing-harness.js';

// Restarts on one SQLite file: each engine is a new process on the same data.
let dir: string;
let running: MarketingEngine | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smmbot-marketing-'));
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const botConfig = { marketing_enabled: true, marketing_interval_hours: 4, marketing_jitter_minutes: 60 };
async function boot(startAt: number) {
  await running?.stop();
  running = await marketingEngine({ path: join(dir, 'smmbot.db'), startAt, botConfig });
  return running;
}

/** Advances to the next scheduled broadcast; its texts and slot. */
async function nextBroadcast(e: MarketingEngine) {
  const before = e.marketingSent().length;
  const at = e.nextRunAt();
  await e.clock.advanceTo(at);
  return {
    at,
    texts: e
      .marketingSent()
      .slice(before)
      .map((m) => m.text),
  };
}

describe('marketing across restarts', () => {
  it('goes on with the rotation where it was, and catches up a broadcast missed while down', async () => {
    const t0 = Date.UTC(2026, 10, 1, 12);
    let e = await boot(t0);
    await e.seedGroups([['wa:g-a', {}]]);
    for (const text of ['A', 'B', 'C']) await e.service.add(T, text);
    expect((await nextBroadcast(e)).texts).toEqual(['A']);
    const last = await nextBroadcast(e);
    expect(last.texts).toEqual(['B']);

    // Back one hour later: nothing is overdue, the first run is one interval (plus jitter) away.
    e = await boot(e.clock.now() + HOUR);
    const booted = e.clock.now();
    await e.clock.advance(CATCH_UP_DELAY_MS + 60 * MINUTE);
    expect(e.marketingSent()).toEqual([]);
    const resumed = await nextBroadcast(e);
    expect(resumed.at - booted).toBeGreaterThanOrEqual(4 * HOUR);
    expect(resumed.texts).toEqual(['C']);

    // Down for 10 hours: the missed broadcast goes out 1 minute + 0..jitter after boot, then the cadence restarts from it.
    e = await boot(resumed.at + 10 * HOUR);
    const rebooted = e.clock.now();
    await e.clock.advance(CATCH_UP_DELAY_MS - 1);
    expect(e.marketingSent()).toEqual([]);
    await e.clock.advance(60 * MINUTE + 1);
    const caught = e.marketingSent();
    expect(caught.map((m) => m.text)).toEqual(['A']);
    const slot = Number(caught[0]!.meta?.slot);
    expect(slot - rebooted).toBeGreaterThanOrEqual(CATCH_UP_DELAY_MS);
    expect(slot - rebooted).toBeLessThanOrEqual(CATCH_UP_DELAY_MS + 60 * MINUTE);
    expect(e.nextRunAt() - slot).toBeGreaterThanOrEqual(4 * HOUR);
    expect(e.nextRunAt() - slot).toBeLessThanOrEqual(5 * HOUR);
    expect((await nextBroadcast(e)).texts).toEqual(['B']);
  });

  it('still broadcasts when the host restarts more often than the interval', async () => {
    let at = Date.UTC(2026, 10, 1, 12);
    let e = await boot(at);
    await e.seedGroups([['wa:g-a', {}]]);
    await e.service.add(T, 'A');
    const sent: number[] = [];
    for (let i = 0; i < 8; i++) {
      await e.clock.advance(3 * HOUR);
      sent.push(...e.marketingSent().map((m) => Number(m.meta?.slot)));
      at = e.clock.now();
      e = await boot(at);
    }
    // Without the catch-up no run would ever be reached (each start plans the first one 4 h + jitter ahead).
    // With it: one at the latest 5 h + a restart period + 1 min + jitter after the last, never two within the interval.
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(4 * HOUR);
  });

  it('sends nothing at boot while marketing is off', async () => {
    let e = await boot(Date.UTC(2026, 10, 1, 12));
    await e.seedGroups([['wa:g-a', {}]]);
    await e.service.add(T, 'A');
    await e.config.set(T, { marketing_enabled: false });
    e = await boot(e.clock.now() + 48 * HOUR);
    await e.clock.advance(3 * HOUR);
    expect(e.marketingSent()).toEqual([]);
  });
});
