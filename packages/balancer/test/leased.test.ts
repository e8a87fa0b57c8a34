import { SYSTEM_TENANT } from '@smmbot/core';
import { describe, expect, it } from 'vitest';
import { LEASE_KEY } from '../src/distributed/leased.js';
import { type CheckedPhone, checkRun } from '../src/sim/checker.js';
import { type Cluster, cluster, poolMessage, type Proc } from './leased-harness.js';

const START = Date.UTC(2026, 0, 5, 9, 0, 0);
const LEASE = 10_000;
const RENEW = 3_333;
const options = {
  rules: {
    // Closes half an hour after the start: the backlog waits for the next morning (replies are exempt).
    workingHours: { from: '08:00', to: '09:30', timezone: 'UTC' },
    maxDailyPerPhone: 400,
    warmup: [],
  },
  distributed: { leaseMs: LEASE, pollMs: 5_000 },
};

/** Advances until `done` holds (checked every `step` ms of virtual time), at most `max` ms. */
async function until(c: Cluster, done: () => boolean | Promise<boolean>, step: number, max: number): Promise<void> {
  for (let t = 0; !(await done()); t += step) {
    if (t >= max) throw new Error(`not done after ${max} ms of virtual time`);
    await c.clock.advance(step);
  }
}

async function states(c: Cluster, ids: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const id of ids) {
    const s = (await c.queue.get('t1', id))?.state ?? 'missing';
    out[s] = (out[s] ?? 0) + 1;
  }
  return out;
}

function sendsById(c: Cluster): Map<string, number> {
  const times = new Map<string, number>();
  for (const s of c.log.sends) times.set(s.jobId, (times.get(s.jobId) ?? 0) + 1);
  return times;
}

describe('leased mode: one leader schedules, the others store and hand over', () => {
  it('only the leader sends; killed mid-send, the other takes over after the lease: all sent, one duplicate at most, every rule kept', async () => {
    const c = cluster({ names: ['A', 'B'], ages: [45, 60, 90, 120], options, start: START });
    const [a, b] = c.procs as [Proc, Proc];
    await a.balancer.start(['t1']);
    await b.balancer.start(['t1']);
    expect([a.balancer.isLeader, b.balancer.isLeader]).toEqual([true, false]);

    const ids: string[] = [];
    const enqueue = async (via: Proc, i: number) => {
      // Every tenth is a support reply to the customer who wrote to p2 (sticky, exempt from hours and cooldown).
      const reply = i % 10 === 9 ? { channel: 'p2', route: 'sticky' as const, priority: 'support' as const } : {};
      const r = await via.balancer.enqueue(poolMessage(i, reply));
      expect(r.created).toBe(true);
      ids.push(r.id);
    };
    for (let i = 0; i < 150; i++) await enqueue(i % 2 ? b : a, i);
    await c.clock.advance(2 * 60_000);
    expect(a.sends.length).toBeGreaterThan(20);
    expect(b.sends).toEqual([]);

    // The leader dies right after the platform accepted a message, before it recorded `sent`.
    let killedAt = 0;
    a.dieAfterNextSend = () => {
      killedAt = c.clock.now();
      c.kill(a);
    };
    await until(c, () => a.dead, 1_000, 60_000);
    const inDoubt = a.sends.at(-1)!.jobId;
    expect((await c.queue.get('t1', inDoubt))?.state).toBe('sending');
    for (let i = 150; i < 300; i++) await enqueue(b, i);
    expect(b.balancer.isLeader).toBe(false);

    await until(c, () => b.balancer.isLeader, 100, 2 * LEASE);
    const tookOverAt = c.clock.now();
    // The lease was last renewed before the kill: it ran out within leaseMs of it, and not much sooner.
    expect(tookOverAt - killedAt).toBeGreaterThanOrEqual(LEASE - RENEW - 1);
    expect(tookOverAt - killedAt).toBeLessThanOrEqual(LEASE + RENEW);
    await until(c, async () => (await states(c, ids)).sent === ids.length, 10 * 60_000, 2 * 86_400_000);

    expect(await states(c, ids)).toEqual({ sent: 300 });
    expect(b.sends[0]!.at).toBeGreaterThanOrEqual(tookOverAt);
    expect(a.sends.every((s) => s.at <= killedAt)).toBe(true);
    const times = sendsById(c);
    expect([...times.keys()].sort()).toEqual([...ids].sort());
    const duplicated = [...times].filter(([, n]) => n > 1).map(([id]) => id);
    console.log(
      `leased unit run: ${c.log.sends.length} sends of ${ids.length} messages; A ${a.sends.length}, B ${b.sends.length}; ` +
        `takeover ${tookOverAt - killedAt} ms after the kill; duplicated: ${duplicated.join(', ') || '-'} (in doubt: ${inDoubt})`,
    );
    expect(duplicated.length).toBeLessThanOrEqual(1);
    if (duplicated.length) expect(duplicated).toEqual([inDoubt]);

    // The rules, checked from what the phones actually sent (both processes' phones are the same numbers).
    const phones: CheckedPhone[] = [...c.registeredAt].map(([name, registeredAt]) => ({ name, registeredAt }));
    const violations = checkRun({ tenant: 't1', options: c.options, phones, attempts: c.log.attempts });
    // The re-sent message breaks the rules only as itself (sent twice, to a recipient it had just reached).
    console.log(`  rules broken, all by the re-sent message: ${violations.map((v) => v.rule).join(', ') || '-'}`);
    expect(violations.filter((v) => v.jobId !== inDoubt)).toEqual([]);
  }, 60_000);

  it('a drained leader releases the lease: the other takes over at its next try, nothing sent twice', async () => {
    const c = cluster({ names: ['A', 'B'], ages: [60, 90], options, start: START });
    const [a, b] = c.procs as [Proc, Proc];
    await a.balancer.start(['t1']);
    await b.balancer.start(['t1']);
    for (let i = 0; i < 40; i++) await b.balancer.enqueue(poolMessage(i));
    await c.clock.advance(60_000);
    const drained = a.balancer.drain();
    await c.clock.advance(30_000);
    await drained;
    expect(a.balancer.isLeader).toBe(false);
    expect(await c.kv.get(SYSTEM_TENANT, LEASE_KEY)).toBeUndefined();
    await c.clock.advance(RENEW + 1);
    expect(b.balancer.isLeader).toBe(true);
    const sentByA = a.sends.length;
    await c.clock.advance(3 * 3_600_000);
    expect(a.sends.length).toBe(sentByA);
    expect(c.log.sends.length).toBe(40);
    expect(new Set(c.log.sends.map((s) => s.jobId)).size).toBe(40);
  });

  it('a partitioned leader (its kv unreachable, its phones fine) stops sending when its own deadline passes', async () => {
    const c = cluster({ names: ['A', 'B'], ages: [60, 90], options, start: START });
    const [a, b] = c.procs as [Proc, Proc];
    await a.balancer.start(['t1']);
    await b.balancer.start(['t1']);
    for (let i = 0; i < 60; i++) await b.balancer.enqueue(poolMessage(i));
    await c.clock.advance(30_000);
    a.kvCut = true;
    const cutAt = c.clock.now();
    await c.clock.advance(LEASE + RENEW);
    expect(a.balancer.isLeader).toBe(false);
    expect(b.balancer.isLeader).toBe(true);
    await c.clock.advance(3 * 3_600_000);
    // A's last platform call began before its deadline (cut + leaseMs); none after.
    expect(a.sends.every((s) => s.at < cutAt + LEASE + 10_000)).toBe(true);
    const times = sendsById(c);
    expect(times.size).toBe(60);
    expect(c.log.sends.length - times.size).toBeLessThanOrEqual(1);
  });

  it('an id the transport never delivered is found by the rescan within two polls', async () => {
    const c = cluster({ names: ['A', 'B'], ages: [60], options, start: START });
    const [a, b] = c.procs as [Proc, Proc];
    await a.balancer.start(['t1']);
    await b.balancer.start(['t1']);
    c.bus.dropSubmits = true;
    const enqueuedAt = c.clock.now();
    await b.balancer.enqueue(poolMessage(1));
    await c.clock.advance(60_000);
    expect(c.bus.delivered).toBe(0);
    expect(a.sends.map((s) => s.jobId)).toEqual(['m-1']);
    // Found by the first rescan (5 s), then the phone's pause: delay (≤ 6 s) and typing (≤ 5.8 s).
    expect(a.sends[0]!.at - enqueuedAt).toBeLessThanOrEqual(5_000 + 6_000 + 5_800);
  });

  it('a process with leader: false never leads; arrival numbers are unique across processes and continue above stored jobs', async () => {
    const c = cluster({ names: ['W1', 'W2'], ages: [60], options, start: START, leaders: { W1: false, W2: false } });
    const [w1, w2] = c.procs as [Proc, Proc];
    // A job stored earlier, in single-process mode, with number 41.
    await c.queue.add({ ...(await storedJob(41)) });
    await w1.balancer.start(['t1']);
    await w2.balancer.start(['t1']);
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? w1 : w2).balancer.enqueue(poolMessage(i))));
    await c.clock.advance(5 * 60_000);
    expect([w1.balancer.isLeader, w2.balancer.isLeader]).toEqual([false, false]);
    expect(c.log.sends).toEqual([]);
    const seqs = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await c.queue.get('t1', `m-${i}`))!.seq),
    );
    expect(new Set(seqs).size).toBe(20);
    expect(Math.min(...seqs)).toBeGreaterThan(41);
    expect((await w1.balancer.status('t1', 'm-3'))?.state).toBe('queued');
    const snap = await w1.balancer.snapshot('t1');
    expect(snap).toMatchObject({ view: 'unavailable', phones: [], nextPhone: null });
  });

  it('a follower shows the snapshot the leader published, and estimates positions from it', async () => {
    const c = cluster({ names: ['A', 'B'], ages: [60, 90], options, start: START });
    const [a, b] = c.procs as [Proc, Proc];
    await a.balancer.start(['t1']);
    await b.balancer.start(['t1']);
    for (let i = 0; i < 30; i++) await a.balancer.enqueue(poolMessage(i));
    await c.clock.advance(5_001);
    const live = await a.balancer.snapshot('t1');
    const stored = await b.balancer.snapshot('t1');
    expect(live.view).toBe('live');
    expect(stored.view).toBe('stored');
    expect(stored.phones.map((p) => p.channel)).toEqual(['p1', 'p2']);
    const r = await b.balancer.enqueue(poolMessage(100));
    expect(r.position).toBe(stored.queue.queued);
    expect(r.estimatedAt).toBeGreaterThan(c.clock.now());
  });
});

async function storedJob(seq: number) {
  const now = START - 86_400_000;
  return {
    id: 'old-1',
    tenantId: 't1',
    message: { ...poolMessage(-1), id: 'old-1' },
    state: 'sent' as const,
    lane: 'system' as const,
    seq,
    notBefore: now,
    attempts: 1,
    createdAt: now,
    updatedAt: now,
    sentAt: now,
  };
}
