import { afterEach, describe, expect, it } from 'vitest';
import { MARKETING_JOB } from '../src/index.js';
import {
  HOUR,
  MINUTE,
  type MarketingEngine,
  type MarketingEngineOptions,
  marketingEngine,
  T,
} from './marketing-harness.js';

let x: MarketingEngine | undefined;
afterEach(async () => {
  await x?.stop();
  x = undefined;
});

async function start(options: MarketingEngineOptions = {}) {
  x = await marketingEngine({ ...options, botConfig: { marketing_enabled: true, ...options.botConfig } });
  return x;
}

/** Moves the clock to the next scheduled broadcast and returns its slot and the messages it sent. */
async function nextBroadcast(e: MarketingEngine) {
  const before = e.marketingSent().length;
  const at = e.nextRunAt();
  await e.clock.advanceTo(at);
  return { at, sent: e.marketingSent().slice(before) };
}

describe('scheduled marketing broadcasts', () => {
  it('send the next message to every marketing-enabled, non-silent group, from its own channel', async () => {
    const e = await start();
    await e.seedGroups([
      ['wa:g-a', {}],
      ['wa:g-b', { silent: true }],
      ['wa:g-c', { marketingEnabled: false }],
      ['tg:g-d', {}],
      ['wa:g-e', { supportEnabled: false }],
    ]);
    await e.service.add(T, '*Promo one*\n_today only_');
    await e.service.add(T, 'Promo two');
    const { at, sent } = await nextBroadcast(e);
    expect(sent.map((m) => [m.channel, m.chatId, m.text, m.priority, m.route, m.id])).toEqual([
      ['tg', 'g-d', '*Promo one*\n_today only_', 'marketing', 'sticky', `mkt:default:${at}:tg:g-d`],
      ['wa', 'g-a', '*Promo one*\n_today only_', 'marketing', 'sticky', `mkt:default:${at}:wa:g-a`],
      ['wa', 'g-e', '*Promo one*\n_today only_', 'marketing', 'sticky', `mkt:default:${at}:wa:g-e`],
    ]);
    expect(e.tg.sent.map((m) => m.chatId)).toEqual(['g-d']);
    // The rotation goes on and wraps around.
    const runs: string[][] = [];
    for (let i = 0; i < 3; i++) runs.push((await nextBroadcast(e)).sent.map((m) => m.text));
    expect(runs).toEqual([
      ['Promo two', 'Promo two', 'Promo two'],
      ['*Promo one*\n_today only_', '*Promo one*\n_today only_', '*Promo one*\n_today only_'],
      ['Promo two', 'Promo two', 'Promo two'],
    ]);
  });

  it('send nothing while marketing_enabled is false, or while no message is enabled', async () => {
    const e = await start({ botConfig: { marketing_enabled: false } });
    await e.seedGroups([['wa:g-a', {}]]);
    const a = await e.service.add(T, 'A');
    await e.service.add(T, 'B');
    for (let i = 0; i < 3; i++) expect((await nextBroadcast(e)).sent).toEqual([]);

    await e.config.set(T, { marketing_enabled: true });
    for (const m of await e.service.list(T)) await e.service.update(T, m.id, { enabled: false });
    expect((await nextBroadcast(e)).sent).toEqual([]);
    // Nothing was handed out meanwhile: the rotation starts at the first message.
    await e.service.update(T, a.id, { enabled: true });
    expect((await nextBroadcast(e)).sent.map((m) => m.text)).toEqual(['A']);
  });

  it('space 20 broadcasts by the interval plus a fresh 0..jitter each time', async () => {
    const e = await start({ botConfig: { marketing_interval_hours: 2, marketing_jitter_minutes: 30 } });
    await e.seedGroups([['wa:g-a', {}]]);
    await e.service.add(T, 'A');
    const begun = e.clock.now();
    const slots: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { at, sent } = await nextBroadcast(e);
      expect(sent.map((m) => m.meta?.slot)).toEqual([at]);
      slots.push(at);
    }
    const gaps = slots.map((at, i) => at - (i === 0 ? begun : slots[i - 1]!));
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(2 * HOUR);
      expect(gap).toBeLessThanOrEqual(2 * HOUR + 30 * MINUTE);
    }
    // The jitter is drawn for every run, not once.
    expect(new Set(gaps).size).toBeGreaterThan(1);
  });

  it('re-schedule at once when !config set changes the interval or the jitter', async () => {
    const e = await start();
    await e.seedGroups([['wa:g-a', {}]]);
    await e.service.add(T, 'A');
    const first = e.nextRunAt();
    expect(first - e.clock.now()).toBeGreaterThanOrEqual(4 * HOUR);

    await e.clock.advance(30 * MINUTE);
    expect(await e.say('!config set marketing_interval_hours 1')).toEqual([
      'Config updated: marketing_interval_hours = 1',
    ]);
    const planned = e.nextRunAt() - e.clock.now();
    expect(planned).toBeGreaterThanOrEqual(HOUR);
    expect(planned).toBeLessThanOrEqual(HOUR + 60 * MINUTE);
    expect(await e.say('!config set marketing_jitter_minutes 0')).toEqual([
      'Config updated: marketing_jitter_minutes = 0',
    ]);
    expect(e.nextRunAt()).toBe(e.clock.now() + HOUR);
    // Another key leaves the plan alone.
    await e.clock.advance(MINUTE);
    await e.say('!config set cooldown_seconds 60');
    expect(e.nextRunAt()).toBe(e.clock.now() - MINUTE + HOUR);

    const { at, sent } = await nextBroadcast(e);
    expect(sent.map((m) => m.meta?.slot)).toEqual([at]);
    expect(e.nextRunAt()).toBe(at + HOUR);
  });

  it('pick up a config change made outside chat at the next run', async () => {
    const e = await start({ botConfig: { marketing_jitter_minutes: 0 } });
    await e.seedGroups([['wa:g-a', {}]]);
    await e.service.add(T, 'A');
    const first = await nextBroadcast(e);
    expect(first.sent).toHaveLength(1);

    // Shorter (the dashboard, another process): the run planned at the old interval sends, then the new one holds.
    await e.config.set(T, { marketing_interval_hours: 2 });
    expect(e.nextRunAt()).toBe(first.at + 4 * HOUR);
    const second = await nextBroadcast(e);
    expect(second.sent).toHaveLength(1);
    expect(e.nextRunAt()).toBe(second.at + 2 * HOUR);

    // Longer: the run due at the old interval is too soon, sends nothing, and re-plans at the new one.
    await e.config.set(T, { marketing_interval_hours: 8 });
    const early = await nextBroadcast(e);
    expect(early.at).toBe(second.at + 2 * HOUR);
    expect(early.sent).toEqual([]);
    expect(e.nextRunAt()).toBe(early.at + 8 * HOUR);
    expect((await nextBroadcast(e)).sent).toHaveLength(1);
  });

  it('never send a group the same slot twice, and a re-run keeps the message and the rotation', async () => {
    const e = await start();
    await e.seedGroups([
      ['wa:g-a', {}],
      ['wa:g-b', {}],
      ['tg:g-c', {}],
    ]);
    for (const text of ['A', 'B']) await e.service.add(T, text);
    e.wa.failNext(new Error('socket closed'));
    expect(await e.scheduler.runNow(MARKETING_JOB, T)).toBe(true);
    const slot = e.clock.now();
    expect(e.marketingSent().map((m) => [m.id, m.text])).toEqual([
      [`mkt:default:${slot}:tg:g-c`, 'A'],
      [`mkt:default:${slot}:wa:g-b`, 'A'],
    ]);
    // The same slot again: only the group that failed gets it, with the same message and id.
    expect(await e.scheduler.runNow(MARKETING_JOB, T)).toBe(true);
    expect(e.marketingSent().map((m) => m.id)).toEqual([
      `mkt:default:${slot}:tg:g-c`,
      `mkt:default:${slot}:wa:g-a`,
      `mkt:default:${slot}:wa:g-b`,
    ]);
    await e.scheduler.runNow(MARKETING_JOB, T);
    expect(e.marketingSent()).toHaveLength(3);

    // A run less than an interval after the last broadcast (as from a second process) sends nothing.
    await e.clock.advance(HOUR);
    await e.scheduler.runNow(MARKETING_JOB, T);
    expect(e.marketingSent()).toHaveLength(3);
    // The regular run, an interval (plus jitter) after the boot: the rotation was not moved by the re-runs.
    const next = await nextBroadcast(e);
    expect(next.at - slot).toBeGreaterThanOrEqual(4 * HOUR);
    expect(next.sent.map((m) => m.text)).toEqual(['B', 'B', 'B']);
  });
});
