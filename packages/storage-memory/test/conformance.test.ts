import { type BotPlugin, Tokens, VirtualClock } from '@smmbot/core';
import { storageConformance } from '@smmbot/core/testing';
import { describe, expect, it } from 'vitest';
import memoryStorageDefault, {
  createMemoryStorage,
  MemoryKeyValueStore,
  MemoryRecordStore,
  memoryStorage,
} from '../src/index.js';

storageConformance('memory', async () => {
  const clock = new VirtualClock();
  return { backend: createMemoryStorage(clock), clock };
});

describe('memoryStorage plugin', () => {
  it('is the default export and validates its options', () => {
    expect(memoryStorageDefault).toBe(memoryStorage);
    expect(memoryStorage.pluginName).toBe('@smmbot/storage-memory');
    expect(memoryStorage()).toHaveLength(1);
    expect(() => memoryStorage('nope' as never)).toThrow(/invalid options for plugin "@smmbot\/storage-memory"/);
  });

  it('registers one shared store and kv, the kv on the container clock', async () => {
    const [plugin] = memoryStorage();
    const clock = new VirtualClock();
    const container = fakeContainer(new Map<unknown, unknown>([[Tokens.Clock, clock]]));
    plugin?.register?.(container, {});
    const kv = container.resolve(Tokens.Kv);
    expect(kv).toBeInstanceOf(MemoryKeyValueStore);
    expect(container.resolve(Tokens.Kv)).toBe(kv);
    expect(container.resolve(Tokens.Store)).toBeInstanceOf(MemoryRecordStore);
    expect(container.resolve(Tokens.Store)).toBe(container.resolve(Tokens.Store));
    await kv.set('t', 'k', 1, 1000);
    await clock.advance(1000);
    expect(await kv.get('t', 'k')).toBeUndefined();
  });
});

type Container = Parameters<NonNullable<BotPlugin['register']>>[0];

/** Just enough of tsyringe's container (not a dependency of this package) for register/resolve. */
function fakeContainer(values: Map<unknown, unknown>): Container {
  const factories = new Map<unknown, (c: Container) => unknown>();
  const c = {
    register(token: unknown, provider: { useFactory: (c: Container) => unknown }) {
      factories.set(token, provider.useFactory);
      return c;
    },
    resolve(token: unknown) {
      if (values.has(token)) return values.get(token);
      const factory = factories.get(token);
      if (!factory) throw new Error(`nothing registered for ${String(token)}`);
      return factory(c as unknown as Container);
    },
  };
  return c as unknown as Container;
}
