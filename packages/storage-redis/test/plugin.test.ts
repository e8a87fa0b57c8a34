import { type BotPlugin, type Clock, createEngine, silentLogger, Tokens, VirtualClock } from '@smmbot/core';
import { realServerUrl } from '@smmbot/core/testing';
import { MemoryRecordStore, memoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import redisStorageDefault, { RedisKeyValueStore, redisStorage } from '../src/index.js';
import { deletePrefix, testPrefix } from './helpers.js';

const url = realServerUrl('redis');

describe('redisStorage plugin options', () => {
  it('is the default export, requires a redis URL, defaults the prefix and the grace', () => {
    expect(redisStorageDefault).toBe(redisStorage);
    expect(redisStorage.pluginName).toBe('@smmbot/storage-redis');
    expect(redisStorage.options.safeParse({ url: 'redis://127.0.0.1:6379' })).toEqual({
      success: true,
      data: { url: 'redis://127.0.0.1:6379', prefix: 'smmbot', expiryGraceMs: 60_000 },
    });
    expect(() => redisStorage({} as never)).toThrow(/plugins\["@smmbot\/storage-redis"\]\.options\.url/);
    expect(() => redisStorage({ url: 'postgres://x' })).toThrow(/expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => redisStorage({ url: 'redis://x', prefix: 'a:b' })).toThrow(/options\.prefix/);
  });
});

describe.skipIf(!url)('redisStorage plugin', () => {
  const server = url ?? '';

  it('registers only Tokens.Kv, one store per open, on the container clock; reopens after close', async () => {
    const prefix = testPrefix();
    const [plugin] = redisStorage({ url: server, prefix });
    const clock = new VirtualClock();
    const container = fakeContainer(clock);
    plugin?.register?.(container, {});
    expect([...container.registered]).toEqual([Tokens.Kv]);
    const kv = container.resolve(Tokens.Kv);
    expect(kv).toBeInstanceOf(RedisKeyValueStore);
    expect(container.resolve(Tokens.Kv)).toBe(kv);
    await kv.set('t', 'k', 1, 1000);
    await clock.advance(1000);
    expect(await kv.get('t', 'k')).toBeUndefined();
    await kv.close();
    const reopened = container.resolve(Tokens.Kv);
    expect(reopened).not.toBe(kv);
    await reopened.set('t', 'k', 2);
    expect(await reopened.get('t', 'k')).toBe(2);
    await reopened.close();
    await deletePrefix(server, prefix);
  });

  it('listed after a records plugin, the engine gets memory records and Redis kv', async () => {
    const prefix = testPrefix();
    const clock = new VirtualClock();
    const engine = createEngine({
      clock,
      logger: silentLogger(),
      plugins: [memoryStorage(), redisStorage({ url: server, prefix })],
    });
    await engine.start();
    const kv = engine.container.resolve(Tokens.Kv);
    expect(kv).toBeInstanceOf(RedisKeyValueStore);
    expect(engine.container.resolve(Tokens.Store)).toBeInstanceOf(MemoryRecordStore);
    await kv.set('acme', 'k', 'in redis');
    expect((kv as RedisKeyValueStore).redisKey('acme', 'value', 'k')).toBe(`${prefix}:acme:v:k`);
    await engine.stop();
    expect((kv as RedisKeyValueStore).closed).toBe(true);
    await deletePrefix(server, prefix);
  });
});

type Container = Parameters<NonNullable<BotPlugin['register']>>[0];

/** Just enough of tsyringe's container (not a dependency of this package) for register/resolve. */
function fakeContainer(clock: Clock): Container & { registered: Set<unknown> } {
  const factories = new Map<unknown, (c: Container) => unknown>();
  const c = {
    registered: new Set<unknown>(),
    register(token: unknown, provider: { useFactory: (c: Container) => unknown }) {
      c.registered.add(token);
      factories.set(token, provider.useFactory);
      return c;
    },
    resolve(token: unknown) {
      if (token === Tokens.Clock) return clock;
      const factory = factories.get(token);
      if (!factory) throw new Error(`nothing registered for ${String(token)}`);
      return factory(c as unknown as Container);
    },
  };
  return c as unknown as Container & { registered: Set<unknown> };
}
