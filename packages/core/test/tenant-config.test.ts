import { createMemoryStorage } from '@smmbot/storage-memory';
import { describe, expect, it } from 'vitest';
import { KvTenantConfig, SecretBox, VirtualClock } from '../src/index.js';

describe('KvTenantConfig', () => {
  const setup = (secrets?: SecretBox) => {
    const { kv } = createMemoryStorage(new VirtualClock());
    const base = (t: string) => (t === 'a' ? { cooldown_seconds: 600 } : {});
    return { kv, config: new KvTenantConfig(kv, base, secrets) };
  };

  it('layers stored overrides over file values over defaults, per tenant, and reloads live', async () => {
    const { config } = setup();
    expect((await config.get('a')).cooldown_seconds).toBe(600);
    expect((await config.get('b')).cooldown_seconds).toBe(3600);
    await config.set('a', { chat_mode: 'ai' });
    expect((await config.get('a')).chat_mode).toBe('ai');
    expect((await config.get('b')).chat_mode).toBe('manual');
    await expect(config.set('a', { cooldown_seconds: -5 })).rejects.toThrow();
    expect((await config.get('a')).cooldown_seconds).toBe(600);
  });

  it('stores secret keys sealed, never in plaintext', async () => {
    const box = new SecretBox('k'.repeat(40));
    const { kv, config } = setup(box);
    await config.set('a', { panel_api_key: 'pp-secret-123' });
    expect(JSON.stringify(await kv.get('a', 'bot_config'))).not.toContain('pp-secret-123');
    expect((await config.get('a')).panel_api_key).toBe('pp-secret-123');
    const noBox = setup();
    await expect(noBox.config.set('a', { panel_api_key: 'x' })).rejects.toThrow(/no secret key/);
  });
});
