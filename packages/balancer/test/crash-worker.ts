// The process crash.test.ts kills: a LocalBalancer on a SQLite file, real time, anti-ban fake phones
// whose platform is a log file. Run as `node --import ./ts-hooks.mjs ./crash-worker.ts '<json>'`.
//
// - Each send the fake platform accepts appends its message id to `sends.log` with a synchronous
//   write before `send` returns: once the line is there, the "platform" has the message, whatever
//   happens to this process next. The log does not dedupe, so duplicates are countable.
// - With `enqueueFrom`, it enqueues m-<enqueueFrom> .. m-<total-1> one by one and appends each id to
//   `acks.log` once `enqueue` resolved (the producer's acknowledgement), then prints `queued`.
// - With `stallAtSend` = n, the n-th send of this run stalls right after the platform accepted it
//   (before the balancer records `sent`) so the parent can SIGKILL it in that window.
// - Then it waits until the balancer is idle and prints `done <json>` with the store's job states.
import { openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { ChannelRegistry, createLogger, type OutboundMessage, SystemClock } from '@smmbot/core';
import { FakePhone } from '@smmbot/core/testing';
import { createSqliteStorage } from '@smmbot/storage-sqlite';
import { LocalBalancer } from '../src/balancer.js';
import { balancerOptionsSchema } from '../src/config.js';
import { StoreSendQueue } from '../src/queue/store-queue.js';
import type { JobState, SendJob } from '../src/types.js';

export interface CrashWorkerArgs {
  dir: string;
  total: number;
  phones: number;
  enqueueFrom?: number;
  stallAtSend?: number;
}

const TENANT = 't1';
const args = JSON.parse(process.argv[2] ?? '{}') as CrashWorkerArgs;
const clock = new SystemClock();
const storage = createSqliteStorage({ path: path.join(args.dir, 'jobs.db'), clock });
const sendsLog = openSync(path.join(args.dir, 'sends.log'), 'a');
const acksLog = openSync(path.join(args.dir, 'acks.log'), 'a');
const line = (text: string) => writeSync(1, `${text}\n`);

const channels = new ChannelRegistry();
let sends = 0;
for (let i = 1; i <= args.phones; i++) {
  const phone = new FakePhone(`p${i}`, TENANT, clock);
  phone.onSend = (message) => {
    writeSync(sendsLog, `${message.id}\n`);
    sends++;
    // Keep memory flat over 10,000 sends: the log is the record.
    phone.sends.length = 0;
    if (sends === args.stallAtSend) {
      line(`stalled ${message.id}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    }
  };
  channels.add(phone);
}

// Anti-ban pacing off (no delays, typing, cooldowns, warm-up caps or hours): only the durable
// queue and the in-flight bound (maxInFlightSends 1, the default) are under test.
const options = balancerOptionsSchema.parse({
  rules: {
    delayMinMs: 0,
    delayMaxMs: 0,
    recipientCooldownMs: 0,
    warmup: [],
    typing: { perSqrtCharMs: 0, capMs: 0, extraMinMs: 0, extraMaxMs: 0 },
    replies: { delayMinMs: 0, delayMaxMs: 0 },
  },
});
const queue = new StoreSendQueue(storage.records);
const balancer = new LocalBalancer({
  options,
  queue,
  kv: storage.kv,
  store: storage.records,
  clock,
  logger: createLogger({ level: 'warn', destination: { write: (s: string) => void writeSync(2, s) } }),
  channels,
});

const message = (i: number): OutboundMessage => ({
  id: `m-${i}`,
  tenantId: TENANT,
  channel: '*',
  route: 'pool',
  chatId: `${1_000_000 + i}@s.whatsapp.net`,
  text: `crash test message ${i}`,
  priority: 'marketing',
});

// SystemClock timers are unref'd (they must not keep a CLI alive): hold the process open until done.
const keepAlive = setInterval(() => undefined, 1_000);
const t0 = performance.now();
await balancer.start([TENANT]);
line(`started ${Math.round(performance.now() - t0)}ms`);
if (args.enqueueFrom !== undefined) {
  for (let i = args.enqueueFrom; i < args.total; i++) {
    await balancer.enqueue(message(i));
    writeSync(acksLog, `m-${i}\n`);
    // Let sends run alongside, so a kill can land with both going on.
    if (i % 50 === 49) await yieldToLoop();
  }
  line(`queued ${Math.round(performance.now() - t0)}ms`);
}
await balancer.idle();
const states: Partial<Record<JobState, number>> = {};
const jobs = storage.records.collection<SendJob>({ name: 'outbound_jobs' });
for (const state of ['queued', 'pending', 'sending', 'sent', 'failed'] as const) {
  states[state] = await jobs.count(TENANT, { state });
}
await storage.close();
clearInterval(keepAlive);
line(`done ${JSON.stringify({ sends, ms: Math.round(performance.now() - t0), states })}`);
