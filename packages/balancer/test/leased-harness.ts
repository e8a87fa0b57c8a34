// Several balancer "processes" in one test process: they share one memory storage and one clock,
// each has its own phones (the same numbers, as every worker registers the tenant's channels) and
// its own transport end. Time is virtual: the simulator's HeapClock (core's VirtualClock semantics on a
// heap, fast over a simulated night of lease renewals). Killing a process makes every call it makes from then on hang forever,
// as if it had vanished: no release, no renewal, no write, no send.
import { ChannelRegistry, type OutboundMessage, silentLogger, type TenantId } from '@smmbot/core';
import { MemoryKeyValueStore, MemoryRecordStore } from '@smmbot/storage-memory';
import { LocalBalancer } from '../src/balancer.js';
import { type BalancerOptions, balancerOptionsSchema } from '../src/config.js';
import type { AdmitHandler, OutboundTransport } from '../src/distributed/transport.js';
import { StoreSendQueue } from '../src/queue/store-queue.js';
import { HeapClock } from '../src/sim/clock.js';
import { SimLog, SimPhone } from '../src/sim/phone.js';
import { seeded } from '../src/sim/random.js';

const never = <T>() => new Promise<T>(() => undefined);

export interface Proc {
  name: string;
  dead: boolean;
  /** Only the kv is unreachable (a network partition): the process and its phones go on. */
  kvCut?: boolean;
  balancer: LocalBalancer;
  /** Platform sends made through this process's phones. */
  sends: { at: number; jobId: string }[];
  /** Set: the process dies right after its next platform send is accepted (before it is recorded). */
  dieAfterNextSend?: () => void;
}

/** Every method call through it hangs once the process is dead; objects it returns (collections, locks) too. */
export function killable<T extends object>(target: T, proc: { dead: boolean }): T {
  return new Proxy(target, {
    get(obj, key) {
      const value = Reflect.get(obj, key, obj) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (proc.dead) return never();
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        if (result instanceof Promise) return result.then((r) => (proc.dead ? never() : wrap(r, proc)));
        return wrap(result, proc);
      };
    },
  });
}

function wrap(value: unknown, proc: { dead: boolean }): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const isInstance = Object.getPrototypeOf(value) !== Object.prototype;
  const hasMethods = Object.values(value).some((v) => typeof v === 'function');
  return isInstance || hasMethods ? killable(value, proc) : value;
}

/**
 * A shared queue of job ids with BullMQ's guarantees: a job goes to one live consumer; one that
 * throws (not the leader) is retried a second later; jobs a killed process was handling go back
 * to wait (stalled recovery). A duplicate submit of a waiting id adds nothing.
 */
export class FakeBus {
  private readonly waiting = new Map<string, { tenant: TenantId; id: string }>();
  private readonly consumers: { proc: Proc; handler: AdmitHandler }[] = [];
  private readonly handling = new Map<string, { proc: Proc; item: { tenant: TenantId; id: string } }>();
  delivered = 0;
  dropSubmits = false;

  constructor(private readonly clock: HeapClock) {}

  transportFor(proc: Proc): OutboundTransport {
    return {
      submit: async (tenant, id) => {
        if (proc.dead) return never();
        if (this.dropSubmits) return;
        this.waiting.set(`${tenant}/${id}`, { tenant, id });
        this.deliver();
      },
      consume: async (handler) => {
        const c = { proc, handler };
        this.consumers.push(c);
        this.deliver();
        return {
          stop: async () => {
            const i = this.consumers.indexOf(c);
            if (i >= 0) this.consumers.splice(i, 1);
          },
        };
      },
      close: async () => undefined,
    };
  }

  killed(proc: Proc): void {
    for (let i = this.consumers.length - 1; i >= 0; i--)
      if (this.consumers[i]!.proc === proc) this.consumers.splice(i, 1);
    for (const [key, h] of this.handling) {
      if (h.proc !== proc) continue;
      this.handling.delete(key);
      this.waiting.set(key, h.item);
    }
    this.deliver();
  }

  private deliver(): void {
    const consumer = this.consumers.find((c) => !c.proc.dead);
    if (!consumer) return;
    for (const [key, item] of this.waiting) {
      this.waiting.delete(key);
      this.handling.set(key, { proc: consumer.proc, item });
      consumer.handler(item.tenant, item.id).then(
        () => {
          this.handling.delete(key);
          this.delivered++;
        },
        () => {
          this.handling.delete(key);
          this.clock.setTimeout(() => {
            this.waiting.set(key, item);
            this.deliver();
          }, 1_000);
        },
      );
    }
  }
}

export interface Cluster {
  clock: HeapClock;
  log: SimLog;
  bus: FakeBus;
  store: MemoryRecordStore;
  kv: MemoryKeyValueStore;
  queue: StoreSendQueue;
  options: BalancerOptions;
  procs: Proc[];
  registeredAt: Map<string, number>;
  kill(proc: Proc): void;
}

/** `names.length` processes over one storage, each with phones `p1..pN` of tenant t1 (aged `ages` days). */
export function cluster(opts: {
  names: string[];
  ages: number[];
  options: Record<string, unknown>;
  start: number;
  leaders?: Record<string, boolean>;
}): Cluster {
  const clock = new HeapClock(opts.start);
  const log = new SimLog();
  const bus = new FakeBus(clock);
  const store = new MemoryRecordStore();
  const kv = new MemoryKeyValueStore(clock);
  const phoneNames = opts.ages.map((_, i) => `p${i + 1}`);
  const registeredAt = new Map(phoneNames.map((n, i) => [n, opts.start - Math.round(opts.ages[i]! * 86_400_000)]));
  const base = balancerOptionsSchema.parse({
    ...opts.options,
    phones: Object.fromEntries(phoneNames.map((n) => [n, { registeredAt: registeredAt.get(n) }])),
  });
  const procs = opts.names.map((name, i) => {
    const proc = { name, dead: false, sends: [] } as unknown as Proc;
    const channels = new ChannelRegistry();
    for (const phoneName of phoneNames) {
      const phone = new SimPhone(phoneName, 't1', clock, log, {
        invalid: new Set(),
        transientRate: 0,
        random: seeded(i),
      });
      const send = phone.send.bind(phone);
      phone.send = async (message) => {
        if (proc.dead) return never();
        const receipt = await send(message);
        proc.sends.push({ at: clock.now(), jobId: message.id! });
        if (proc.dieAfterNextSend) {
          proc.dieAfterNextSend();
          return never();
        }
        return receipt;
      };
      channels.add(phone);
    }
    const leader = opts.leaders?.[name] ?? true;
    const options = { ...base, distributed: { ...base.distributed!, leader } };
    const procStore = killable(store, proc);
    proc.balancer = new LocalBalancer({
      options,
      queue: new StoreSendQueue(procStore),
      kv: killable(kv, {
        get dead() {
          return proc.dead || proc.kvCut === true;
        },
      }),
      store: procStore,
      clock,
      logger: silentLogger(),
      channels,
      transport: bus.transportFor(proc),
      random: seeded(100 + i),
    });
    return proc;
  });
  const kill = (proc: Proc) => {
    proc.dead = true;
    bus.killed(proc);
  };
  return { clock, log, bus, store, kv, queue: new StoreSendQueue(store), options: base, procs, registeredAt, kill };
}

export function poolMessage(i: number, over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `m-${i}`,
    tenantId: 't1',
    channel: '*',
    route: 'pool',
    chatId: `${8801700000000 + (i % 120)}@s.whatsapp.net`,
    text: `message ${i}: your order is on its way`,
    priority: i % 4 === 0 ? 'marketing' : 'system',
    ...over,
  };
}
