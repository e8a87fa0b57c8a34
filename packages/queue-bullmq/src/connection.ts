import { redactUrlPassword, SmmbotError } from '@smmbot/core';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Client options BullMQ needs. `maxRetriesPerRequest: null`: a worker's blocking read must wait
 * through a Redis restart instead of failing after a few retries (BullMQ refuses a worker
 * connection without it). The client keeps reconnecting, backoff capped at 2 s.
 */
export const BULLMQ_REDIS_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: null,
  retryStrategy: (attempt) => Math.min(100 * 2 ** (attempt - 1), 2000),
  connectTimeout: 5000,
};

/** The URL with its password replaced by `***`: the only form that goes into logs and errors. */
export const redactRedisUrl = (url: string): string => redactUrlPassword(url, 'redis (unparseable URL)');

/**
 * One ioredis client shared by every queue of a process (BullMQ queues use it as it is; each
 * worker duplicates it for its blocking reads and closes its duplicates itself). Opened on the first
 * `acquire`, closed when the last user releases it, opened again by a later `acquire`.
 */
export class RedisConnectionFactory {
  private client?: Redis;
  private users = 0;
  /** Where it points, password redacted. */
  readonly label: string;

  constructor(
    private readonly url: string,
    private readonly options: RedisOptions = {},
  ) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new SmmbotError('E_CONFIG_INVALID', `invalid Redis URL ${redactRedisUrl(url)}: expected redis://host:port`);
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      throw new SmmbotError('E_CONFIG_INVALID', `invalid Redis URL: expected redis:// or rediss://, got ${protocol}//`);
    }
    this.label = redactRedisUrl(url);
  }

  /** The shared client; pair every call with `release`. */
  acquire(): Redis {
    this.users += 1;
    this.client ??= new Redis(this.url, { ...BULLMQ_REDIS_OPTIONS, ...this.options });
    return this.client;
  }

  /** Quits the client once nobody uses it (pending replies are read first). */
  async release(): Promise<void> {
    if (this.users === 0) return;
    this.users -= 1;
    if (this.users > 0 || !this.client) return;
    const client = this.client;
    this.client = undefined;
    await client.quit().catch(() => client.disconnect());
  }
}
