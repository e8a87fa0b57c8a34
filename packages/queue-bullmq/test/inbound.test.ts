import {
  type BotPlugin,
  createEngine,
  type InboundMessage,
  type KeyValueStore,
  type StorageBackend,
  silentLogger,
  SystemClock,
  Tokens,
} from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { createMemoryStorage } from '@smmbot/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { type BullInboundQueue, type BullScheduler, INBOUND_QUEUE_NAME, scaleOut } from '../src/index.js';
import { connect, crashableKv, deletePrefix, sharedStorage, testPrefix, until, url } from './helpers.js';

/** Small enough that a killed worker's jobs and claims come back within a second or two. */
const FAST = { lockDurationMs: 1000, stalledIntervalMs: 500, backoffMs: 100, maxBackoffMs: 500 };

const echo = (hang: boolean): BotPlugin => ({
  name: 'echo',
  apply: ({ hooks }) =>
    hooks.command.for('unknown').tap('echo', async (turn) => {
      if (hang) await new Promise(() => {});
      return { replies: [{ text: `echo: ${turn.message.text}` }] };
    }),
});

/** One worker process: an engine in the `worker` role on the shared storage and the BullMQ queues. */
function workerProcess(
  prefix: string,
  backend: StorageBackend,
  opts: { kv?: KeyValueStore; hang?: boolean; role?: 'web' | 'worker' } = {},
) {
  const role = opts.role ?? 'worker';
  const channel = new FakeChannel('wh', 'default');
  const engine = createEngine({
    role,
    logger: silentLogger(),
    claimLeaseMs: 1000,
    plugins: [
      sharedStorage(backend, opts.kv),
      channel.plugin(),
      echo(opts.hang ?? false),
      scaleOut({ redis: { url: url! }, prefix, role, inbound: { concurrency: 8, ...FAST } }),
    ],
  });
  const queue = () => engine.container.resolve(Tokens.InboundQueue) as BullInboundQueue;
  /** A crash: BullMQ connections dropped without finishing anything; the engine is never stopped. */
  const kill = async () => {
    await queue().worker?.close(true);
    await queue().stop();
    await (engine.container.resolve(Tokens.Scheduler) as BullScheduler).stop();
  };
  return { engine, channel, queue, kill };
}

function message(i: number): InboundMessage {
  const user = `u${i % 40}`;
  return {
    id: `m${i}`,
    tenantId: 'default',
    channel: 'wh',
    chat: { id: user, kind: 'private' },
    sender: { id: user },
    text: `hello ${i}`,
    sentAt: 0,
  };
}

/** Replies per inbound message id, across every worker's channel. */
function repliesByMessage(...channels: FakeChannel[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of channels) for (const m of c.sent) counts.set(m.inReplyTo!, (counts.get(m.inReplyTo!) ?? 0) + 1);
  return counts;
}

describe.skipIf(!url)('BullInboundQueue: many workers, each message answered once', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function deployment() {
    const prefix = testPrefix();
    const backend = createMemoryStorage(new SystemClock());
    cleanups.push(() => deletePrefix(prefix));
    const inbox = () => backend.records.collection({ name: 'engine_inbox' });
    return { prefix, backend, inbox };
  }

  it('1,000 accepts (200 of them redeliveries) on two workers: 800 messages, each answered exactly once', async () => {
    const { prefix, backend, inbox } = deployment();
    const a = workerProcess(prefix, backend);
    const b = workerProcess(prefix, backend);
    cleanups.push(() => a.engine.stop());
    cleanups.push(() => b.engine.stop());
    await a.engine.start();
    await b.engine.start();

    const messages = Array.from({ length: 800 }, (_, i) => message(i));
    const accepts: [typeof a, InboundMessage][] = [];
    messages.forEach((m, i) => {
      accepts.push([i % 2 ? a : b, m]);
      // Half the redeliveries come while the first is queued or running (the jobId adds nothing)...
      if (i < 100) accepts.push([i % 2 ? b : a, { ...m }]);
    });
    for (let i = 0; i < accepts.length; i += 50) {
      await Promise.all(accepts.slice(i, i + 50).map(([w, m]) => w.engine.accept(m)));
    }
    await until(() => a.channel.sent.length + b.channel.sent.length >= 800, '800 replies', 90_000);
    // ...and half after it was answered (a new job, whose turn is a duplicate).
    await Promise.all(messages.slice(100, 200).map((m, i) => (i % 2 ? a : b).engine.accept({ ...m })));
    await until(async () => (await inbox().count('default')) === 0, 'an empty inbox', 30_000);

    const counts = repliesByMessage(a.channel, b.channel);
    expect(counts.size).toBe(800);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // Both workers took a share.
    expect(a.channel.sent.length).toBeGreaterThan(0);
    expect(b.channel.sent.length).toBeGreaterThan(0);
    expect(await a.queue().queue.getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 });
  }, 120_000);

  it('a web process stores and queues; a worker process answers', async () => {
    const { prefix, backend, inbox } = deployment();
    const web = workerProcess(prefix, backend, { role: 'web' });
    const worker = workerProcess(prefix, backend);
    cleanups.push(() => web.engine.stop());
    await web.engine.start();
    for (let i = 0; i < 10; i++) await web.engine.accept(message(i));
    expect(await inbox().count('default')).toBe(10);
    expect(web.queue().worker).toBeUndefined();
    cleanups.push(() => worker.engine.stop());
    await worker.engine.start();
    await until(() => worker.channel.sent.length === 10, 'the worker to answer all 10');
    expect(web.channel.sent).toHaveLength(0);
    await until(async () => (await inbox().count('default')) === 0, 'an empty inbox');
  });

  it('a worker killed mid-turn: its jobs stall, come back, and another worker answers each once', async () => {
    const { prefix, backend, inbox } = deployment();
    const dying = crashableKv(backend.kv);
    const a = workerProcess(prefix, backend, { kv: dying.kv, hang: true });
    const b = workerProcess(prefix, backend);
    await a.engine.start();
    const messages = Array.from({ length: 20 }, (_, i) => message(i));
    for (const m of messages) await a.engine.accept(m);
    // a holds 8 jobs (its concurrency), each turn hanging with its claim taken; the rest wait.
    await until(async () => (await a.queue().queue.getActiveCount()) === 8, 'a to hold 8 jobs');
    dying.crash();
    await a.kill();
    // Nothing finished them: they stay active until a live worker's stalled check finds their lock gone.
    const connection = connect();
    const probe = new Queue(INBOUND_QUEUE_NAME, { connection, prefix });
    expect(await probe.getActiveCount()).toBe(8);
    await probe.close();
    await connection.quit();

    cleanups.push(() => b.engine.stop());
    await b.engine.start();
    await until(() => b.channel.sent.length >= messages.length, 'b to answer all 20', 60_000);
    await until(async () => (await inbox().count('default')) === 0, 'an empty inbox');
    const counts = repliesByMessage(a.channel, b.channel);
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(a.channel.sent).toHaveLength(0);
  }, 90_000);

  it('stop() drains: no new jobs, the running turns finish, then the connections close', async () => {
    const { prefix, backend, inbox } = deployment();
    const a = workerProcess(prefix, backend);
    await a.engine.start();
    for (let i = 0; i < 30; i++) await a.engine.accept(message(i));
    await a.engine.stop();
    // Whatever it took was answered and removed; the rest is still stored and queued for the next worker.
    const answered = a.channel.sent.length;
    expect(await inbox().count('default')).toBe(30 - answered);
    const b = workerProcess(prefix, backend);
    cleanups.push(() => b.engine.stop());
    await b.engine.start();
    await until(() => answered + b.channel.sent.length >= 30, 'the rest answered by the next worker');
    expect(repliesByMessage(a.channel, b.channel).size).toBe(30);
  }, 60_000);
});
