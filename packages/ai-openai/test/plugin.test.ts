import { AiError, createEngine, createLogger, Tokens, VirtualClock } from '@smmbot/core';
import memoryStorage from '@smmbot/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import openAi, { OpenAiProvider, PLUGIN_NAME, usageKey } from '../src/index.js';
import { FakeOpenAi } from './fake-openai.js';

const KEY = 'sk-plugin-SECRET-abcdef987654';
let server: FakeOpenAi;

beforeEach(async () => {
  server = await new FakeOpenAi().start();
});
afterEach(async () => {
  await server.stop();
});

describe('openAi plugin', () => {
  it('validates options without echoing the key', () => {
    const [plugin] = openAi({ model: 'gpt-4o-mini', apiKey: KEY });
    expect(plugin?.name).toBe(PLUGIN_NAME);
    expect(() => openAi({ model: 'm', apiKey: '  ' })).toThrow(/apiKey: expected the API key/);
    expect(() => openAi({ model: '', apiKey: KEY })).toThrow(/model/);
    expect(() => openAi({ model: 'm', apiKey: KEY, baseURL: 'localhost:8080' })).toThrow(/baseURL/);
    expect(() => openAi({ model: 'm', apiKey: KEY, limits: { tokensPerDay: -1 } })).toThrow(/tokensPerDay/);
    expect(() => openAi({ model: 'm', apiKey: KEY, timeoutMs: 0 })).toThrow(/timeoutMs/);
    const err = (() => {
      try {
        openAi({ model: 'm', apiKey: KEY, retries: -1 });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/retries/);
    expect(err?.message).not.toContain(KEY);
  });

  it('registers one OpenAiProvider under Tokens.Ai, with the engine clock, kv and logger', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (l: string) => void lines.push(l) } });
    const clock = new VirtualClock(Date.UTC(2026, 2, 5, 12));
    const engine = createEngine({
      logger,
      clock,
      plugins: [
        memoryStorage(),
        openAi({ model: 'llama3.1', baseURL: server.url, apiKey: KEY, retries: 0, limits: { tokensPerDay: 20 } }),
      ],
    });
    await engine.start();
    try {
      const ai = engine.container.resolve(Tokens.Ai);
      expect(ai).toBeInstanceOf(OpenAiProvider);
      expect(engine.container.resolve(Tokens.Ai)).toBe(ai);
      expect(ai.name).toBe('openai');

      server.respond({ kind: 'text', text: 'Hi there', promptTokens: 12, completionTokens: 8 });
      expect(await ai.complete('t1', [{ role: 'user', content: 'hi' }])).toBe('Hi there');
      expect(server.prompts).toEqual([[{ role: 'user', content: 'hi' }]]);
      const kv = engine.container.resolve(Tokens.Kv);
      expect(await kv.get('t1', usageKey('2026-03-05', 'completion'))).toBe(8);
      expect(await ai.usage?.('t1')).toMatchObject({ day: '2026-03-05', totalTokens: 20 });

      const err = await ai.complete('t1', [{ role: 'user', content: 'again' }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AiError);
      expect((err as AiError).kind).toBe('limit');

      server.respond({ kind: 'status', status: 401 });
      const denied = await ai.complete('t2', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e);
      expect((denied as AiError).kind).toBe('unauthorized');
      expect(lines.some((l) => l.includes(PLUGIN_NAME) && l.includes('"kind":"unauthorized"'))).toBe(true);
      expect(lines.join('\n')).not.toContain(KEY);
    } finally {
      await engine.stop();
    }
  });
});
