import { describe, expect, it } from 'vitest';
import { ConversationQueue, customerMessageOf, PanelError, PluginError, SecretBox } from '../src/index.js';
import { captureLogs } from './helpers.js';

describe('SecretBox', () => {
  it('round-trips, uses a fresh nonce each time and detects tampering', () => {
    const box = new SecretBox(SecretBox.generateKey() + 'padding-padding');
    const a = box.seal('panel-api-key-123');
    const b = box.seal('panel-api-key-123');
    expect(a).not.toBe(b);
    expect(a).not.toContain('panel-api-key');
    expect(SecretBox.isSealed(a)).toBe(true);
    expect(box.open(a)).toBe('panel-api-key-123');
    // Flip a character in the middle: the last base64 character may carry only padding bits.
    const mid = Math.floor(a.length / 2);
    const tampered = a.slice(0, mid) + (a[mid] === 'A' ? 'B' : 'A') + a.slice(mid + 1);
    expect(() => box.open(tampered)).toThrow();
    expect(() => new SecretBox('short')).toThrow(/32 characters/);
  });
});

describe('logger redaction', () => {
  it('blanks secrets wherever they are nested', () => {
    const { lines, logger } = captureLogs();
    logger.info(
      { apiKey: 'k1', panel: { apiKey: 'k2', url: 'https://p' }, headers: { authorization: 'Bearer t' } },
      'x',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/k1|k2|Bearer t/);
    expect(text).toContain('https://p');
  });

  it('masks secrets several levels deep, in child bindings and errors, and keeps error codes', () => {
    const { lines, logger } = captureLogs();
    const child = logger.child({ tenant: 't', creds: { token: 'child-secret' } });
    const err = Object.assign(new Error('boom'), {
      code: 'E_TIMEOUT',
      config: { headers: { 'X-Api-Key': 'err-secret' } },
    });
    child.error({ a: { b: { c: { password: 'deep-secret' } } }, err, errorCode: 'E_TIMEOUT' }, 'x');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/child-secret|err-secret|deep-secret/);
    expect(lines[0]).toMatchObject({ tenant: 't', errorCode: 'E_TIMEOUT', err: { code: 'E_TIMEOUT' } });
  });
});

describe('errors', () => {
  it('carries a customer-safe message per code and keeps it through PluginError', () => {
    const err = new PluginError(
      'panel',
      'command:order',
      new PanelError('rate_limited', '429 from panel', { retryAfterMs: 5000 }),
    );
    expect(err.code).toBe('E_RATE_LIMITED');
    expect(err.retryable).toBe(true);
    expect(customerMessageOf(err)).toBe('We are receiving many requests right now. Please try again in a minute.');
    expect(customerMessageOf(new TypeError('x is undefined'))).not.toContain('undefined');
  });
});

describe('ConversationQueue', () => {
  it('caps global concurrency and drains on close', async () => {
    const q = new ConversationQueue(3);
    let inFlight = 0;
    let max = 0;
    const done: number[] = [];
    const tasks = Array.from({ length: 10 }, (_, i) =>
      q.run(`chat-${i}`, async () => {
        inFlight++;
        max = Math.max(max, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        done.push(i);
      }),
    );
    await q.close();
    expect(done).toHaveLength(10);
    expect(max).toBe(3);
    await Promise.all(tasks);
    await expect(q.run('x', async () => 1)).rejects.toThrow(/closed/);
    expect(q.activeConversations).toBe(0);
  });
});

describe('small helpers', () => {
  it('never echoes a secret option value in a validation error', async () => {
    const { definePlugin } = await import('../src/index.js');
    const { z } = await import('zod');
    const p = definePlugin({
      name: 'p',
      options: z.object({ adminKey: z.string().min(40), url: z.url() }),
      setup: () => ({ name: 'p' }),
    });
    const err = (() => {
      try {
        p({ adminKey: 'short-but-secret-key', url: 'nope' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toContain('adminKey');
    expect(err?.message).toContain('[redacted]');
    expect(err?.message).not.toContain('short-but-secret-key');
    expect(err?.message).toContain('"nope"');
  });

  it('reads zone-less panel times in the panel offset', async () => {
    const { toDate } = await import('../src/index.js');
    expect(toDate('2026-03-01 12:00:00')?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(toDate('2026-03-01 12:00:00', 180)?.toISOString()).toBe('2026-03-01T09:00:00.000Z');
    expect(toDate('2026-03-01T12:00:00+02:00', 180)?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(toDate(1_772_366_400)?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(toDate('soon')).toBeUndefined();
  });

  it('cachedFactory builds its value once', async () => {
    const { cachedFactory } = await import('../src/index.js');
    let built = 0;
    const f = cachedFactory(() => ({ n: ++built }));
    const c = null as never;
    expect(f(c)).toBe(f(c));
    expect(built).toBe(1);
  });
});

describe('config error previews', () => {
  it('censors secret fields inside an echoed object', async () => {
    const { formatIssues } = await import('../src/index.js');
    const { z } = await import('zod');
    const schema = z.strictObject({ providers: z.array(z.strictObject({ name: z.string(), key: z.string() })) });
    const r = schema.safeParse(
      { providers: [{ name: 'p', key: 'plain-provider-key', extra: 1 }] },
      { reportInput: true },
    );
    const lines = formatIssues(r.error!).join('\n');
    expect(lines).toContain('providers[0]');
    expect(lines).not.toContain('plain-provider-key');
  });
});
