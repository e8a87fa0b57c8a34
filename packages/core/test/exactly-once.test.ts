import { createMemoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { type BotPlugin, createEngine, type KeyValueStore, silentLogger, Tokens, VirtualClock } from '../src/index.js';
import { crashableKv, FakeChannel } from '../src/testing/index.js';

const LEASE = 30_000;

/**
 * Two engines over one store and one key-value store stand for two worker processes. `crash()` makes
 * every later call of that worker's key-value store hang, as if its process were gone: its turn's
 * lease stops being renewed and is never released.
 */
function sharedBackend(clock: VirtualClock) {
  const backend = createMemoryStorage(clock);
  const worker = (kv: KeyValueStore = backend.kv): BotPlugin => ({
    name: 'shared-store',
    register: (c) => {
      c.register(Tokens.Store, {
        useValue: { collection: backend.records.collection.bind(backend.records), close: async () => {} },
      });
      c.register(Tokens.Kv, { useValue: Object.assign(Object.create(kv), { close: async () => {} }) });
    },
  });
  const inbox = () => backend.records.collection({ name: 'engine_inbox' });
  return { backend, worker, inbox };
}

/** Echoes after `busyMs` of clock time; `hang` never answers. */
const echo = (clock: VirtualClock, opts: { busyMs?: number; hang?: boolean } = {}): BotPlugin => ({
  name: 'echo',
  apply: ({ hooks }) =>
    hooks.command.for('unknown').tap('echo', async (turn) => {
      if (opts.hang) await new Promise(() => {});
      if (opts.busyMs) await clock.sleep(opts.busyMs);
      return { replies: [{ text: `echo: ${turn.message.text}` }] };
    }),
});

function worker(clock: VirtualClock, store: BotPlugin, behaviour: Parameters<typeof echo>[1] = {}) {
  const channel = new FakeChannel('wh', 'default', clock);
  const engine = createEngine({
    clock,
    logger: silentLogger(),
    plugins: [store, channel.plugin(), echo(clock, behaviour)],
  });
  return { engine, channel };
}

describe('exactly-once turns across workers (virtual time)', () => {
  it('a message whose worker died mid-turn is answered by the retry on another worker once the lease expires', async () => {
    const clock = new VirtualClock();
    const shared = sharedBackend(clock);
    const dying = crashableKv(shared.backend.kv);
    const a = worker(clock, shared.worker(dying.kv), { hang: true });
    const b = worker(clock, shared.worker());
    await a.engine.start();
    await b.engine.start();

    const msg = a.channel.message('still there?');
    await a.engine.accept(msg);
    await clock.advance(0); // a's turn holds the claim and hangs
    dying.crash();

    // The platform redelivers to b while a's lease is live: kept, not dropped as a duplicate.
    await b.engine.accept({ ...msg });
    await clock.advance(0);
    expect(b.channel.sent).toHaveLength(0);
    expect(await shared.inbox().count('default')).toBe(1);

    await clock.advance(LEASE);
    expect(b.channel.sent.map((m) => m.text)).toEqual(['echo: still there?']);
    expect(await shared.inbox().count('default')).toBe(0);
    await b.engine.stop();
    expect(a.channel.sent).toHaveLength(0);
  });

  it("a live worker's long turn keeps the others out; their retries then see it done", async () => {
    const clock = new VirtualClock();
    const shared = sharedBackend(clock);
    const a = worker(clock, shared.worker(), { busyMs: 2 * 60_000 });
    const b = worker(clock, shared.worker());
    await a.engine.start();
    await b.engine.start();

    const msg = a.channel.message('slow one');
    await a.engine.accept(msg);
    await clock.advance(0);
    expect((await b.engine.handle({ ...msg })).status).toBe('in_progress');
    await b.engine.accept({ ...msg });
    await clock.advance(90_000); // b retried at 30 s and 60 s, and a is still busy
    expect([...a.channel.sent, ...b.channel.sent]).toHaveLength(0);

    await clock.advance(60_000);
    expect(a.channel.sent.map((m) => m.text)).toEqual(['echo: slow one']);
    expect(b.channel.sent).toHaveLength(0);
    expect((await b.engine.handle({ ...msg })).status).toBe('duplicate');
    expect(await shared.inbox().count('default')).toBe(0);
    await a.engine.stop();
    await b.engine.stop();
  });

  it('a turn whose apology could not be sent frees its claim, so the retry answers at once', async () => {
    const clock = new VirtualClock();
    const shared = sharedBackend(clock);
    const a = worker(clock, shared.worker());
    await a.engine.start();
    const msg = a.channel.message('hello');
    a.channel.failNext();
    a.channel.failNext();
    expect(await a.engine.handle(msg)).toMatchObject({ status: 'failed', replies: [] });
    expect(await a.engine.handle({ ...msg })).toMatchObject({ status: 'answered' });
    expect(a.channel.sent.map((m) => m.text)).toEqual(['echo: hello']);
    await a.engine.stop();
  });
});
