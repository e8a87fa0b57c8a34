import {
  type BotPlugin,
  type Clock,
  createLogger,
  type PanelBalance,
  type PanelCapability,
  type PanelClient,
  type PanelOrder,
  type PanelService,
  SecretBox,
  type StorageBackend,
  Tokens,
  VirtualClock,
} from '@smmbot/core';
import { createMemoryStorage } from '@smmbot/storage-memory';
import { createSqliteStorage } from '@smmbot/storage-sqlite';
import { type ProviderConnection, type ProviderConnector, ProviderService } from '../src/index.js';

export const SECRET = 'test-secret-key-that-is-long-enough-1234';
export const TENANT = 'acme';
export const OTHER = 'globex';

/** A provider's classic API in process: a mutable catalog, switchable failures, an optional gate. */
export class FakeProviderPanel implements PanelClient {
  readonly name = 'fake-provider';
  readonly capabilities: ReadonlySet<PanelCapability> = new Set<PanelCapability>(['orders.get', 'services', 'balance']);
  catalog: PanelService[];
  balanceValue: PanelBalance = { amount: 42.5, currency: 'USD' };
  failServices?: Error;
  failBalance?: Error;
  /** While set, `services()` waits for it (to hold a sync mid-flight). */
  gate?: Promise<void>;
  calls = { services: 0, balance: 0, close: 0 };

  constructor(catalog: PanelService[] = []) {
    this.catalog = catalog;
  }

  async getOrders(_ids: string[]): Promise<PanelOrder[]> {
    return [];
  }

  async services(): Promise<PanelService[]> {
    this.calls.services++;
    if (this.gate) await this.gate;
    if (this.failServices) throw this.failServices;
    return structuredClone(this.catalog);
  }

  async balance(): Promise<PanelBalance> {
    this.calls.balance++;
    if (this.failBalance) throw this.failBalance;
    return this.balanceValue;
  }

  async close(): Promise<void> {
    this.calls.close++;
  }
}

/** A connector that hands out one fake per provider name and records what it was given. */
export function fakeConnector() {
  const panels = new Map<string, FakeProviderPanel>();
  const connections: ProviderConnection[] = [];
  const panel = (name: string) => {
    let p = panels.get(name);
    if (!p) {
      p = new FakeProviderPanel(catalog(5));
      panels.set(name, p);
    }
    return p;
  };
  const connect: ProviderConnector = (provider) => {
    connections.push({ ...provider });
    return panel(provider.name);
  };
  return { connect, panel, connections };
}

export function service(id: number, name = `Instagram Followers #${id} [Refill 30D]`, rate = 1.5): PanelService {
  return { id: String(id), name, category: 'Instagram', type: 'Default', rate, min: 10, max: 10_000, refill: true };
}

export function catalog(n: number, from = 1): PanelService[] {
  return Array.from({ length: n }, (_, i) => service(from + i));
}

export function captureLogs() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  return { lines, logger };
}

export const secretsPlugin = (): BotPlugin => ({
  name: 'test:secrets',
  register: (c) => c.register(Tokens.Secrets, { useValue: new SecretBox(SECRET) }),
});

export const BACKENDS: [string, (clock: Clock) => StorageBackend][] = [
  ['memory', (clock) => createMemoryStorage(clock)],
  ['sqlite', (clock) => createSqliteStorage({ path: ':memory:', clock })],
];

/** A ProviderService on a fresh store of the given backend, a virtual clock and fake providers. */
export function setup(makeStorage: (clock: Clock) => StorageBackend) {
  const clock = new VirtualClock();
  const storage = makeStorage(clock);
  const logs = captureLogs();
  const secrets = new SecretBox(SECRET);
  const fakes = fakeConnector();
  const providers = new ProviderService({
    store: storage.records,
    kv: storage.kv,
    clock,
    logger: logs.logger,
    secrets,
    connect: fakes.connect,
  });
  const close = async () => {
    await storage.records.close();
    await storage.kv.close();
  };
  return { clock, storage, logs, secrets, fakes, providers, close };
}

export const ALPHA = { name: 'Alpha SMM', url: 'https://alpha.example/api/v2', key: 'alpha-key-0001' };
export const BETA = { name: 'Beta Panel', url: 'https://beta.example/api/v2', key: 'beta-key-0002' };
