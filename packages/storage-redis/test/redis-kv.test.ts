import { createServer } from 'node:net';
import { SmmbotError, VirtualClock } from '@smmbot/core';
import { realServerUrl } from '@smmbot/core/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisKv, escapeKeyPart, redactUrl } from '../src/index.js';
import { deletePrefix, type KvFixture, keysUnder, openKv, testPrefix } from './helpers.js';

const url = realServerUrl('redis');

/** A loopback port with nothing listening on it: a Redis that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('key escaping (no server)', () => {
  it('escapes the separator, the escape character, globs and hash-tag braces', () => {
    expect(escapeKeyPart('a:b')).toBe('a%3Ab');
    expect(escapeKeyPart('a%3Ab')).toBe('a%253Ab');
    expect(escapeKeyPart('*?[x]\\{y}')).toBe('%2A%3F%5Bx%5D%5C%7By%7D');
    expect(escapeKeyPart('order-42 ünï')).toBe('order-42 ünï');
  });

  it('redacts the password of a URL', () => {
    expect(redactUrl('redis://user:hunter2@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
  });

  it('rejects a prefix with a separator, a bad URL, both url and client, and a negative grace', () => {
    const clock = new VirtualClock();
    expect(() => createRedisKv({ url: 'redis://127.0.0.1:1', clock, prefix: 'a:b' })).toThrow(
      /invalid Redis key prefix/,
    );
    expect(() => createRedisKv({ url: 'http://127.0.0.1:1', clock })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => createRedisKv({ clock })).toThrow(/needs a Redis `url` or a `client`/);
    const client = new Redis({ lazyConnect: true });
    expect(() => createRedisKv({ url: 'redis://127.0.0.1:1', client, clock })).toThrow(/not both/);
    expect(() => createRedisKv({ client, clock, expiryGraceMs: -1 })).toThrow(/expiryGraceMs/);
    client.disconnect();
  });
});

describe.skipIf(!url)('redis kv store', () => {
  const server = url ?? '';
  let fixture: KvFixture | undefined;
  const open = (options?: { expiryGraceMs?: number }) => {
    fixture = openKv(server, options);
    return fixture;
  };

  afterEach(async () => {
    await fixture?.done();
    fixture = undefined;
  });

  it('tenant "a:b" and tenant "a" with key "b:..." never share a key', async () => {
    const { kv, prefix } = open();
    await kv.set('a:b', 'x', 'tenant a:b');
    await kv.set('a', 'b:x', 'tenant a');
    await kv.set('a%3Ab', 'x', 'tenant a%3Ab');
    expect(await kv.get('a:b', 'x')).toBe('tenant a:b');
    expect(await kv.get('a', 'b:x')).toBe('tenant a');
    expect(await kv.get('a%3Ab', 'x')).toBe('tenant a%3Ab');
    expect(await kv.get('a', 'b')).toBeUndefined();
    expect(await keysUnder(kv.client, prefix)).toEqual(
      [`${prefix}:a%3Ab:v:x`, `${prefix}:a:v:b%3Ax`, `${prefix}:a%253Ab:v:x`].sort(),
    );

    expect(await kv.acquireLock('a:b', 'x', 1000)).toBeDefined();
    expect(await kv.acquireLock('a', 'b:x', 1000)).toBeDefined();
    expect(await kv.setAdd('a:b', 'x', 'm', 1000)).toBe(true);
    expect(await kv.setHas('a', 'b:x', 'm')).toBe(false);
    expect(await kv.setMembers('a', 'b:x')).toEqual([]);
    // Values, locks and sets of one name live in separate key spaces.
    expect(await kv.get('a:b', 'x')).toBe('tenant a:b');
    await expect(kv.get('', 'x')).rejects.toMatchObject({ code: 'E_STORAGE' });
  });

  it('sets a PEXPIRE backstop of TTL + grace; the value expires by the clock long before it', async () => {
    const { kv, clock } = open();
    await kv.set('t', 'otp', '1234', 1000);
    const key = kv.redisKey('t', 'value', 'otp');
    const pttl = await kv.client.pttl(key);
    expect(pttl).toBeGreaterThan(60_000);
    expect(pttl).toBeLessThanOrEqual(61_000);
    await clock.advance(1000);
    expect(await kv.get('t', 'otp')).toBeUndefined();
    expect(await kv.client.exists(key)).toBe(1);
    expect(await kv.client.pttl(key)).toBeGreaterThan(0);
    await clock.advance(3_600_000);
    expect(await kv.setIfAbsent('t', 'otp', '5678', 1000)).toBe(true);
    expect(await kv.get('t', 'otp')).toBe('5678');

    // A value without TTL has no backstop, also after replacing one that had.
    await kv.set('t', 'otp', 'forever');
    expect(await kv.client.pttl(key)).toBe(-1);
  });

  it('backstops locks and sets; a set key outlives its longest-lived member', async () => {
    const { kv } = open({ expiryGraceMs: 5000 });
    const lock = await kv.acquireLock('t', 'job', 2000);
    const lockKey = kv.redisKey('t', 'lock', 'job');
    expect(await kv.client.pttl(lockKey)).toBeGreaterThan(5000);
    expect(await kv.client.pttl(lockKey)).toBeLessThanOrEqual(7000);
    expect(await lock?.extend(20_000)).toBe(true);
    expect(await kv.client.pttl(lockKey)).toBeGreaterThan(20_000);

    await kv.setAdd('t', 'seen', 'long', 30_000);
    await kv.setAdd('t', 'seen', 'short', 1000);
    const setKey = kv.redisKey('t', 'set', 'seen');
    expect(await kv.client.pttl(setKey)).toBeGreaterThan(30_000);
    expect(await kv.client.pttl(setKey)).toBeLessThanOrEqual(35_000);
  });

  it('long TTLs get a backstop too, capped where Redis would overflow', async () => {
    const { kv, clock } = open();
    const year = 365 * 86_400_000;
    await kv.set('t', 'long', 1, 2 * year);
    await kv.setAdd('t', 'members', 'm', 2 * year);
    for (const key of [kv.redisKey('t', 'value', 'long'), kv.redisKey('t', 'set', 'members')]) {
      expect(await kv.client.pttl(key)).toBeGreaterThan(2 * year);
    }
    await kv.set('t', 'huge', 1, 1e21);
    await kv.setAdd('t', 'huge', 'm', 1e21);
    expect(await kv.client.pttl(kv.redisKey('t', 'value', 'huge'))).toBeLessThanOrEqual(100 * 365.25 * 86_400_000);
    await clock.advance(10 * year);
    expect(await kv.get('t', 'huge')).toBe(1);
    expect(await kv.setHas('t', 'huge', 'm')).toBe(true);
    expect(await kv.get('t', 'long')).toBeUndefined();
  });

  it('expired set members are pruned from Redis on read and write', async () => {
    const { kv, clock } = open();
    await kv.setAdd('t', 'seen', 'a', 1000);
    await kv.setAdd('t', 'seen', 'b', 5000);
    await clock.advance(2000);
    const setKey = kv.redisKey('t', 'set', 'seen');
    expect(await kv.client.zcard(setKey)).toBe(2);
    expect(await kv.setMembers('t', 'seen')).toEqual(['b']);
    expect(await kv.client.zcard(setKey)).toBe(1);
  });

  it('increment keeps number precision and refuses a value that is not a number', async () => {
    const { kv } = open();
    expect(await kv.increment('t', 'f', 0.1)).toBe(0.1);
    expect(await kv.increment('t', 'f', 0.2)).toBe(0.1 + 0.2);
    expect(await kv.increment('t', 'big', 2 ** 53)).toBe(2 ** 53);
    expect(await kv.increment('t', 'neg', -3)).toBe(-3);
    await kv.set('t', 'text', '5');
    await expect(kv.increment('t', 'text')).rejects.toThrow(/cannot increment "text": its value is not a number/);
    await kv.set('t', 'huge', Number.MAX_VALUE);
    await expect(kv.increment('t', 'huge', Number.MAX_VALUE)).rejects.toMatchObject({ code: 'E_STORAGE' });
    await expect(kv.increment('t', 'x', Number.NaN)).rejects.toThrow(/needs a number/);
    await expect(kv.set('t', 'x', undefined)).rejects.toThrow(/JSON-serializable/);
    await expect(kv.set('t', 'x', 1, 0)).rejects.toThrow(/ttlMs must be a positive/);
  });

  it('close() quits the connection it opened, and refuses calls afterwards', async () => {
    const { kv } = open();
    await kv.set('t', 'k', 1);
    expect(kv.client.status).toBe('ready');
    await kv.close();
    expect(kv.closed).toBe(true);
    expect(kv.client.status).toBe('end');
    await expect(kv.get('t', 'k')).rejects.toThrow(/the store is closed/);
    await kv.close();
  });

  it('close() leaves a client passed in open for its owner', async () => {
    const client = new Redis(server);
    const prefix = testPrefix();
    try {
      const kv = createRedisKv({ client, clock: new VirtualClock(), prefix });
      await kv.set('t', 'k', 'shared');
      await kv.close();
      expect(client.status).toBe('ready');
      expect(await client.ping()).toBe('PONG');
      expect(client.listenerCount('error')).toBe(0);
      const again = createRedisKv({ client, clock: new VirtualClock(), prefix });
      expect(await again.get('t', 'k')).toBe('shared');
      await again.close();
    } finally {
      await deletePrefix(server, prefix);
      await client.quit();
    }
  });
});

describe('a Redis that is down', () => {
  it('fails with a SmmbotError: the connection error as cause, no password in the message', async () => {
    const port = await closedPort();
    const kv = createRedisKv({ url: `redis://smmbot:s3cret-pw@127.0.0.1:${port}`, clock: new VirtualClock() });
    const started = Date.now();
    try {
      const error = await kv.get('t', 'k').then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(Date.now() - started).toBeLessThan(5000);
      expect(error).toBeInstanceOf(SmmbotError);
      const failure = error as SmmbotError;
      expect(failure.code).toBe('E_STORAGE');
      expect(failure.retryable).toBe(true);
      expect(failure.message).toContain(`redis://smmbot:***@127.0.0.1:${port}`);
      expect(failure.message).toContain('ECONNREFUSED');
      expect(failure.message).not.toContain('s3cret-pw');
      expect((failure.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
      expect(String(failure.cause)).not.toContain('s3cret-pw');
      expect(JSON.stringify(failure.details)).not.toContain('s3cret-pw');
    } finally {
      await kv.close();
    }
    // close() stopped the reconnect loop: no further attempt in the next half second.
    let attempts = 0;
    kv.client.on('reconnecting', () => attempts++);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(attempts).toBe(0);
  });
});
