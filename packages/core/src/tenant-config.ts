import { randomUUID } from 'node:crypto';
import { type BotConfig, botConfigSchema } from './config/bot-config.js';
import type { KeyValueStore, TenantId } from './storage.js';

/** Where a tenant's bot_config comes from; `!config set` and the dashboard write through it. */
export interface TenantConfigSource {
  get(tenant: TenantId): Promise<BotConfig>;
  /** Validates and stores a partial change; the next turn sees it (live reload). */
  set(tenant: TenantId, patch: Partial<BotConfig>): Promise<BotConfig>;
}

const KEY = 'bot_config';

/**
 * Base values from the host config file, overrides stored in the tenant's key-value store.
 * Overrides are validated on write, so reads trust them.
 */
export class KvTenantConfig implements TenantConfigSource {
  private readonly cache = new Map<TenantId, { at: string; value: BotConfig }>();

  constructor(
    private readonly kv: KeyValueStore,
    private readonly base: (tenant: TenantId) => Partial<BotConfig> = () => ({}),
  ) {}

  async get(tenant: TenantId): Promise<BotConfig> {
    const overrides = (await this.kv.get<Partial<BotConfig>>(tenant, KEY)) ?? {};
    const cached = this.cache.get(tenant);
    if (cached && cached.at === version(overrides)) return cached.value;
    const value = botConfigSchema.parse({ ...this.base(tenant), ...overrides });
    this.cache.set(tenant, { at: version(overrides), value });
    return value;
  }

  async set(tenant: TenantId, patch: Partial<BotConfig>): Promise<BotConfig> {
    const overrides = (await this.kv.get<Partial<BotConfig>>(tenant, KEY)) ?? {};
    const next = { ...overrides, ...patch };
    const value = botConfigSchema.parse({ ...this.base(tenant), ...next });
    await this.kv.set(tenant, KEY, { ...next, __v: randomUUID() });
    return value;
  }
}

function version(overrides: Partial<BotConfig> & { __v?: string }): string {
  return overrides.__v ?? '';
}
