import { type BotPlugin, createEngine, type EngineOptions, Tokens, VirtualClock } from '@smmbot/core';
import { MemoryRecordStore, memoryStorage } from '@smmbot/storage-memory';
import type { DependencyContainer } from 'tsyringe';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type NewServicesEvent,
  ProviderServiceToken,
  providerHooks,
  providers,
  providersOptions,
  syncJobId,
} from '../src/index.js';
import { ALPHA, BETA, catalog, captureLogs, fakeConnector, secretsPlugin } from './helpers.js';

type ProviderOptions = Parameters<typeof providers>[0];

function boot(
  options: ProviderOptions = {},
  engineOptions: EngineOptions = {},
  withSecrets = true,
  extra: BotPlugin[] = [],
) {
  const clock = new VirtualClock();
  const fakes = fakeConnector();
  const logs = captureLogs();
  const engine = createEngine({
    clock,
    logger: logs.logger,
    tenants: ['t1'],
    ...engineOptions,
    plugins: [
      memoryStorage(),
      ...extra,
      withSecrets && secretsPlugin(),
      providers({ syncOnBoot: false, connect: fakes.connect, ...options }),
    ],
  });
  const service = () => engine.container.resolve(ProviderServiceToken);
  const jobs = () => engine.container.resolve(Tokens.Scheduler).nextRuns();
  return { clock, fakes, logs, engine, service, jobs };
}

describe('providers plugin', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('seeds declared providers and syncs each on virtual time past syncIntervalSec', async () => {
    const t = boot({ providers: [{ ...ALPHA, syncIntervalSec: 600 }] });
    stop = () => t.engine.stop();
    const events: NewServicesEvent[] = [];
    providerHooks(t.engine.container).newServices.tapPromise('test', async (e) => void events.push(e));
    await t.engine.start();
    const [alpha] = await t.service().list('t1');
    expect(alpha).toMatchObject({ name: ALPHA.name, syncIntervalSec: 600, baselineDone: false });
    expect(t.jobs()).toEqual([{ jobId: syncJobId(alpha!.id), tenantId: 't1', at: expect.any(Number) }]);
    const panel = t.fakes.panel(ALPHA.name);

    await t.clock.advance(599_000);
    expect(panel.calls.services).toBe(0);
    await t.clock.advance(31_000 + 1); // interval + the largest jitter (30 s)
    expect(panel.calls.services).toBe(1);
    expect(await t.service().get('t1', alpha!.id)).toMatchObject({ baselineDone: true, serviceCount: 5 });

    panel.catalog = catalog(7);
    await t.clock.advance(630_000);
    expect(panel.calls.services).toBe(2);
    expect(events).toHaveLength(1);
    expect(events[0]!.services.map((s) => s.serviceId)).toEqual(['6', '7']);
    expect(t.fakes.connections.every((c) => c.key === ALPHA.key)).toBe(true);
  });

  it('upserts declared providers at every boot instead of duplicating them', async () => {
    const records = new MemoryRecordStore();
    const shared = {
      name: 'shared-store',
      register: (c: DependencyContainer) => c.register(Tokens.Store, { useValue: records }),
    };
    const first = boot({ providers: [ALPHA] }, {}, true, [shared]);
    await first.engine.start();
    const [before] = await first.service().list('t1');
    await first.engine.stop();
    const second = boot({ providers: [{ ...ALPHA, syncIntervalSec: 7200 }] }, {}, true, [shared]);
    stop = () => second.engine.stop();
    await second.engine.start();
    const list = await second.service().list('t1');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: before!.id, name: ALPHA.name, syncIntervalSec: 7200 });
  });

  it('kicks one sync per active provider at boot without blocking it, and drains it on stop', async () => {
    const t = boot({ syncOnBoot: true, providers: [ALPHA, { ...BETA, isActive: false }] });
    stop = () => t.engine.stop();
    const alpha = t.fakes.panel(ALPHA.name);
    let open!: () => void;
    alpha.gate = new Promise<void>((r) => (open = r));
    await t.engine.start(); // resolves while Alpha's sync is still waiting on its provider
    expect(t.engine.running).toBe(true);
    await vi.waitFor(() => expect(alpha.calls.services).toBe(1));
    expect(t.fakes.panel(BETA.name).calls.services).toBe(0);
    expect(t.jobs()).toHaveLength(1); // Beta is inactive: not scheduled
    open();
    await vi.waitFor(async () => expect((await t.service().list('t1'))[0]?.baselineDone).toBe(true));
  });

  it('logs a failing boot sync instead of failing boot', async () => {
    const t = boot({ syncOnBoot: true, providers: [ALPHA] });
    stop = () => t.engine.stop();
    t.fakes.panel(ALPHA.name).failServices = new Error('provider down');
    await t.engine.start();
    await vi.waitFor(() => expect(t.logs.lines.some((l) => l.includes('boot sync failed'))).toBe(true));
    expect((await t.service().list('t1'))[0]?.lastSyncError).toMatch(/provider down/);
    expect(t.logs.lines.join('\n')).not.toContain(ALPHA.key);
  });

  it('follows runtime changes: added providers are scheduled, paused and removed ones unscheduled', async () => {
    const t = boot();
    stop = () => t.engine.stop();
    await t.engine.start();
    expect(t.jobs()).toEqual([]);
    const beta = await t.service().add('t1', { ...BETA, syncIntervalSec: 120 });
    expect(t.jobs().map((j) => j.jobId)).toEqual([syncJobId(beta.id)]);
    await t.clock.advance(126_001);
    expect(t.fakes.panel(BETA.name).calls.services).toBe(1);
    await t.service().update('t1', beta.id, { isActive: false });
    expect(t.jobs()).toEqual([]);
    await t.service().update('t1', beta.id, { isActive: true });
    expect(t.jobs()).toHaveLength(1);
    await t.service().remove('t1', beta.id);
    expect(t.jobs()).toEqual([]);
    await t.clock.advance(1_000_000);
    expect(t.fakes.panel(BETA.name).calls.services).toBe(1);
  });

  it('schedules per tenant and requires a tenant for declared providers when several are served', async () => {
    const ok = boot({ providers: [{ ...ALPHA, tenant: 't2' }] }, { tenants: ['t1', 't2'] });
    await ok.engine.start();
    expect(ok.jobs()).toEqual([expect.objectContaining({ tenantId: 't2' })]);
    expect(await ok.service().list('t1')).toEqual([]);
    await ok.engine.stop();
    const ambiguous = boot({ providers: [ALPHA] }, { tenants: ['t1', 't2'] });
    await expect(ambiguous.engine.start()).rejects.toThrow(/needs a tenant/);
    const unknown = boot({ providers: [{ ...ALPHA, tenant: 'nope' }] });
    await expect(unknown.engine.start()).rejects.toThrow(/does not serve/);
  });

  it('refuses to run without a SecretBox and validates its options', async () => {
    const t = boot({ providers: [ALPHA] }, {}, false);
    await expect(t.engine.start()).rejects.toThrow(/Tokens\.Secrets/);
    expect(() => providers({ syncOnBoot: 'yes' } as never)).toThrow(/syncOnBoot/);
    expect(() => providers({ providers: [{ ...ALPHA, url: 'ftp://x' }] })).toThrow(/providers\[0\]\.url/);
    expect(providersOptions.parse({})).toEqual({ providers: [], syncOnBoot: true });
    // A typo in a declared provider is named, and the entry (with its key) is not echoed.
    const typo = () => providers({ providers: [{ ...ALPHA, syncEvery: 60 } as never] });
    expect(typo).toThrow(/providers\[0\]\.syncEvery: unknown provider option/);
    expect(typo).not.toThrow(ALPHA.key);
  });
});
