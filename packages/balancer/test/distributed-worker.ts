// One worker process of the scale-out crash test (queue-bullmq/test/outbound-crash.test.ts): a
// LocalBalancer in leased mode on PostgreSQL (records) + Redis (kv), handing job ids over with the
// BullMQ transport. Run as `node --import ./ts-hooks.mjs ./distributed-worker.ts '<json>'`.
//
// - It enqueues its share of the messages (m-<i> with i % workers === index) that `acks.log` does
//   not list yet, appending each id there once `enqueue` resolved (the producer's acknowledgement).
// - Its fake phones are the platform: each accepted send appends `<id> <worker>` to `sends.log`
//   with a synchronous write before `send` returns (once there, the message went out).
// - It prints `lead` / `follow` when it gains or loses the lease, `enqueued` when its share is in.
// - With `stallAtSend` = n, its n-th send stalls right after the platform accepted it (before
//   `sent` is recorded), so the parent can SIGKILL it in that window; only the first worker to get
//   there does (`stalled.flag`). SIGTERM drains and exits 0.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelRegistry, createLogger, type OutboundMessage, SystemClock } from '@smmbot/core';
import { FakePhone } from '@smmbot/core/testing';
import { createPostgresStorage } from '@smmbot/storage-postgres';
import { createRedisKv } from '@smmbot/storage-redis';
// Relative, not `@smmbot/queue-bullmq`: that package depends on this one, and this is test code only.
import { BullOutboundTransport } from '../../queue-bullmq/src/outbound/index.js';
import { LocalBalancer } from '../src/balancer.js';
import { balancerOptionsSchema } from '../src/config.js';
import { StoreSendQueue } from '../src/queue/store-queue.js';

export interface DistributedWorkerArgs {
  dir: string;
  name: string;
  index: number;
  workers: number;
  total: number;
  phones: number;
  pgUrl: string;
  pgSchema: string;
  redisUrl: string;
  /** Redis key prefixes: the kv's and BullMQ's. */
  kvPrefix: string;
  bullPrefix: string;
  leaseMs: number;
  pollMs: number;
  stallAtSend?: number;
  /** Pause after each enqueue, so enqueueing and sending overlap. */
  enqueueGapMs: number;
}

const TENANT = 't1';
const args = JSON.parse(process.argv[2] ?? '{}') as DistributedWorkerArgs;
const line = (text: string) => writeSync(1, `${text}\n`);
const clock = new SystemClock();
const logger = createLogger({ level: 'warn', destination: { write: (s: string) => void writeSync(2, s) } });
const storage = createPostgresStorage({ url: args.pgUrl, schema: args.pgSchema, clock, poolMax: 4 });
const kv = createRedisKv({ url: args.redisUrl, clock, prefix: args.kvPrefix });
const transport = new BullOutboundTransport({
  connection: args.redisUrl,
  prefix: args.bullPrefix,
  logger,
  lockDurationMs: args.leaseMs,
  stalledIntervalMs: args.pollMs,
});
const sendsLog = openSync(path.join(args.dir, 'sends.log'), 'a');
const acksLog = openSync(path.join(args.dir, 'acks.log'), 'a');

const claimStall = () => {
  try {
    closeSync(openSync(path.join(args.dir, 'stalled.flag'), 'wx'));
    return true;
  } catch {
    return false;
  }
};

const channels = new ChannelRegistry();
let sends = 0;
for (let i = 1; i <= args.phones; i++) {
  const phone = new FakePhone(`p${i}`, TENANT, clock);
  phone.onSend = (message) => {
    writeSync(sendsLog, `${message.id} ${args.name}\n`);
    phone.sends.length = 0;
    // Only the first process to get there stalls (the flag file is created exclusively): one planned window.
    if (++sends === args.stallAtSend && claimStall()) {
      line(`stalled ${message.id}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    }
  };
  channels.add(phone);
}

// Pacing off: the durable hand-over between processes is under test, the anti-ban rules are
// covered on virtual time (balancer/test/leased.test.ts).
const options = balancerOptionsSchema.parse({
  rules: {
    delayMinMs: 0,
    delayMaxMs: 0,
    recipientCooldownMs: 0,
    warmup: [],
    typing: { perSqrtCharMs: 0, capMs: 0, extraMinMs: 0, extraMaxMs: 0 },
  },
  distributed: { leaseMs: args.leaseMs, pollMs: args.pollMs },
});
const balancer = new LocalBalancer({
  options,
  queue: new StoreSendQueue(storage.records),
  kv,
  store: storage.records,
  clock,
  logger,
  channels,
  transport,
});

const message = (i: number): OutboundMessage => ({
  id: `m-${i}`,
  tenantId: TENANT,
  channel: '*',
  route: 'pool',
  chatId: `${1_000_000 + i}@s.whatsapp.net`,
  text: `scale-out test message ${i}`,
  priority: 'system',
});

// SystemClock timers are unref'd: hold the process open; report lease changes as they happen.
let leading = false;
const watch = setInterval(() => {
  if (balancer.isLeader === leading) return;
  leading = balancer.isLeader;
  line(leading ? 'lead' : 'follow');
}, 10);

let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
  void (async () => {
    await balancer.drain();
    clearInterval(watch);
    await Promise.all([storage.close(), kv.close()]);
    line(`drained ${sends}`);
    process.exit(0);
  })();
});

await storage.ready;
await balancer.start([TENANT]);
line(`started ${args.name}`);
let acked: Set<string>;
try {
  acked = new Set(readFileSync(path.join(args.dir, 'acks.log'), 'utf8').split('\n'));
} catch {
  acked = new Set();
}
for (let i = args.index; i < args.total && !stopping; i += args.workers) {
  if (acked.has(`m-${i}`)) continue;
  await balancer.enqueue(message(i));
  writeSync(acksLog, `m-${i}\n`);
  await sleep(args.enqueueGapMs);
}
line('enqueued');
