import { type BotPlugin, createEngine, createLogger, Tokens } from '@smmbot/core';
import { FakeChannel } from '@smmbot/core/testing';
import { memoryStorage } from '@smmbot/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BullInboundQueue,
  BullScheduler,
  bullTimezone,
  inboundJobId,
  RedisConnectionFactory,
  redactRedisUrl,
  scaleOut,
  schedulerId,
} from '../src/index.js';
import { deletePrefix, testPrefix, until, url } from './helpers.js';

const echo: BotPlugin = {
  name: 'echo',
  apply: ({ hooks }) =>
    hooks.command.for('unknown').tap('echo', (turn) => ({ replies: [{ text: turn.message.text }] })),
};

describe('scaleOut options and helpers', () => {
  it('validates options with the plugin name and the path in the message', () => {
    expect(() => scaleOut({ redis: { url: 'http://x' } })).toThrow(
      /plugins\["@smmbot\/queue-bullmq"\]\.options\.redis\.url/,
    );
    expect(() => scaleOut({ redis: { url: 'redis://h' }, prefix: 'a:b' })).toThrow(/prefix/);
    expect(() => scaleOut({ redis: { url: 'redis://h' }, inbound: { concurrency: 0 } })).toThrow(/concurrency/);
    expect(scaleOut({ redis: { url: 'redis://h' } })).toHaveLength(1);
  });

  it('maps a fixed UTC offset to the Etc/GMT zone with the inverted sign', () => {
    expect(bullTimezone('UTC+6')).toBe('Etc/GMT-6');
    expect(bullTimezone('UTC-5')).toBe('Etc/GMT+5');
    expect(bullTimezone('UTC+14')).toBe('Etc/GMT-14');
    expect(bullTimezone(undefined)).toBe('Etc/UTC');
    expect(bullTimezone('UTC')).toBe('Etc/UTC');
    expect(bullTimezone('UTC+0')).toBe('Etc/UTC');
    // No Etc zone has minutes: computed by our repeat strategy instead.
    expect(bullTimezone('UTC+5:30')).toBe('UTC+5:30');
    expect(() => bullTimezone('UTC+15')).toThrow(/outside/);
    expect(() => bullTimezone('Asia/Dhaka')).toThrow(/UTC offset/);
  });

  it('makes BullMQ-safe job ids: no ":" and never an integer, distinct per tenant', () => {
    expect(inboundJobId('default', 'whatsapp:wamid.1')).toBe('default/whatsapp%3Awamid.1');
    expect(inboundJobId('42', '7')).toBe('42/7');
    expect(inboundJobId('a', 'b/c')).not.toBe(inboundJobId('a/b', 'c'));
    expect(schedulerId('provider-sync:p1', '__system__')).not.toContain(':');
  });

  it('redacts the password of a Redis URL and rejects other schemes', () => {
    expect(redactRedisUrl('redis://user:s3cret@host:6379/2')).toBe('redis://user:***@host:6379/2');
    expect(new RedisConnectionFactory('redis://:s3cret@host:1').label).not.toContain('s3cret');
    expect(() => new RedisConnectionFactory('http://host')).toThrow(/redis:\/\//);
  });
});

describe.skipIf(!url)('scaleOut on a real Redis', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('registers the queue and the scheduler on one connection, and never logs the password', async () => {
    const prefix = testPrefix();
    cleanups.push(() => deletePrefix(prefix));
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
    const withPassword = url!.replace('redis://', 'redis://:s3cret@');
    const channel = new FakeChannel('wh');
    const engine = createEngine({
      logger,
      plugins: [memoryStorage(), channel.plugin(), echo, scaleOut({ redis: { url: withPassword }, prefix })],
    });
    await engine.start();
    cleanups.push(() => engine.stop());
    expect(engine.container.resolve(Tokens.InboundQueue)).toBeInstanceOf(BullInboundQueue);
    expect(engine.container.resolve(Tokens.Scheduler)).toBeInstanceOf(BullScheduler);
    await engine.accept(channel.message('hi'));
    await until(() => channel.sent.length === 1, 'the reply');
    expect(lines.some((l) => l.includes('redis://:***@127.0.0.1'))).toBe(true);
    expect(lines.filter((l) => l.includes('s3cret'))).toEqual([]);
  });

  it('refuses to start when its role guard and the engine role disagree', async () => {
    const prefix = testPrefix();
    const engine = createEngine({
      role: 'web',
      logger: createLogger({ level: 'silent' }),
      plugins: [memoryStorage(), scaleOut({ redis: { url: url! }, prefix, role: 'worker' })],
    });
    await expect(engine.start()).rejects.toThrow(/configured for role "worker" but the engine runs as "web"/);
    await (engine.container.resolve(Tokens.InboundQueue) as BullInboundQueue).stop();
    await deletePrefix(prefix);
  });
});
