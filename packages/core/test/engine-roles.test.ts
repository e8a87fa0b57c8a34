import { createMemoryStorage, memoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import {
  type BotPlugin,
  createEngine,
  type EngineRole,
  type InboundHandler,
  type InboundJob,
  type InboundQueue,
  type PluginInput,
  silentLogger,
  type StoredRecord,
  Tokens,
  VirtualClock,
} from '../src/index.js';
import { FakeChannel } from '../src/testing/index.js';

/** A stand-in for a shared queue: records what the engine does with it; `run` plays a worker. */
class RecordingQueue implements InboundQueue {
  readonly shared = true;
  readonly jobs: InboundJob[] = [];
  readonly calls: string[] = [];
  handler?: InboundHandler;
  isQueued?: (tenant: string, id: string) => Promise<boolean>;

  async start(handler: InboundHandler): Promise<void> {
    this.calls.push('start');
    this.handler = handler;
  }
  async dispatch(job: InboundJob): Promise<void> {
    this.jobs.push(job);
  }
  async drain(): Promise<void> {
    this.calls.push('drain');
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
}

function setup(
  role: EngineRole,
  queue?: InboundQueue,
  clock = new VirtualClock(),
  storage: PluginInput = memoryStorage(),
) {
  const channel = new FakeChannel('wh', 'default', clock);
  const seen: { role?: EngineRole; jobRuns: number } = { jobRuns: 0 };
  const probe: BotPlugin = {
    name: 'probe',
    register: (c) => {
      if (queue) c.register(Tokens.InboundQueue, { useValue: queue });
    },
    apply: (ctx) => {
      seen.role = ctx.role;
      ctx.hooks.command.for('unknown').tap('echo', (turn) => ({ replies: [{ text: `echo: ${turn.message.text}` }] }));
      ctx.hooks.schedule.for('tick').tap('count', () => void seen.jobRuns++);
      ctx.hooks.boot.tap('schedule', () =>
        ctx.container.resolve(Tokens.Scheduler).schedule({ id: 'tick', everyMs: 1000 }),
      );
    },
  };
  const engine = createEngine({ clock, role, logger: silentLogger(), plugins: [storage, channel.plugin(), probe] });
  const inbox = () => engine.container.resolve(Tokens.Store).collection({ name: 'engine_inbox' });
  return { engine, channel, clock, seen, inbox };
}

describe('engine roles', () => {
  it('is "all" by default and tells plugins', async () => {
    const { engine, seen } = setup('all');
    await engine.start();
    expect(engine.role).toBe('all');
    expect(seen.role).toBe('all');
    await engine.stop();
  });

  it('refuses the "web" role without an inbound queue shared with workers', async () => {
    const { engine } = setup('web');
    await expect(engine.start()).rejects.toMatchObject({ code: 'E_CONFIG_INVALID' });
  });

  it('"web" stores and queues webhooks but runs no turns and no scheduled jobs', async () => {
    const queue = new RecordingQueue();
    const { engine, channel, clock, seen, inbox } = setup('web', queue);
    await engine.start();
    expect(seen.role).toBe('web');
    const msg = channel.message('hi');
    await engine.accept(msg);
    await clock.advance(10_000);
    expect(queue.jobs).toEqual([{ tenant: 'default', id: 'wh:in-1', message: msg }]);
    expect(await inbox().count('default')).toBe(1);
    expect(channel.sent).toHaveLength(0);
    expect(seen.jobRuns).toBe(0);
    await engine.stop();
    expect(queue.calls).toEqual(['drain', 'stop']);
  });

  it('"worker" takes jobs: reads the stored message, answers it and removes the record', async () => {
    const queue = new RecordingQueue();
    const { engine, channel, clock, seen, inbox } = setup('worker', queue);
    await engine.start();
    expect(queue.calls).toEqual(['start']);
    await engine.accept(channel.message('hi'));
    const job = queue.jobs[0]!;
    // A job from another process carries only the record id.
    expect(await queue.handler!({ tenant: job.tenant, id: job.id })).toBe('handled');
    expect(channel.sent.map((m) => m.text)).toEqual(['echo: hi']);
    expect(await inbox().count('default')).toBe(0);
    // The same job again (a redelivery of the job): nothing left to do.
    expect(await queue.handler!({ tenant: job.tenant, id: job.id })).toBe('handled');
    await clock.advance(1000);
    expect(seen.jobRuns).toBe(1);
    await engine.stop();
    expect(queue.calls).toEqual(['start', 'drain', 'stop']);
    expect(channel.sent).toHaveLength(1);
  });

  it('at start, a worker queues again the stored records whose job was lost, not those still queued', async () => {
    const queue = new RecordingQueue();
    const queued = new Set(['wh:a']);
    queue.isQueued = async (_tenant: string, id: string) => queued.has(id);
    const clock = new VirtualClock();
    const backend = createMemoryStorage(clock);
    const storage: BotPlugin = {
      name: 'storage',
      register: (c) => {
        c.register(Tokens.Store, { useValue: backend.records });
        c.register(Tokens.Kv, { useValue: backend.kv });
      },
    };
    const records = backend.records.collection<StoredRecord & Record<string, unknown>>({ name: 'engine_inbox' });
    for (const id of ['a', 'b']) {
      const message = {
        id,
        tenantId: 'default',
        channel: 'wh',
        chat: { id: 'c', kind: 'private' },
        sender: { id: 'u' },
      };
      await records.upsert('default', { id: `wh:${id}`, message: { ...message, text: id, sentAt: 0 }, attempts: 0 });
    }
    const { engine } = setup('worker', queue, clock, storage);
    await engine.start();
    expect(queue.jobs.map((j) => j.id)).toEqual(['wh:b']);
    await engine.stop();
  });
});
