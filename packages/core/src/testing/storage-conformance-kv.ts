import { describe, expect, it } from 'vitest';
import type { FixtureRef } from './storage-conformance.js';

/** Key-value values with TTL, setIfAbsent, increment, locks and TTL sets, on virtual time. */
export function kvConformance(fixture: FixtureRef): void {
  const kv = () => fixture().backend.kv;
  const advance = (ms: number) => fixture().clock.advance(ms);

  describe('key-value', () => {
    it('get/set/delete round-trip JSON values as copies', async () => {
      expect(await kv().get('t', 'k')).toBeUndefined();
      const value = { a: 1, list: [1, 2], nested: { s: 'x' }, nil: null };
      await kv().set('t', 'k', value);
      value.list.push(3);
      const got = await kv().get<typeof value>('t', 'k');
      expect(got).toEqual({ a: 1, list: [1, 2], nested: { s: 'x' }, nil: null });
      got?.list.push(4);
      expect(await kv().get('t', 'k')).toEqual({ a: 1, list: [1, 2], nested: { s: 'x' }, nil: null });
      for (const v of ['text', 42, 0, false, true, null, [1, 'a']]) {
        await kv().set('t', 'scalar', v);
        expect(await kv().get('t', 'scalar')).toEqual(v);
      }
      expect(await kv().delete('t', 'k')).toBe(true);
      expect(await kv().delete('t', 'k')).toBe(false);
      expect(await kv().get('t', 'k')).toBeUndefined();
    });

    it('TTL values expire on the injected clock; set without TTL clears an old TTL', async () => {
      await kv().set('t', 'otp', '1234', 1000);
      await kv().set('t', 'forever', 'x');
      await advance(999);
      expect(await kv().get('t', 'otp')).toBe('1234');
      await advance(2);
      expect(await kv().get('t', 'otp')).toBeUndefined();
      expect(await kv().delete('t', 'otp')).toBe(false);
      await kv().set('t', 'k', 1, 500);
      await kv().set('t', 'k', 2);
      await advance(86_400_000);
      expect(await kv().get('t', 'k')).toBe(2);
      expect(await kv().get('t', 'forever')).toBe('x');
    });

    it('setIfAbsent stores once, and again after the value expires', async () => {
      expect(await kv().setIfAbsent('t', 'dedupe', 'first', 1000)).toBe(true);
      expect(await kv().setIfAbsent('t', 'dedupe', 'second', 1000)).toBe(false);
      expect(await kv().get('t', 'dedupe')).toBe('first');
      await advance(999);
      expect(await kv().setIfAbsent('t', 'dedupe', 'third', 1000)).toBe(false);
      await advance(2);
      expect(await kv().setIfAbsent('t', 'dedupe', 'fourth', 1000)).toBe(true);
      expect(await kv().get('t', 'dedupe')).toBe('fourth');
      expect(await kv().setIfAbsent('t', 'plain', 1)).toBe(true);
      expect(await kv().setIfAbsent('t', 'plain', 2)).toBe(false);
    });

    it('50 concurrent setIfAbsent calls: exactly one wins and its value is stored', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => kv().setIfAbsent('t', 'race', `w${i}`, 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await kv().get('t', 'race')).toBe(`w${results.indexOf(true)}`);
    });

    it('increment counts from 0, sets the TTL only when it creates the key', async () => {
      expect(await kv().increment('t', 'hits')).toBe(1);
      expect(await kv().increment('t', 'hits', 5)).toBe(6);
      expect(await kv().increment('t', 'hits', -2)).toBe(4);
      expect(await kv().get('t', 'hits')).toBe(4);
      await kv().set('t', 'preset', 10);
      expect(await kv().increment('t', 'preset', 1)).toBe(11);

      expect(await kv().increment('t', 'window', 1, 1000)).toBe(1);
      await advance(600);
      expect(await kv().increment('t', 'window', 1, 1000)).toBe(2);
      await advance(399);
      expect(await kv().get('t', 'window')).toBe(2);
      await advance(2);
      expect(await kv().get('t', 'window')).toBeUndefined();
      expect(await kv().increment('t', 'window', 1, 1000)).toBe(1);
      const all = await Promise.all(Array.from({ length: 50 }, () => kv().increment('t', 'burst')));
      expect(new Set(all).size).toBe(50);
      expect(await kv().get('t', 'burst')).toBe(50);
    });

    it('locks: one holder at a time, taken over after expiry, stale holder cannot release', async () => {
      const first = await kv().acquireLock('t', 'order:42', 1000);
      expect(first).toBeDefined();
      expect(first?.key).toBe('order:42');
      expect(await kv().acquireLock('t', 'order:42', 1000)).toBeUndefined();
      await advance(999);
      expect(await kv().acquireLock('t', 'order:42', 1000)).toBeUndefined();
      await advance(2);
      const second = await kv().acquireLock('t', 'order:42', 1000);
      expect(second).toBeDefined();
      expect(second?.token).not.toBe(first?.token);
      expect(await first?.release()).toBe(false);
      expect(await first?.extend(5000)).toBe(false);
      expect(await kv().acquireLock('t', 'order:42', 1000)).toBeUndefined();
      expect(await second?.release()).toBe(true);
      expect(await second?.release()).toBe(false);
      const third = await kv().acquireLock('t', 'order:42', 1000);
      expect(third).toBeDefined();
      await third?.release();
    });

    it('locks: extend keeps the lock past its first TTL; concurrent acquires have one winner', async () => {
      const lock = await kv().acquireLock('t', 'job', 1000);
      await advance(800);
      expect(await lock?.extend(1000)).toBe(true);
      await advance(800);
      expect(await kv().acquireLock('t', 'job', 1000)).toBeUndefined();
      await advance(201);
      expect(await lock?.extend(1000)).toBe(false);
      const next = await kv().acquireLock('t', 'job', 1000);
      expect(next).toBeDefined();

      const racers = await Promise.all(Array.from({ length: 20 }, () => kv().acquireLock('t', 'race', 5000)));
      expect(racers.filter((l) => l !== undefined)).toHaveLength(1);
    });

    it('sets: add/has/members/remove; members expire individually; re-adding refreshes the TTL', async () => {
      expect(await kv().setAdd('t', 'seen', 'a', 1000)).toBe(true);
      expect(await kv().setAdd('t', 'seen', 'a', 1000)).toBe(false);
      await advance(500);
      expect(await kv().setAdd('t', 'seen', 'b', 1000)).toBe(true);
      expect(await kv().setAdd('t', 'seen', 'c', 5000)).toBe(true);
      expect((await kv().setMembers('t', 'seen')).sort()).toEqual(['a', 'b', 'c']);
      await advance(501);
      expect(await kv().setHas('t', 'seen', 'a')).toBe(false);
      expect(await kv().setHas('t', 'seen', 'b')).toBe(true);
      expect((await kv().setMembers('t', 'seen')).sort()).toEqual(['b', 'c']);
      expect(await kv().setRemove('t', 'seen', 'a')).toBe(false);
      expect(await kv().setAdd('t', 'seen', 'a', 1000)).toBe(true);
      expect(await kv().setRemove('t', 'seen', 'c')).toBe(true);
      expect(await kv().setRemove('t', 'seen', 'c')).toBe(false);
      expect(await kv().setHas('t', 'seen', 'c')).toBe(false);
      await advance(400);
      expect(await kv().setAdd('t', 'seen', 'b', 1000)).toBe(false);
      await advance(200);
      expect((await kv().setMembers('t', 'seen')).sort()).toEqual(['a', 'b']);
      expect(await kv().setMembers('t', 'empty')).toEqual([]);
      expect(await kv().setHas('t', 'other', 'a')).toBe(false);
    });

    it('tenant isolation for values, counters, locks and sets', async () => {
      await kv().set('acme', 'k', 'acme-value');
      expect(await kv().get('globex', 'k')).toBeUndefined();
      expect(await kv().delete('globex', 'k')).toBe(false);
      expect(await kv().setIfAbsent('globex', 'k', 'globex-value')).toBe(true);
      expect(await kv().get('acme', 'k')).toBe('acme-value');
      expect(await kv().get('globex', 'k')).toBe('globex-value');

      await kv().increment('acme', 'n', 5);
      expect(await kv().increment('globex', 'n')).toBe(1);

      const acmeLock = await kv().acquireLock('acme', 'L', 1000);
      const globexLock = await kv().acquireLock('globex', 'L', 1000);
      expect(acmeLock).toBeDefined();
      expect(globexLock).toBeDefined();
      expect(await globexLock?.release()).toBe(true);
      expect(await kv().acquireLock('acme', 'L', 1000)).toBeUndefined();

      await kv().setAdd('acme', 'S', 'm', 1000);
      expect(await kv().setHas('globex', 'S', 'm')).toBe(false);
      expect(await kv().setMembers('globex', 'S')).toEqual([]);
      expect(await kv().setRemove('globex', 'S', 'm')).toBe(false);
      expect(await kv().setHas('acme', 'S', 'm')).toBe(true);
    });
  });
}
