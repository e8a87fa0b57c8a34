import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type KeyValueStore, type RecordStore, VirtualClock } from '@smmbot/core';
import { createMemoryStorage } from '@smmbot/storage-memory';
import { createSqliteStorage } from '@smmbot/storage-sqlite';
import { describe, expect, it } from 'vitest';
import { MARKETING_MESSAGES, type MarketingMessageRecord, MarketingService } from '../src/index.js';

const T = 'default';

function serviceOn(storage: { records: RecordStore; kv: KeyValueStore }, clock: VirtualClock) {
  return new MarketingService(
    storage.records.collection<MarketingMessageRecord>(MARKETING_MESSAGES),
    storage.kv,
    clock,
  );
}

function fresh() {
  const clock = new VirtualClock(Date.UTC(2026, 10, 1, 12));
  const storage = createMemoryStorage(clock);
  return { clock, storage, service: serviceOn(storage, clock) };
}

/** The texts `nextMessage` hands out, `n` times in a row. */
async function picks(service: MarketingService, n: number, tenant = T): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for (let i = 0; i < n; i++) out.push((await service.nextMessage(tenant))?.text);
  return out;
}

describe('MarketingService: messages', () => {
  it('adds at the end, lists in order, updates, removes and reorders', async () => {
    const { service, clock } = fresh();
    const a = await service.add(T, '  *Big sale* today\n_20% off_  ');
    await clock.advance(1000);
    const b = await service.add(T, 'Second', { enabled: false });
    const c = await service.add(T, 'Third');
    expect(a).toMatchObject({ tenantId: T, text: '*Big sale* today\n_20% off_', enabled: true, position: 1 });
    expect(b).toMatchObject({ enabled: false, position: 2, createdAt: clock.now() });
    expect((await service.list(T)).map((m) => m.text)).toEqual(['*Big sale* today\n_20% off_', 'Second', 'Third']);

    expect(await service.update(T, b.id, { enabled: true, text: 'Second, edited' })).toMatchObject({
      enabled: true,
      text: 'Second, edited',
    });
    expect(await service.update(T, 'nope', { enabled: false })).toBeUndefined();
    const reordered = await service.reorder(T, [c.id, a.id, b.id]);
    expect(reordered.map((m) => [m.text.slice(0, 6), m.position])).toEqual([
      ['Third', 1],
      ['*Big s', 2],
      ['Second', 3],
    ]);
    expect(await service.remove(T, a.id)).toBe(true);
    expect(await service.remove(T, a.id)).toBe(false);
    expect((await service.list(T)).map((m) => m.text)).toEqual(['Third', 'Second, edited']);
    // A message added after a removal still goes last.
    expect((await service.add(T, 'Fourth')).position).toBe(4);
  });

  it('rejects empty and over-long texts and a reorder that does not name every message once', async () => {
    const { service } = fresh();
    await expect(service.add(T, '   ')).rejects.toBeInstanceOf(ConfigError);
    await expect(service.add(T, 'x'.repeat(4097))).rejects.toThrow(/at most 4096 characters; found 4097/);
    const a = await service.add(T, 'A');
    const b = await service.add(T, 'B');
    await expect(service.update(T, a.id, { text: '' })).rejects.toThrow(/needs some text/);
    await expect(service.reorder(T, [a.id])).rejects.toThrow(/each of the 2 marketing message ids exactly once/);
    await expect(service.reorder(T, [a.id, a.id])).rejects.toBeInstanceOf(ConfigError);
    await expect(service.reorder(T, [a.id, 'other'])).rejects.toBeInstanceOf(ConfigError);
    expect((await service.reorder(T, [b.id, a.id])).map((m) => m.text)).toEqual(['B', 'A']);
  });

  it('keeps tenants apart', async () => {
    const { service } = fresh();
    await service.add('t1', 'one');
    await service.add('t2', 'two');
    expect((await service.list('t1')).map((m) => [m.tenantId, m.text])).toEqual([['t1', 'one']]);
    expect(await picks(service, 2, 't2')).toEqual(['two', 'two']);
    expect(await picks(service, 1, 't3')).toEqual([undefined]);
  });
});

describe('MarketingService: rotation', () => {
  it('hands out the enabled messages in order and wraps around', async () => {
    const { service } = fresh();
    expect(await service.nextMessage(T)).toBeUndefined();
    for (const text of ['A', 'B', 'C']) await service.add(T, text);
    expect(await picks(service, 7)).toEqual(['A', 'B', 'C', 'A', 'B', 'C', 'A']);
  });

  it('skips disabled messages and gives nothing when none is enabled', async () => {
    const { service } = fresh();
    const [a, b, c] = [await service.add(T, 'A'), await service.add(T, 'B'), await service.add(T, 'C')];
    await service.update(T, b.id, { enabled: false });
    expect(await picks(service, 4)).toEqual(['A', 'C', 'A', 'C']);
    await service.update(T, a.id, { enabled: false });
    await service.update(T, c.id, { enabled: false });
    expect(await service.nextMessage(T)).toBeUndefined();
    await service.update(T, b.id, { enabled: true });
    expect(await picks(service, 2)).toEqual(['B', 'B']);
  });

  it('goes on after the last message handed out when it is removed, moved or a message is added', async () => {
    const { service } = fresh();
    const [a, b] = [await service.add(T, 'A'), await service.add(T, 'B')];
    const c = await service.add(T, 'C');
    expect(await picks(service, 2)).toEqual(['A', 'B']);
    await service.remove(T, b.id);
    expect(await picks(service, 1)).toEqual(['C']);
    await service.add(T, 'D');
    expect(await picks(service, 2)).toEqual(['D', 'A']);
    // A was handed out last; moved to the end, the rotation wraps to the new first.
    const d = (await service.list(T)).find((m) => m.text === 'D')!;
    await service.reorder(T, [c.id, d.id, a.id]);
    expect(await picks(service, 3)).toEqual(['C', 'D', 'A']);
  });

  it('gives the same message again for the same slot, without moving the rotation', async () => {
    const { service } = fresh();
    for (const text of ['A', 'B', 'C']) await service.add(T, text);
    expect((await service.nextMessage(T, 1000))?.text).toBe('A');
    expect((await service.nextMessage(T, 1000))?.text).toBe('A');
    expect((await service.nextMessage(T, 2000))?.text).toBe('B');
    expect((await service.nextMessage(T))?.text).toBe('C');
    expect((await service.nextMessage(T, 2000))?.text).toBe('A');
  });

  it('never hands out one turn twice to concurrent picks', async () => {
    const { service } = fresh();
    for (const text of ['A', 'B', 'C', 'D']) await service.add(T, text);
    const texts = (await Promise.all([1, 2, 3, 4].map(() => service.nextMessage(T)))).map((m) => m?.text);
    expect(texts.sort()).toEqual(['A', 'B', 'C', 'D']);
  });

  it('keeps its place across a restart (the pointer is in the key-value store)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smmbot-marketing-'));
    const path = join(dir, 'rotation.db');
    try {
      const clock = new VirtualClock(Date.UTC(2026, 10, 1, 12));
      const first = createSqliteStorage({ path, clock });
      const before = serviceOn(first, clock);
      for (const text of ['A', 'B', 'C']) await before.add(T, text);
      expect(await picks(before, 2)).toEqual(['A', 'B']);
      await first.records.close();
      await first.kv.close();

      const second = createSqliteStorage({ path, clock });
      const after = serviceOn(second, clock);
      expect(await picks(after, 3)).toEqual(['C', 'A', 'B']);
      await second.records.close();
      await second.kv.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
