import { createMemoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { type BotPlugin, createEngine, silentLogger, Tokens, VirtualClock } from '../src/index.js';
import { FakeChannel } from '../src/testing/index.js';

/** Two engines over one store stand for one process before and after a crash. */
function sharedStore(clock: VirtualClock): BotPlugin {
  const backend = createMemoryStorage(clock);
  return {
    name: 'shared-store',
    register: (c) => {
      c.register(Tokens.Store, {
        useValue: { collection: backend.records.collection.bind(backend.records), close: async () => {} },
      });
      c.register(Tokens.Kv, { useValue: Object.assign(Object.create(backend.kv), { close: async () => {} }) });
    },
  };
}

const echo = (hang?: Promise<void>): BotPlugin => ({
  name: 'echo',
  apply: ({ hooks }) =>
    hooks.command.for('unknown').tap('echo', async (turn) => {
      if (hang) await hang;
      return { replies: [{ text: `echo: ${turn.message.text}` }] };
    }),
});

describe('accept: persist first, then handle', () => {
  it('stores the message before resolving and removes it once handled', async () => {
    const clock = new VirtualClock();
    const store = sharedStore(clock);
    const channel = new FakeChannel('wh', 'default', clock);
    const engine = createEngine({ clock, logger: silentLogger(), plugins: [store, channel.plugin(), echo()] });
    await engine.start();
    await engine.accept(channel.message('hello'));
    const inbox = engine.container.resolve(Tokens.Store).collection({ name: 'engine_inbox' });
    await engine.stop();
    expect(channel.sent.map((m) => m.text)).toEqual(['echo: hello']);
    expect(await inbox.count('default')).toBe(0);
  });

  it('replays a message accepted before a crash, and never answers one twice', async () => {
    const clock = new VirtualClock();
    const store = sharedStore(clock);
    const before = new FakeChannel('wh', 'default', clock);
    const crashed = createEngine({
      clock,
      logger: silentLogger(),
      plugins: [store, before.plugin(), echo(new Promise(() => {}))],
    });
    await crashed.start();
    const msg = before.message('still there?');
    await crashed.accept(msg); // acknowledged; the turn hangs and the process "dies" (never stopped)
    expect(before.sent).toHaveLength(0);

    const after = new FakeChannel('wh', 'default', clock);
    const restarted = createEngine({ clock, logger: silentLogger(), plugins: [store, after.plugin(), echo()] });
    // The crashed turn holds an in-flight dedupe claim; once it expires the replay may answer.
    await clock.advance(5 * 60_000 + 1);
    await restarted.start();
    await restarted.stop();
    expect(after.sent.map((m) => m.text)).toEqual(['echo: still there?']);

    // Accepted again (a platform redelivery): already answered, so nothing more is sent.
    const third = createEngine({ clock, logger: silentLogger(), plugins: [store, after.plugin(), echo()] });
    await third.start();
    await third.accept({ ...msg });
    await third.stop();
    expect(after.sent).toHaveLength(1);
  });
});
