import { type BotPlugin, type Clock, Tokens, VirtualClock } from '@smmbot/core';
import { afterEach, describe, expect, it } from 'vitest';
import postgresStorageDefault, { PostgresKeyValueStore, PostgresRecordStore, postgresStorage } from '../src/index.js';
import { dropSchema, freshSchema, url } from './helpers.js';

const schemas: string[] = [];
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

describe('postgresStorage plugin options', () => {
  it('validates options, fills defaults, and is the default export', () => {
    expect(postgresStorageDefault).toBe(postgresStorage);
    expect(postgresStorage.pluginName).toBe('@smmbot/storage-postgres');
    expect(postgresStorage.options.safeParse({ url: 'postgres://db/smm' })).toEqual({
      success: true,
      data: { url: 'postgres://db/smm', schema: 'public', pool: { max: 10 }, kv: true },
    });
    expect(() => postgresStorage({} as never)).toThrow(/plugins\["@smmbot\/storage-postgres"\]\.options\.url/);
    expect(() => postgresStorage({ url: 'mysql://db' })).toThrow(/postgres:\/\/ or postgresql:\/\//);
    expect(() => postgresStorage({ url: 'postgres://db', schema: 'bad-name' })).toThrow(/options\.schema/);
    expect(() => postgresStorage({ url: 'postgres://db', pool: { max: 0 } })).toThrow(/options\.pool\.max/);
  });
});

describe.skipIf(!url)('postgresStorage plugin', () => {
  it('registers a store and kv sharing one pool, on the container clock; reopens after close', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const [plugin] = postgresStorage({ url: url!, schema, pool: { max: 3 } });
    const clock = new VirtualClock();
    const container = fakeContainer(clock);
    plugin?.register?.(container, {});
    const kv = container.resolve(Tokens.Kv);
    const store = container.resolve(Tokens.Store);
    expect(kv).toBeInstanceOf(PostgresKeyValueStore);
    expect(store).toBeInstanceOf(PostgresRecordStore);
    expect(container.resolve(Tokens.Kv)).toBe(kv);
    await kv.set('t', 'k', 1, 1000);
    await clock.advance(1000);
    expect(await kv.get('t', 'k')).toBeUndefined();
    await store.close();
    await kv.close();
    const reopened = container.resolve(Tokens.Kv);
    expect(reopened).not.toBe(kv);
    await reopened.set('t', 'k', 2);
    expect(await reopened.get('t', 'k')).toBe(2);
    await reopened.close();
    await container.resolve(Tokens.Store).close();
  });

  it('kv: false registers only the record store, which alone ends the pool when closed', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const [plugin] = postgresStorage({ url: url!, schema, kv: false });
    const container = fakeContainer(new VirtualClock());
    plugin?.register?.(container, {});
    expect(() => container.resolve(Tokens.Kv)).toThrow(/nothing registered/);
    const store = container.resolve(Tokens.Store) as PostgresRecordStore;
    const notes = store.collection<{ id: string; tenantId: string; title: string }>({ name: 'notes' });
    await notes.insert('t', { title: 'hello' });
    expect(await notes.count('t')).toBe(1);
    await store.close();
    await expect(notes.count('t')).rejects.toThrow(/closed/);
  });
});

type Container = Parameters<NonNullable<BotPlugin['register']>>[0];

/** Just enough of tsyringe's container (not a dependency of this package) for register/resolve. */
function fakeContainer(clock: Clock): Container {
  const factories = new Map<unknown, (c: Container) => unknown>();
  const c = {
    register(token: unknown, provider: { useFactory: (c: Container) => unknown }) {
      factories.set(token, provider.useFactory);
      return c;
    },
    isRegistered(token: unknown) {
      return token === Tokens.Clock || factories.has(token);
    },
    resolve(token: unknown) {
      if (token === Tokens.Clock) return clock;
      const factory = factories.get(token);
      if (!factory) throw new Error(`nothing registered for ${String(token)}`);
      return factory(c as unknown as Container);
    },
  };
  return c as unknown as Container;
}
