import { describe, expect, it } from 'vitest';
import {
  BOT_CONFIG_KEYS,
  botConfigPatchSchema,
  botConfigSchema,
  closestMatches,
  defaultBotConfig,
  mergeBotConfig,
  parseBotConfigValue,
  timezoneProblem,
  utcOffsetMinutes,
} from '../../src/config/bot-config.js';
import { ConfigError } from '../../src/errors.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('bot_config defaults', () => {
  it('gives every documented key its documented default', () => {
    expect(defaultBotConfig()).toMatchObject({
      chat_mode: 'manual',
      cooldown_seconds: 3600,
      balance_cooldown_seconds: 60,
      support_enabled: true,
      verification_enabled: true,
      verification_max_attempts: 3,
      verification_cooldown_seconds: 300,
      verification_code_ttl_seconds: 600,
      ticket_ai_enabled: false,
      ticket_poll_subject: 'Orders Support- AI',
      ticket_poll_interval: 60,
      ticket_signature: 'Support Team',
      ticket_reply_staff_name: 'aisupport',
      marketing_enabled: false,
      marketing_interval_hours: 4,
      marketing_jitter_minutes: 60,
      scheduler_timezone: 'UTC',
      language: 'auto',
      ai_consolation_enabled: true,
      max_ids_per_message: 100,
    });
    expect(defaultBotConfig().services_url).toBeUndefined();
  });

  it('describes every schema key, and marks credentials as secret', () => {
    expect(Object.keys(BOT_CONFIG_KEYS).sort()).toEqual(Object.keys(botConfigSchema.shape).sort());
    for (const meta of Object.values(BOT_CONFIG_KEYS)) {
      expect(meta.description.length).toBeGreaterThan(10);
      expect(meta.description).not.toContain('\n');
    }
    expect(BOT_CONFIG_KEYS.panel_api_key.secret).toBe(true);
    expect(BOT_CONFIG_KEYS.ai_api_key.secret).toBe(true);
    expect(BOT_CONFIG_KEYS.chat_mode.secret).toBe(false);
    expect(BOT_CONFIG_KEYS.chat_mode.values).toEqual(['manual', 'ai', 'custom']);
  });

  it('enforces the ticket poll minimum of 10 seconds', () => {
    expect(botConfigSchema.safeParse({ ticket_poll_interval: 9 }).success).toBe(false);
    expect(botConfigSchema.parse({ ticket_poll_interval: 10 }).ticket_poll_interval).toBe(10);
  });

  it('accepts auto or a 2-letter language, lower-cased', () => {
    expect(botConfigSchema.parse({ language: 'EN' }).language).toBe('en');
    expect(botConfigSchema.safeParse({ language: 'english' }).success).toBe(false);
  });

  it('patch schema applies no defaults and rejects unknown keys', () => {
    expect(botConfigPatchSchema.parse({ chat_mode: 'ai' })).toEqual({ chat_mode: 'ai' });
    expect(botConfigPatchSchema.safeParse({ chat_mod: 'ai' }).success).toBe(false);
  });
});

describe('scheduler_timezone (UTC offsets only)', () => {
  it.each([
    ['UTC', 0],
    ['UTC+6', 360],
    ['UTC-5', -300],
    ['UTC+5:30', 330],
    ['UTC+5:45', 345],
    ['UTC-3:30', -210],
    ['UTC+14', 840],
    ['UTC-12', -720],
    ['utc+06', 360],
  ])('%s is %i minutes east of UTC', (tz, minutes) => {
    expect(utcOffsetMinutes(tz)).toBe(minutes);
  });

  it.each(['UTC+15', 'UTC-13', 'UTC+14:30', 'UTC-12:30', 'UTC+5:15', 'GMT+6', '+6', 'UTC+', ''])('rejects %j', (tz) => {
    expect(timezoneProblem(tz)).toBeDefined();
    expect(() => utcOffsetMinutes(tz)).toThrow(ConfigError);
  });

  it('rejects IANA names and says to use a UTC offset', () => {
    const err = configError(() => utcOffsetMinutes('Asia/Dhaka'));
    expect(err.message).toContain('scheduler_timezone');
    expect(err.message).toMatch(/IANA/);
    expect(err.message).toContain('UTC offset');
    expect(err.message).toContain('found "Asia/Dhaka"');
    const parsed = botConfigSchema.safeParse({ scheduler_timezone: 'America/New_York' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('use a UTC offset');
  });

  it('stores a canonical spelling', () => {
    expect(botConfigSchema.parse({ scheduler_timezone: 'utc+06:00' }).scheduler_timezone).toBe('UTC+6');
    expect(botConfigSchema.parse({ scheduler_timezone: 'UTC-0' }).scheduler_timezone).toBe('UTC');
    expect(botConfigSchema.parse({ scheduler_timezone: 'UTC+05:30' }).scheduler_timezone).toBe('UTC+5:30');
  });
});

describe('parseBotConfigValue (!config set)', () => {
  it.each([
    ['true', true],
    ['YES', true],
    ['on', true],
    ['1', true],
    ['enable', true],
    ['false', false],
    ['no', false],
    ['Off', false],
    ['0', false],
    ['disable', false],
  ])('coerces %j to a boolean', (raw, value) => {
    expect(parseBotConfigValue('marketing_enabled', raw)).toEqual({ key: 'marketing_enabled', value });
  });

  it('coerces numbers, enums (case-insensitively), keys and quoted text', () => {
    expect(parseBotConfigValue('cooldown_seconds', '60')).toEqual({ key: 'cooldown_seconds', value: 60 });
    expect(parseBotConfigValue('chat_mode', 'AI')).toEqual({ key: 'chat_mode', value: 'ai' });
    expect(parseBotConfigValue('Chat-Mode', ' custom ')).toEqual({ key: 'chat_mode', value: 'custom' });
    expect(parseBotConfigValue('ticket_signature', '"Acme Support"').value).toBe('Acme Support');
    expect(parseBotConfigValue('scheduler_timezone', 'utc+6').value).toBe('UTC+6');
    expect(parseBotConfigValue('services_url', 'https://panel.example/services').value).toBe(
      'https://panel.example/services',
    );
  });

  it('clears optional keys with none, but not keys that have a default', () => {
    expect(parseBotConfigValue('services_url', 'none')).toEqual({ key: 'services_url', value: undefined });
    expect(() => parseBotConfigValue('ticket_signature', '')).toThrow(ConfigError);
  });

  it('rejects unknown keys, listing close matches', () => {
    const err = configError(() => parseBotConfigValue('chat_mod', 'ai'));
    expect(err.message).toContain('unknown bot_config key "chat_mod"');
    expect(err.message).toContain('chat_mode');
    const cooldown = configError(() => parseBotConfigValue('cooldown', '5'));
    expect(cooldown.message).toContain('cooldown_seconds');
    expect(cooldown.message).toContain('balance_cooldown_seconds');
    expect(configError(() => parseBotConfigValue('zzzzzz', '1')).message).toContain('!config list');
  });

  it.each([
    ['marketing_enabled', 'maybe', 'expected true or false', '"maybe"'],
    ['cooldown_seconds', 'soon', 'expected a whole number of seconds', '"soon"'],
    ['cooldown_seconds', '1.5', 'expected a whole number of seconds', '"1.5"'],
    ['cooldown_seconds', '-5', 'expected at least 0 seconds', '"-5"'],
    ['ticket_poll_interval', '5', 'expected at least 10 seconds', '"5"'],
    ['chat_mode', 'robot', 'expected one of manual, ai, custom', '"robot"'],
    ['language', 'english', 'expected "auto" or a 2-letter language code', '"english"'],
    ['services_url', 'not a url', 'expected an http(s) URL', '"not a url"'],
    ['scheduler_timezone', 'Asia/Dhaka', 'use a UTC offset', '"Asia/Dhaka"'],
    ['scheduler_timezone', 'UTC+15', 'between UTC-12 and UTC+14', '"UTC+15"'],
  ])('%s = %j fails with key, expectation and found value', (key, raw, expected, found) => {
    const err = configError(() => parseBotConfigValue(key, raw));
    expect(err.message.startsWith(`${key}: `)).toBe(true);
    expect(err.message).toContain(expected);
    expect(err.message).toContain(`found ${found}`);
    expect(err.code).toBe('E_CONFIG_INVALID');
    expect(err.issues).toEqual([err.message]);
  });

  it('never echoes a secret value', () => {
    expect(parseBotConfigValue('panel_api_key', 'abc123').value).toBe('abc123');
    const err = configError(() => parseBotConfigValue('panel_api_key', 'sk live 123'));
    expect(err.message).toMatch(
      /^panel_api_key: expected a single word without spaces; found a value of 11 characters$/,
    );
    expect(err.message).not.toContain('sk live');
  });
});

describe('mergeBotConfig', () => {
  it('applies a patch and validates the result', () => {
    const merged = mergeBotConfig(defaultBotConfig(), { chat_mode: 'ai', cooldown_seconds: 60 });
    expect(merged.chat_mode).toBe('ai');
    expect(merged.cooldown_seconds).toBe(60);
    expect(merged.ticket_signature).toBe('Support Team');
  });

  it('resets a key to its default when the patch sets it to undefined', () => {
    const base = mergeBotConfig({}, { cooldown_seconds: 5 });
    expect(mergeBotConfig(base, { cooldown_seconds: undefined }).cooldown_seconds).toBe(3600);
  });

  it('throws a ConfigError with one line per invalid key', () => {
    const err = configError(() =>
      mergeBotConfig(defaultBotConfig(), { marketing_interval_hours: 0, scheduler_timezone: 'Europe/Berlin' }),
    );
    expect(err.issues).toHaveLength(2);
    expect(err.issues[0]).toMatch(/^marketing_interval_hours: expected at least 1 hours; found 0$/);
    expect(err.issues[1]).toContain('scheduler_timezone: IANA');
    expect(err.issues[1]).toContain('found "Europe/Berlin"');
  });

  it('redacts secret values in its errors', () => {
    const err = configError(() => mergeBotConfig({}, { ai_api_key: 42 as unknown as string }));
    expect(err.message).toContain('ai_api_key: expected text; found [redacted]');
  });
});

describe('closestMatches', () => {
  it('ranks by edit distance and caps the list', () => {
    expect(closestMatches('chat_mdoe', ['chat_mode', 'language', 'cooldown_seconds'])).toEqual(['chat_mode']);
    expect(closestMatches('abc', ['abd', 'abe', 'abf', 'abg'], 2)).toHaveLength(2);
    expect(closestMatches('qqqqqqq', ['chat_mode'])).toEqual([]);
  });
});
