import { randomUUID } from 'node:crypto';
import { BOT_CONFIG_KEYS, type BotConfig, type BotConfigKey, botConfigSchema } from './config/bot-config.js';
import { ConfigError } from './errors.js';
import type { SecretBox } from './secrets.js';
import type { KeyValueStore, TenantId } from './storage.js';

/** Where a tenant's bot_config comes from; `!config set` and the dashboard write through it. */
export interface TenantConfigSource {
  get(tenant: TenantId): Promise<BotConfig>;
  /** Validates and stores a partial change; the next turn sees it (live reload). */
  set(tenant: TenantId, patch: Partial<BotConfig>): Promise<BotConfig>;
  /** Called after every stored change with the keys that changed (rebind a panel, reschedule a job). */
  onChange?(listener: (tenant: TenantId, keys: string[]) => void): () => void;
}

const KEY = 'bot_config';
type Stored = Record<string, unknown> & { __v?: string };

/**
 * Base values from the host config file, overrides stored in the tenant's key-value store.
 * Overrides are validated on write, so reads trust them. Secret keys (API keys, webhook keys) are
 * sealed with the SecretBox before they are stored and opened on read: never plaintext at rest.
 */
export class KvTenantConfig implements TenantConfigSource {
  private readonly cache = new Map<TenantId, { version: string; value: BotConfig }>();
  private readonly listeners = new Set<(tenant: TenantId, keys: string[]) => void>();

  constructor(
    private readonly kv: KeyValueStore,
    private readonly base: (tenant: TenantId) => Partial<BotConfig> = () => ({}),
    private readonly secrets?: SecretBox,
  ) {}

  async get(tenant: TenantId): Promise<BotConfig> {
    const stored = (await this.kv.get<Stored>(tenant, KEY)) ?? {};
    const version = stored.__v ?? '';
    const cached = this.cache.get(tenant);
    if (cached && cached.version === version) return cached.value;
    const value = botConfigSchema.parse({ ...this.base(tenant), ...this.open(stored) });
    this.cache.set(tenant, { version, value });
    return value;
  }

  async set(tenant: TenantId, patch: Partial<BotConfig>): Promise<BotConfig> {
    const current = this.open((await this.kv.get<Stored>(tenant, KEY)) ?? {});
    const next = { ...current, ...patch };
    const value = botConfigSchema.parse({ ...this.base(tenant), ...next });
    await this.kv.set(tenant, KEY, { ...this.seal(next), __v: randomUUID() });
    const keys = Object.keys(patch);
    for (const listener of [...this.listeners]) {
      try {
        listener(tenant, keys);
      } catch {
        // A listener's failure is its own (it logs); the change is stored either way.
      }
    }
    return value;
  }

  onChange(listener: (tenant: TenantId, keys: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private seal(overrides: Record<string, unknown>): Stored {
    const out: Stored = {};
    for (const [key, value] of Object.entries(overrides)) {
      if (!isSecret(key) || value === undefined) {
        out[key] = value;
        continue;
      }
      if (!this.secrets) throw new ConfigError(`cannot store "${key}": no secret key is configured to encrypt it`);
      out[key] = this.secrets.seal(String(value));
    }
    return out;
  }

  private open(stored: Stored): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stored)) {
      if (key === '__v') continue;
      out[key] = isSecret(key) && typeof value === 'string' && this.secrets ? this.secrets.open(value) : value;
    }
    return out;
  }
}

function isSecret(key: string): boolean {
  return BOT_CONFIG_KEYS[key as BotConfigKey]?.secret === true;
}
