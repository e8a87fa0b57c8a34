import {
  type BotPlugin,
  createEngine,
  type EngineRole,
  type InboundQueue,
  silentLogger,
  Tokens,
  VirtualClock,
} from '@smmbot/core';
import { FakePhone } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import type { LocalBalancer } from '../src/balancer.js';
import { balancer } from '../src/plugin.js';
import { BalancerToken } from '../src/types.js';
import { msg } from './harness.js';

/** A `web` engine must hand inbound messages to other processes; this one only claims to. */
const sharedInbound: BotPlugin = {
  name: 'shared-inbound-stub',
  register: (c) => {
    const queue: InboundQueue = {
      shared: true,
      start: async () => undefined,
      dispatch: async () => undefined,
      drain: async () => undefined,
      stop: async () => undefined,
    };
    c.register(Tokens.InboundQueue, { useValue: queue });
  },
};

async function engineAs(role: EngineRole | undefined, options: Parameters<typeof balancer>[0] = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 10));
  const phone = new FakePhone('p1', 't1', clock);
  const engine = createEngine({
    clock,
    logger: silentLogger(),
    tenants: ['t1'],
    ...(role ? { role } : {}),
    plugins: [memoryStorage(), phone.plugin(), balancer(options), ...(role === 'web' ? [sharedInbound] : [])],
  });
  await engine.start();
  const outbox = engine.container.resolve(BalancerToken) as LocalBalancer;
  return { clock, phone, engine, outbox };
}

describe('the balancer plugin and the engine role', () => {
  it('all (the default): one process, sends as before', async () => {
    const { clock, phone, engine, outbox } = await engineAs(undefined);
    expect(outbox.isLeader).toBe(true);
    await outbox.enqueue(msg({ id: 'a' }));
    await clock.advance(30_000);
    expect(phone.sends.map((s) => s.message.id)).toEqual(['a']);
    expect((await outbox.snapshot('t1')).view).toBeUndefined();
    await engine.stop();
  });

  it('worker: leased mode without configuration, and it takes the lease', async () => {
    const { clock, phone, engine, outbox } = await engineAs('worker');
    expect(outbox.isLeader).toBe(true);
    await outbox.enqueue(msg({ id: 'a' }));
    await clock.advance(30_000);
    expect(phone.sends.map((s) => s.message.id)).toEqual(['a']);
    expect((await outbox.snapshot('t1')).view).toBe('live');
    await engine.stop();
  });

  it('web: stores and hands over, never leads, never sends', async () => {
    const { clock, phone, engine, outbox } = await engineAs('web', { distributed: { leader: true, leaseMs: 1_000 } });
    const r = await outbox.enqueue(msg({ id: 'a' }));
    expect(r).toMatchObject({ created: true, state: 'queued' });
    await clock.advance(60_000);
    expect(outbox.isLeader).toBe(false);
    expect(phone.sends).toEqual([]);
    expect((await outbox.status('t1', 'a'))?.state).toBe('queued');
    await engine.stop();
  });

  it('rejects a renewEveryMs above half of leaseMs', () => {
    expect(() => balancer({ distributed: { leaseMs: 1_000, renewEveryMs: 501 } })).toThrow(/renewEveryMs/);
    expect(() => balancer({ distributed: { leaseMs: 1_000, renewEveryMs: 500 } })).not.toThrow();
  });
});
