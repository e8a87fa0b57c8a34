import { AiError, createLogger, VirtualClock } from '@smmbot/core';
import { MemoryKeyValueStore } from '@smmbot/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiProvider, type OpenAiProviderOptions, usageKey } from '../src/index.js';
import { FakeOpenAi } from './fake-openai.js';

const KEY = 'sk-test-SECRET-0123456789abcdef';
let server: FakeOpenAi;
let clock: VirtualClock;
let kv: MemoryKeyValueStore;
let lines: string[];

beforeEach(async () => {
  server = await new FakeOpenAi().start();
  clock = new VirtualClock(Date.UTC(2026, 0, 1, 10, 0, 0));
  kv = new MemoryKeyValueStore(clock);
  lines = [];
});
afterEach(async () => {
  await server.stop();
});

function provider(options: Partial<OpenAiProviderOptions> = {}): OpenAiProvider {
  return new OpenAiProvider({
    model: 'test-model',
    baseURL: server.url,
    apiKey: KEY,
    timeoutMs: 500,
    retries: 0,
    clock,
    kv,
    logger: createLogger({ level: 'debug', destination: { write: (l: string) => void lines.push(l) } }),
    ...options,
  });
}

const ask = [
  { role: 'system' as const, content: 'You are the support bot of Panel X.' },
  { role: 'user' as const, content: 'Where is my order #123?' },
];

async function failure(p: Promise<unknown>): Promise<AiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AiError);
  return err as AiError;
}

describe('OpenAiProvider', () => {
  it('sends the prompt as given, with model, max_tokens, temperature and the key', async () => {
    server.respond({ kind: 'text', text: '  Your order is in progress.  ' });
    const ai = provider({ temperature: 0.2, maxTokensPerReply: 300 });
    await expect(ai.complete('t1', ask, { maxTokens: 120 })).resolves.toBe('Your order is in progress.');
    expect(server.prompts).toEqual([ask]);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.body).toMatchObject({ model: 'test-model', max_tokens: 120, temperature: 0.2 });
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('caps max_tokens at maxTokensPerReply (default 400)', async () => {
    await provider().complete('t1', ask, { maxTokens: 5000 });
    await provider({ maxTokensPerReply: 50 }).complete('t1', ask);
    expect(server.requests.map((r) => r.body.max_tokens)).toEqual([400, 50]);
    expect(server.requests[0]!.body.temperature).toBeUndefined();
  });

  it('records usage per tenant and day, isolated between tenants', async () => {
    server.respond({ kind: 'text', text: 'ok', promptTokens: 100, completionTokens: 20 });
    const ai = provider({ pricing: { promptPer1k: 0.5, completionPer1k: 1.5 } });
    await ai.complete('t1', ask);
    await ai.complete('t1', ask);
    await ai.complete('t2', ask);
    expect(await ai.usage('t1')).toEqual({
      tenant: 't1',
      day: '2026-01-01',
      calls: 2,
      promptTokens: 200,
      completionTokens: 40,
      totalTokens: 240,
      costUsd: 0.16,
    });
    expect((await ai.usage('t2')).totalTokens).toBe(120);
    expect((await ai.usage('t3')).totalTokens).toBe(0);
    // Stored in the kv under the tenant, by the clock's day.
    expect(await kv.get('t1', usageKey('2026-01-01', 'prompt'))).toBe(200);
    expect(await kv.get('t1', usageKey('2026-01-01', 'cost-microusd'))).toBe(160_000);
    expect(await kv.get('t2', usageKey('2026-01-01', 'prompt'))).toBe(100);

    await clock.advance(24 * 3600_000);
    await ai.complete('t1', ask);
    expect((await ai.usage('t1')).totalTokens).toBe(120);
    expect((await ai.usage('t1', '2026-01-01')).totalTokens).toBe(240);
    expect((await ai.usage('t1')).day).toBe('2026-01-02');
  });

  it('estimates usage when the server sends none', async () => {
    server.respond({ kind: 'text', text: 'abcdefgh', noUsage: true });
    const ai = provider();
    await ai.complete('t1', [{ role: 'user', content: 'x'.repeat(40) }]);
    expect(await ai.usage('t1')).toMatchObject({ promptTokens: 10, completionTokens: 2 });
  });

  it('refuses a tenant past its daily token limit, without calling the server; others go on', async () => {
    server.respond({ kind: 'text', text: 'ok', promptTokens: 60, completionTokens: 40 });
    const ai = provider({ limits: { tokensPerDay: 150 }, tenantLimits: { big: { tokensPerDay: 10_000 } } });
    await ai.complete('t1', ask); // 100
    await ai.complete('t1', ask); // 200: over after this one
    const err = await failure(ai.complete('t1', ask));
    expect(err.kind).toBe('limit');
    expect(err.code).toBe('E_RATE_LIMITED');
    expect(err.retryable).toBe(false);
    expect(err.customerMessage).toMatch(/limit for today/);
    expect(server.requests).toHaveLength(2);
    await expect(ai.complete('t2', ask)).resolves.toBe('ok');
    for (let i = 0; i < 3; i++) await ai.complete('big', ask);
    // A new day resets the budget.
    await clock.advance(24 * 3600_000);
    await expect(ai.complete('t1', ask)).resolves.toBe('ok');
  });

  it('refuses a tenant past its daily cost limit', async () => {
    server.respond({ kind: 'text', text: 'ok', promptTokens: 1000, completionTokens: 1000 });
    const ai = provider({ limits: { costPerDayUsd: 0.01 }, pricing: { promptPer1k: 0.004, completionPer1k: 0.004 } });
    await ai.complete('t1', ask); // $0.008
    await ai.complete('t1', ask); // $0.016
    expect((await failure(ai.complete('t1', ask))).kind).toBe('limit');
    expect(server.requests).toHaveLength(2);
  });

  describe('failures are typed, customer-safe and quick', () => {
    const cases: { name: string; script: Parameters<FakeOpenAi['respond']>[0]; kind: AiError['kind'] }[] = [
      { name: 'HTTP 500', script: { kind: 'status', status: 500 }, kind: 'unavailable' },
      { name: 'HTTP 503', script: { kind: 'status', status: 503 }, kind: 'unavailable' },
      { name: 'HTTP 429', script: { kind: 'status', status: 429, retryAfter: 7 }, kind: 'rate_limited' },
      { name: 'HTTP 401', script: { kind: 'status', status: 401 }, kind: 'unauthorized' },
      { name: 'HTTP 400', script: { kind: 'status', status: 400 }, kind: 'rejected' },
      { name: 'a hang', script: { kind: 'hang' }, kind: 'timeout' },
      { name: 'malformed JSON', script: { kind: 'malformed' }, kind: 'bad_response' },
      { name: 'empty choices', script: { kind: 'empty-choices' }, kind: 'bad_response' },
      { name: 'null content', script: { kind: 'null-content' }, kind: 'bad_response' },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        server.respond(c.script);
        const ai = provider({ timeoutMs: 300 });
        const started = Date.now();
        const err = await failure(ai.complete('t1', ask));
        expect(Date.now() - started).toBeLessThan(2000);
        expect(err.kind).toBe(c.kind);
        expect(err.customerMessage).not.toMatch(/HTTP|JSON|127\.0\.0\.1|model|sk-/);
        expect(err.message).not.toContain(KEY);
        if (c.kind === 'rate_limited') expect(err.retryAfterMs).toBe(7000);
        expect(lines.join('\n')).not.toContain(KEY);
        expect(lines.some((l) => l.includes(`"kind":"${c.kind}"`))).toBe(true);
        // Failed calls cost nothing.
        expect((await ai.usage('t1')).calls).toBe(0);
      });
    }

    it('connection refused', async () => {
      const url = server.url;
      await server.stop();
      const ai = new OpenAiProvider({ model: 'm', baseURL: url, apiKey: KEY, retries: 0, timeoutMs: 1000, clock, kv });
      const err = await failure(ai.complete('t1', ask));
      expect(err.kind).toBe('unavailable');
      expect(err.retryable).toBe(true);
      expect(err.message).toMatch(/ECONNREFUSED|could not be reached/);
    });

    it('an aborted call', async () => {
      server.respond({ kind: 'hang' });
      const ctl = new AbortController();
      const pending = provider({ timeoutMs: 5000 }).complete('t1', ask, { signal: ctl.signal });
      setTimeout(() => ctl.abort(), 50);
      expect((await failure(pending)).kind).toBe('timeout');
    });
  });

  it('retries a 5xx once by default, then answers', async () => {
    server.respond({ kind: 'status', status: 500 }, { kind: 'text', text: 'second time lucky' });
    const ai = provider({ retries: undefined });
    await expect(ai.complete('t1', ask)).resolves.toBe('second time lucky');
    expect(server.requests).toHaveLength(2);
    expect((await ai.usage('t1')).calls).toBe(1);
  });

  it('a hang with a retry still fails within timeout × attempts', async () => {
    server.respond({ kind: 'hang' });
    const ai = provider({ timeoutMs: 200, retries: 1 });
    const started = Date.now();
    expect((await failure(ai.complete('t1', ask))).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.requests).toHaveLength(2);
  });

  it('keeps usage in memory without a kv', async () => {
    const ai = new OpenAiProvider({ model: 'm', baseURL: server.url, apiKey: 'dummy', clock });
    await ai.complete('t1', ask);
    expect((await ai.usage('t1')).totalTokens).toBe(15);
  });
});
