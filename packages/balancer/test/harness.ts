import { ChannelRegistry, type Channel, createLogger, type OutboundMessage, VirtualClock } from '@smmbot/core';
import { FakePhone } from '@smmbot/core/testing';
import { MemoryKeyValueStore, MemoryRecordStore } from '@smmbot/storage-memory';
import { LocalBalancer } from '../src/balancer.js';
import { type BalancerOptions, balancerOptionsSchema } from '../src/config.js';
import { StoreSendQueue } from '../src/queue/store-queue.js';
import type { SendQueue } from '../src/queue/types.js';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export { seeded } from '../src/sim/random.js';
import { seeded } from '../src/sim/random.js';

export interface Rig {
  clock: VirtualClock;
  balancer: LocalBalancer;
  channels: ChannelRegistry;
  store: MemoryRecordStore;
  kv: MemoryKeyValueStore;
  queue: SendQueue;
  phones: FakePhone[];
  options: BalancerOptions;
}

/** A balancer over fake phones (all of tenant `t1` unless named `tenant/name`), on virtual time. */
export async function rig(
  opts: {
    phones?: string[];
    options?: unknown;
    start?: number;
    extra?: Channel[];
    store?: MemoryRecordStore;
    kv?: MemoryKeyValueStore;
  } = {},
): Promise<Rig> {
  const clock = new VirtualClock(opts.start ?? Date.UTC(2026, 0, 5, 10, 0, 0));
  const channels = new ChannelRegistry();
  const phones = (opts.phones ?? ['p1']).map((spec) => {
    const [tenant, name] = spec.includes('/') ? spec.split('/') : ['t1', spec];
    return new FakePhone(name!, tenant!, clock);
  });
  for (const p of phones) channels.add(p);
  for (const c of opts.extra ?? []) channels.add(c);
  const store = opts.store ?? new MemoryRecordStore();
  const kv = opts.kv ?? new MemoryKeyValueStore(clock);
  const options = balancerOptionsSchema.parse(opts.options ?? {});
  const queue = new StoreSendQueue(store);
  const balancer = new LocalBalancer({
    options,
    queue,
    kv,
    store,
    clock,
    logger: createLogger({ level: 'silent' }),
    channels,
    random: seeded(42),
  });
  await balancer.start([...new Set(phones.map((p) => p.tenantId))]);
  return { clock, balancer, channels, store, kv, queue, phones, options };
}

export function msg(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    tenantId: 't1',
    channel: 'p1',
    chatId: 'c1@s.whatsapp.net',
    text: 'hello there',
    priority: 'system',
    ...over,
  };
}
