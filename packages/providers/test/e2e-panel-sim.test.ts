import { SecretBox, SystemClock } from '@smmbot/core';
import { createPanelSim, type PanelSim } from '@smmbot/panel-sim';
import { createMemoryStorage } from '@smmbot/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderService, ProviderSyncError, type SyncSummary, smmApiConnector } from '../src/index.js';
import { captureLogs, SECRET } from './helpers.js';

/** The real classic-API client against the panel simulator over loopback. */
describe('sync against panel-sim (classic API, SmmApiPanel)', () => {
  let sim: PanelSim;
  let providers: ProviderService;
  const logs = captureLogs();

  beforeAll(async () => {
    sim = createPanelSim({ seed: 7 });
    await sim.start();
    const clock = new SystemClock();
    const storage = createMemoryStorage(clock);
    providers = new ProviderService({
      store: storage.records,
      kv: storage.kv,
      clock,
      logger: logs.logger,
      secrets: new SecretBox(SECRET),
      connect: smmApiConnector({ retries: 0, timeoutMs: 5_000, clock, logger: logs.logger }),
    });
  });
  afterAll(() => sim?.stop());

  it('baselines, then detects added, changed and removed services; survives a balance fault', async () => {
    const provider = await providers.add('t1', { name: 'Sim Provider', url: `${sim.url}/api/v2`, key: sim.apiKey });
    const total = sim.state.services.length;
    const first = (await providers.sync('t1', provider.id)) as SyncSummary;
    expect(first).toMatchObject({ baseline: true, added: total, changed: 0, removed: 0, isNew: [] });
    expect(typeof first.balance).toBe('number');
    expect(first.currency).toBe('USD');

    const [a, b, c] = sim.state.services;
    const added = { ...a!, id: 990_001, name: 'Brand New Followers [Refill 30D]' };
    sim.state.services.push(added);
    b!.rate = b!.rate + 1;
    const gone = sim.state.services.indexOf(c!);
    sim.state.services.splice(gone, 1);
    sim.faults.add({ route: 'action:balance', kind: '5xx' });

    const second = (await providers.sync('t1', provider.id)) as SyncSummary;
    sim.faults.clear();
    expect(second).toMatchObject({ added: 1, changed: 1, removed: 1, unchanged: total - 2, isNew: ['990001'] });
    expect(second.balance).toBeUndefined();
    const stored = await providers.get('t1', provider.id);
    expect(stored).toMatchObject({ serviceCount: total, balance: first.balance });

    const found = await providers.searchServices('t1', { q: 'brand new' });
    expect(found.items.map((s) => s.serviceId)).toEqual(['990001']);
    expect((await providers.searchServices('t1', { q: String(b!.id) })).items[0]?.rate).toBeCloseTo(b!.rate, 2);
    expect(await providers.collections.notifications.count('t1')).toBe(1);
  });

  it('turns a rejected key into a typed error recorded on the provider, without logging the key', async () => {
    const provider = await providers.add('t1', {
      name: 'Wrong Key',
      url: `${sim.url}/api/v2`,
      key: 'definitely-not-the-key-42',
    });
    const error = await providers.sync('t1', provider.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderSyncError);
    expect(error).toMatchObject({ code: 'E_UNAUTHORIZED', stage: 'services' });
    expect((await providers.get('t1', provider.id))?.lastSyncError).toBeTruthy();
    const all = logs.lines.join('\n');
    expect(all).not.toContain('definitely-not-the-key-42');
    expect(all).not.toContain(sim.apiKey);
  });
});
