import { randomBytes } from 'node:crypto';
import {
  BOT_CONFIG_KEYS,
  type BotConfig,
  type BotConfigKey,
  type BotConfigPatch,
  closestMatches,
  ConfigError,
  isBotConfigKey,
  parseBotConfigValue,
  type TenantId,
  Tokens,
} from '@smmbot/core';
import { MarketingScheduleToken, TicketScheduleToken } from '@smmbot/support';
import type { Scope } from '../scope.js';

/** The Bot Settings tab each key is shown on (spec: Panel / General / Marketing). Every key has one. */
export const CONFIG_TABS: { readonly [K in BotConfigKey]: 'panel' | 'general' | 'marketing' } = {
  chat_mode: 'general',
  support_enabled: 'general',
  cooldown_seconds: 'general',
  balance_cooldown_seconds: 'general',
  max_ids_per_message: 'general',
  language: 'general',
  ai_consolation_enabled: 'general',
  ai_provider: 'general',
  ai_model: 'general',
  ai_api_key: 'general',
  verification_enabled: 'general',
  verification_max_attempts: 'general',
  verification_cooldown_seconds: 'general',
  verification_code_ttl_seconds: 'general',
  ticket_ai_enabled: 'panel',
  ticket_poll_subject: 'panel',
  ticket_poll_interval: 'panel',
  ticket_signature: 'panel',
  ticket_reply_staff_name: 'panel',
  ticket_webhook_key: 'panel',
  marketing_enabled: 'marketing',
  marketing_interval_hours: 'marketing',
  marketing_jitter_minutes: 'marketing',
  scheduler_timezone: 'marketing',
  services_url: 'general',
  service_rules_source: 'general',
  panel_url: 'panel',
  panel_api_key: 'panel',
};

export type ConfigValue = string | number | boolean | null;

export interface ConfigItem {
  key: BotConfigKey;
  /** Secrets are never read back: always null, see `is_set`. */
  value: ConfigValue;
  is_set: boolean;
  secret: boolean;
  kind: string;
  description: string;
  allowed_values: string[] | null;
  tab: 'panel' | 'general' | 'marketing';
}

const keyName = (key: string) => key.trim().toLowerCase().replace(/-/g, '_');

export function configItem(key: BotConfigKey, config: BotConfig): ConfigItem {
  const meta = BOT_CONFIG_KEYS[key];
  const value = config[key] as ConfigValue | undefined;
  return {
    key,
    value: meta.secret ? null : (value ?? null),
    is_set: value !== undefined && value !== null,
    secret: meta.secret,
    kind: meta.kind,
    description: meta.description,
    allowed_values: meta.values ? [...meta.values] : null,
    tab: CONFIG_TABS[key],
  };
}

/**
 * The tenant's bot_config for Bot Settings: the same source `!config set` writes (`Tokens.TenantConfig`),
 * so a change is live from the next message; a change that moves a schedule re-plans it at once.
 */
export class ConfigService {
  constructor(private readonly scope: Scope) {}

  private source() {
    return this.scope.need(Tokens.TenantConfig, 'a bot_config source');
  }

  async list(tenant: TenantId): Promise<ConfigItem[]> {
    const config = await this.source().get(tenant);
    return (Object.keys(BOT_CONFIG_KEYS) as BotConfigKey[]).map((key) => configItem(key, config));
  }

  /**
   * Sets one key from its text form (coerced and checked like `!config set`); `null` resets it to its
   * default (or clears an optional key). Returns the item and what was re-planned.
   */
  async set(tenant: TenantId, key: string, value: ConfigValue): Promise<{ item: ConfigItem; rescheduled: string[] }> {
    let patch: BotConfigPatch;
    let name: BotConfigKey;
    if (value === null) {
      const wanted = keyName(key);
      if (!isBotConfigKey(wanted)) throw unknownKey(key);
      name = wanted;
      patch = { [name]: undefined };
    } else {
      const entry = parseBotConfigValue(key, String(value));
      name = entry.key;
      patch = { [entry.key]: entry.value };
    }
    const config = await this.source().set(tenant, patch as Partial<BotConfig>);
    return { item: configItem(name, config), rescheduled: await this.reload(tenant) };
  }

  /** "Live reload": reads are per message already; schedules planned from the config are re-planned here. */
  private async reload(tenant: TenantId): Promise<string[]> {
    const done: string[] = [];
    if (!this.scope.tenants.includes(tenant)) return done;
    if (await this.scope.optional(MarketingScheduleToken)?.reconcile(tenant)) done.push('marketing');
    if (await this.scope.optional(TicketScheduleToken)?.reconcile(tenant)) done.push('ticket-ai');
    return done;
  }

  /**
   * The ticket webhook: a per-tenant key (bot_config `ticket_webhook_key`, sealed at rest by the
   * config source). No receiver route exists yet: Ticket AI polls the panel every `ticket_poll_interval`.
   */
  async ticketWebhookInfo(tenant: TenantId) {
    const config = await this.source().get(tenant);
    return {
      ticket_ai_enabled: config.ticket_ai_enabled,
      poll_subject: config.ticket_poll_subject,
      poll_interval_seconds: config.ticket_poll_interval,
      delivery: 'polling' as const,
      webhook_url: null,
      key_set: Boolean(config.ticket_webhook_key),
      note: 'Tickets are polled from the panel; the webhook key is stored (sealed) for a panel-side webhook, which this host does not receive yet.',
    };
  }

  /** A new random key, stored sealed; shown once in the answer, never readable afterwards. */
  async regenerateWebhookKey(tenant: TenantId) {
    const key = `twk_${randomBytes(24).toString('base64url')}`;
    await this.source().set(tenant, { ticket_webhook_key: key });
    return { key, key_set: true as const };
  }
}

function unknownKey(key: string): ConfigError {
  const near = closestMatches(keyName(key), Object.keys(BOT_CONFIG_KEYS));
  const hint = near.length ? `; did you mean ${near.join(', ')}?` : '; GET /api/v1/config lists every key';
  const line = `unknown bot_config key ${JSON.stringify(key.trim())}${hint}`;
  return new ConfigError(line, { issues: [line] });
}
