import { randomUUID } from 'node:crypto';
import { NotLeaderError } from '@smmbot/balancer';
import { silentLogger } from '@smmbot/core';
import { realServerUrl } from '@smmbot/core/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BULLMQ_REDIS_OPTIONS } from '../src/connection.js';
import { BullOutboundTransport, OUTBOUND_QUEUE_NAME, outboundJobId } from '../src/outbound/index.js';

const url = realServerUrl('redis');

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
});

/** A prefix of its own per test, deleted afterwards. */
function prefix(): string {
  const p = `smmbot-outbound-test-${randomUUID().slice(0, 8)}`;
  cleanup.push(async () => {
    const admin = new Redis(url!, { maxRetriesPerRequest: 1 });
    const keys = await admin.keys(`${p}:*`);
    if (keys.length) await admin.unlink(...keys);
    await admin.quit();
  });
  return p;
}

function transport(p: string, over: Partial<ConstructorParameters<typeof BullOutboundTransport>[0]> = {}) {
  const t = new BullOutboundTransport({ connection: url!, prefix: p, logger: silentLogger(), ...over });
  cleanup.push(() => t.close());
  return t;
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!url)('BullOutboundTransport (real Redis)', () => {
  it('job ids: no ":", never an integer, one per (tenant, id)', () => {
    expect(outboundJobId('t1', 'webchat:abc:r1')).toBe('t1/webchat%3Aabc%3Ar1');
    expect(outboundJobId('42', '7')).toBe('42/7');
    expect(outboundJobId('a/b', 'c')).not.toBe(outboundJobId('a', 'b/c'));
  });

  it('a duplicate submit adds nothing; the consumer gets each id once, with its tenant', async () => {
    const p = prefix();
    const producer = transport(p);
    await producer.submit('t1', 'webchat:abc:r1');
    await producer.submit('t1', 'webchat:abc:r1');
    await producer.submit('42', 'm-1');
    const queue = new Queue(OUTBOUND_QUEUE_NAME, { connection: new Redis(url!, BULLMQ_REDIS_OPTIONS), prefix: p });
    cleanup.push(() => queue.close());
    expect(await queue.getWaitingCount()).toBe(2);

    const got: string[] = [];
    const leader = transport(p);
    const consumer = await leader.consume(async (tenant, id) => void got.push(`${tenant} ${id}`));
    await until(() => got.length === 2, 'two admissions');
    // Already admitted (kept as completed): submitting again adds nothing.
    await producer.submit('t1', 'webchat:abc:r1');
    await new Promise((r) => setTimeout(r, 300));
    await consumer.stop();
    expect(got.sort()).toEqual(['42 m-1', 't1 webchat:abc:r1']);
  });

  it('an id refused by a process that lost the lead is retried and reaches the next leader', async () => {
    const p = prefix();
    const refused: string[] = [];
    const old = await transport(p, { backoffMs: 100 }).consume(async (_t, id) => {
      refused.push(id);
      throw new NotLeaderError();
    });
    await transport(p).submit('t1', 'm-1');
    await until(() => refused.length > 0, 'a refusal');
    await old.stop();
    const got: string[] = [];
    await transport(p).consume(async (_t, id) => void got.push(id));
    await until(() => got.length === 1, 'the retry');
    expect(got).toEqual(['m-1']);
  });

  it('a leader killed while admitting: after its lock expires the job goes back to wait and the next leader admits it', async () => {
    const p = prefix();
    const deadClient = new Redis(url!, BULLMQ_REDIS_OPTIONS);
    let taken = 0;
    // The old leader's admission never finishes; then its connection dies (no more lock renewals).
    // Not closed afterwards: a clean close would wait for the admission that never ends, as a killed process would.
    const dead = new BullOutboundTransport({
      connection: deadClient,
      prefix: p,
      logger: silentLogger(),
      lockDurationMs: 1_000,
      stalledIntervalMs: 500,
    });
    await dead.consume(() => {
      taken++;
      return new Promise<void>(() => undefined);
    });
    await transport(p).submit('t1', 'm-stalled');
    await until(() => taken === 1, 'the first take');
    deadClient.disconnect();
    const got: string[] = [];
    const started = Date.now();
    await transport(p, { lockDurationMs: 1_000, stalledIntervalMs: 500 }).consume(async (_t, id) => void got.push(id));
    await until(() => got.length === 1, 'the stalled job to reach the next leader');
    expect(got).toEqual(['m-stalled']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
