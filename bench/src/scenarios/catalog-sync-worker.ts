/**
 * Child process of the catalog-sync scenario: the syncing bot alone (ProviderService over a temp-file
 * SQLite store), so its RSS is not mixed with the panel-sim or what earlier scenarios left on the
 * heap. The parent runs the sim, sends requests over IPC and checks the answers.
 */
import { statSync } from 'node:fs';
import { type PanelClient, SecretBox, SystemClock, silentLogger } from '@smmbot/core';
import { defaultConnector, ProviderService, type SyncSummary } from '@smmbot/providers';
import { createSqliteStorage, type SqliteStorage } from '@smmbot/storage-sqlite';

export type WorkerRequest =
  | { op: 'open'; url: string; key: string; dbPath: string }
  | { op: 'sync' }
  | { op: 'inspect'; serviceIds: string[] }
  | { op: 'close' };

export interface SyncFigures {
  wallMs: number;
  /** Inside `services()`: the HTTP call, JSON parse and mapping of the catalog. */
  fetchMs: number;
  cpuMs: number;
  rssBeforeMb: number;
  /** Largest RSS sampled during the sync (every 5 ms, and at the end). */
  peakRssMb: number;
  /** The process's RSS high-water mark since it started (`resourceUsage().maxRSS`). */
  maxRssMb: number;
  heapUsedAfterMb: number;
  summary: SyncSummary;
}

export interface StoredService {
  name: string;
  rate?: number;
  isNew: boolean;
  removed: boolean;
}

export interface Inspection {
  rows: number;
  active: number;
  removed: number;
  isNew: number;
  dbFileMb: number;
  services: Record<string, StoredService | null>;
}

export type WorkerReply = { ok: true; value: unknown } | { ok: false; error: string };

const TENANT = 'default';
const MB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;

let storage: SqliteStorage | undefined;
let service: ProviderService | undefined;
let providerId = '';
let dbPath = '';
let fetchMs = 0;

async function open(req: Extract<WorkerRequest, { op: 'open' }>): Promise<string> {
  const clock = new SystemClock();
  const logger = silentLogger();
  dbPath = req.dbPath;
  storage = createSqliteStorage({ path: req.dbPath, clock });
  const connect = defaultConnector(clock, logger);
  service = new ProviderService({
    store: storage.records,
    kv: storage.kv,
    clock,
    logger,
    secrets: new SecretBox(SecretBox.generateKey()),
    // The default SmmApi connector, with `services()` timed (fetch + parse + map) to split the sync's time.
    connect: async (provider) => {
      const client = (await connect(provider)) as PanelClient & { services: PanelClient['services'] };
      const inner = client.services;
      if (inner) {
        client.services = async () => {
          const t0 = process.hrtime.bigint();
          const list = await inner();
          fetchMs = Number(process.hrtime.bigint() - t0) / 1e6;
          return list;
        };
      }
      return client;
    },
  });
  const info = await service.add(TENANT, { name: 'Bench provider', url: req.url, key: req.key });
  providerId = info.id;
  return providerId;
}

async function sync(): Promise<SyncFigures> {
  if (!service) throw new Error('not open');
  gc?.();
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  fetchMs = Number.NaN;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let result: Awaited<ReturnType<ProviderService['sync']>>;
  try {
    result = await service.sync(TENANT, providerId);
  } finally {
    clearInterval(sampler);
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  peak = Math.max(peak, process.memoryUsage.rss());
  if ('skipped' in result) throw new Error('sync skipped: the lock was held');
  return {
    wallMs,
    fetchMs,
    cpuMs: (cpu.user + cpu.system) / 1e3,
    rssBeforeMb: rssBefore / MB,
    peakRssMb: peak / MB,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedAfterMb: process.memoryUsage().heapUsed / MB,
    summary: result,
  };
}

async function inspect(serviceIds: string[]): Promise<Inspection> {
  if (!service) throw new Error('not open');
  const { items } = await service.collections.services.find(TENANT, { where: { providerId } });
  const byId = new Map(items.map((s) => [s.serviceId, s]));
  const services: Record<string, StoredService | null> = {};
  for (const id of serviceIds) {
    const s = byId.get(id);
    services[id] = s
      ? { name: s.name, ...(s.rate !== undefined ? { rate: s.rate } : {}), isNew: s.isNew, removed: !!s.removedAt }
      : null;
  }
  const size = (f: string) => statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  return {
    rows: items.length,
    active: items.filter((s) => s.removedAt === undefined).length,
    removed: items.filter((s) => s.removedAt !== undefined).length,
    isNew: items.filter((s) => s.isNew).length,
    dbFileMb: (size(dbPath) + size(`${dbPath}-wal`)) / MB,
    services,
  };
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'open':
      return open(req);
    case 'sync':
      return sync();
    case 'inspect':
      return inspect(req.serviceIds);
    case 'close':
      await storage?.close();
      storage = undefined;
      return true;
  }
}

process.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (value) => process.send?.({ ok: true, value } satisfies WorkerReply),
    (err: unknown) =>
      process.send?.({
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      } satisfies WorkerReply),
  );
});
