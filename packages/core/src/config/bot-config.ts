import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { formatIssues } from './format-issues.js';

/**
 * The per-tenant bot_config: every setting a panel owner changes live (`!config set`, PATCH /config).
 * Each key has a default, so `{}` is a valid config; stored configs are merged over the defaults.
 */

export const CHAT_MODES = ['manual', 'ai', 'custom'] as const;
export type ChatMode = (typeof CHAT_MODES)[number];
/** Where start-time and refill rules come from: service names, or rules defined over the cached catalog. */
export const SERVICE_RULE_SOURCES = ['service_name', 'panel_cache'] as const;

const TZ_PATTERN = /^UTC(?:([+-])(\d{1,2})(?::(00|30|45))?)?$/;
const TZ_EXPECTED = 'expected a UTC offset such as UTC, UTC+6 or UTC-5 (UTC-12 to UTC+14, optionally :30 or :45)';

/** Why `tz` is not an accepted scheduler timezone, or undefined when it is. Only UTC offsets are accepted. */
export function timezoneProblem(tz: string): string | undefined {
  const m = TZ_PATTERN.exec(tz.trim().toUpperCase());
  if (!m) {
    return /^[A-Za-z_]+\/[A-Za-z_/+-]+$/.test(tz.trim())
      ? `IANA time zone names are not supported, use a UTC offset: ${TZ_EXPECTED}`
      : TZ_EXPECTED;
  }
  const minutes = offsetOf(m);
  return minutes < -12 * 60 || minutes > 14 * 60 ? `expected an offset between UTC-12 and UTC+14` : undefined;
}

function offsetOf(m: RegExpExecArray): number {
  if (!m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/** Minutes east of UTC for a scheduler timezone (`UTC+5:30` → 330, `UTC-5` → -300). Throws ConfigError if invalid. */
export function utcOffsetMinutes(tz: string): number {
  const problem = timezoneProblem(tz);
  if (problem) {
    const line = `scheduler_timezone: ${problem}; found ${JSON.stringify(tz)}`;
    throw new ConfigError(line, { issues: [line] });
  }
  return offsetOf(TZ_PATTERN.exec(tz.trim().toUpperCase())!);
}

/** Canonical spelling: `utc+06:00` → `UTC+6`, `UTC-0` → `UTC`, `UTC+5:30` stays. */
function canonicalTimezone(tz: string): string {
  const m = TZ_PATTERN.exec(tz.trim().toUpperCase());
  if (!m) return tz;
  const minutes = offsetOf(m);
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  const rest = abs % 60 ? `:${abs % 60}` : '';
  return `UTC${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${rest}`;
}

const int = (min: number, max: number, unit: string) =>
  z
    .number({ error: `expected a whole number of ${unit}` })
    .int(`expected a whole number of ${unit}`)
    .min(min, `expected at least ${min} ${unit}`)
    .max(max, `expected at most ${max} ${unit}`);
const bool = () => z.boolean({ error: 'expected true or false' });
const text = (max = 200) => z.string({ error: 'expected text' }).trim().min(1, 'expected non-empty text').max(max);
const secret = () => z.string({ error: 'expected text' }).regex(/^\S+$/, 'expected a single word without spaces');
const httpUrl = () => z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://yourpanel.com' });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` });

const fields = {
  chat_mode: oneOf(CHAT_MODES),
  support_enabled: bool(),
  cooldown_seconds: int(0, 30 * 86_400, 'seconds'),
  balance_cooldown_seconds: int(0, 86_400, 'seconds'),
  max_ids_per_message: int(1, 1000, 'order ids'),
  language: z
    .string({ error: 'expected "auto" or a 2-letter language code such as en' })
    .trim()
    .toLowerCase()
    .regex(/^(auto|[a-z]{2})$/, 'expected "auto" or a 2-letter language code such as en'),
  ai_consolation_enabled: bool(),
  ai_provider: text(100).optional(),
  ai_model: text().optional(),
  ai_api_key: secret().optional(),
  verification_enabled: bool(),
  verification_max_attempts: int(1, 20, 'attempts'),
  verification_cooldown_seconds: int(0, 86_400, 'seconds'),
  verification_code_ttl_seconds: int(60, 86_400, 'seconds'),
  ticket_ai_enabled: bool(),
  ticket_poll_subject: text(),
  ticket_poll_interval: int(10, 86_400, 'seconds'),
  ticket_signature: text(),
  ticket_reply_staff_name: text(100),
  ticket_webhook_key: secret().optional(),
  marketing_enabled: bool(),
  marketing_interval_hours: int(1, 168, 'hours'),
  marketing_jitter_minutes: int(0, 1440, 'minutes'),
  scheduler_timezone: z
    .string({ error: TZ_EXPECTED })
    .superRefine((tz, ctx) => {
      const problem = timezoneProblem(tz);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: tz });
    })
    .overwrite(canonicalTimezone),
  services_url: httpUrl().optional(),
  service_rules_source: oneOf(SERVICE_RULE_SOURCES),
  panel_url: httpUrl().optional(),
  panel_api_key: secret().optional(),
};

type Fields = typeof fields;

const DEFAULTS = {
  chat_mode: 'manual',
  support_enabled: true,
  cooldown_seconds: 3600,
  balance_cooldown_seconds: 60,
  max_ids_per_message: 100,
  language: 'auto',
  ai_consolation_enabled: true,
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
  service_rules_source: 'service_name',
} as const satisfies { [K in keyof Fields]?: z.output<Fields[K]> };

type Shape = { [K in keyof Fields]: K extends keyof typeof DEFAULTS ? z.ZodDefault<Fields[K]> : Fields[K] };
const shape = Object.fromEntries(
  Object.entries(fields).map(([key, schema]) => {
    const fallback = (DEFAULTS as Record<string, unknown>)[key];
    return [key, fallback === undefined ? schema : (schema as z.ZodType).default(fallback)];
  }),
) as Shape;

/** The full bot_config; unknown keys (e.g. from an older release) are dropped. */
export const botConfigSchema = z.object(shape);
/** Overrides only: no defaults applied, unknown keys rejected (tenant `botConfig` in the host config file). */
export const botConfigPatchSchema = z.strictObject(fields).partial();

export type BotConfig = z.output<typeof botConfigSchema>;
export type BotConfigInput = z.input<typeof botConfigSchema>;
export type BotConfigPatch = z.input<typeof botConfigPatchSchema>;
export type BotConfigKey = keyof Fields;
export type BotConfigEntry = { [K in BotConfigKey]: { key: K; value: BotConfig[K] } }[BotConfigKey];

export function defaultBotConfig(): BotConfig {
  return botConfigSchema.parse({});
}

export type BotConfigValueKind = 'boolean' | 'integer' | 'enum' | 'text' | 'url' | 'timezone' | 'language';

export interface BotConfigKeyInfo {
  /** One line for `!config list`. */
  description: string;
  /** Secret values are never echoed back (list, get, errors). */
  secret: boolean;
  kind: BotConfigValueKind;
  /** Allowed values of an `enum` key. */
  values?: readonly string[];
}

const info = (kind: BotConfigValueKind, description: string, secret = false) => ({ kind, description, secret });

export const BOT_CONFIG_KEYS: { readonly [K in BotConfigKey]: BotConfigKeyInfo } = {
  chat_mode: {
    ...info('enum', 'How replies are written: manual (fixed), ai (LLM rewrite) or custom (templates)'),
    values: CHAT_MODES,
  },
  support_enabled: info('boolean', 'Whether the bot answers customers at all'),
  cooldown_seconds: info('integer', 'Seconds before the same action on the same order can be requested again'),
  balance_cooldown_seconds: info('integer', 'Seconds between two balance checks by one customer'),
  max_ids_per_message: info('integer', 'Most order ids handled from a single message'),
  language: info('language', 'Reply language: auto (detect) or a 2-letter code such as en'),
  ai_consolation_enabled: info('boolean', 'Add an empathetic AI reply to dirty commands (needs AI credentials)'),
  ai_provider: info('text', 'AI provider name shown in !status (e.g. openai)'),
  ai_model: info('text', 'AI model used for rewrites, consolation and ticket replies'),
  ai_api_key: info('text', 'API key of the AI provider', true),
  verification_enabled: info('boolean', 'Require customers to verify their panel username by a ticket code'),
  verification_max_attempts: info('integer', 'Wrong codes allowed before the verification cooldown starts'),
  verification_cooldown_seconds: info('integer', 'Seconds a customer waits after too many wrong codes'),
  verification_code_ttl_seconds: info('integer', 'Seconds a verification code stays valid'),
  ticket_ai_enabled: info('boolean', 'Answer panel tickets with the configured subject using AI'),
  ticket_poll_subject: info('text', 'Ticket subject the Ticket AI handles'),
  ticket_poll_interval: info('integer', 'Seconds between two polls of the panel tickets (at least 10)'),
  ticket_signature: info('text', 'Sign-off appended to every ticket reply'),
  ticket_reply_staff_name: info('text', 'Staff name ticket replies are posted as'),
  ticket_webhook_key: info('text', 'Key the panel ticket webhook must present', true),
  marketing_enabled: info('boolean', 'Send marketing broadcasts to marketing-enabled groups'),
  marketing_interval_hours: info('integer', 'Hours between two marketing broadcasts'),
  marketing_jitter_minutes: info('integer', 'Random extra delay, 0 to this many minutes, added to each broadcast'),
  scheduler_timezone: info('timezone', 'Timezone of schedules as a UTC offset: UTC, UTC+6, UTC-5 (UTC-12..UTC+14)'),
  services_url: info('url', 'Link sent for the services command'),
  service_rules_source: {
    ...info('enum', 'Where start-time and refill rules come from: service_name or panel_cache'),
    values: SERVICE_RULE_SOURCES,
  },
  panel_url: info('url', 'Panel URL, e.g. https://yourpanel.com'),
  panel_api_key: info('text', 'Panel admin API key', true),
};

export function isBotConfigKey(key: string): key is BotConfigKey {
  return Object.hasOwn(BOT_CONFIG_KEYS, key);
}

/** Up to `max` candidates close to `input`: small edit distance, or one containing the other. */
export function closestMatches(input: string, candidates: readonly string[], max = 3): string[] {
  const needle = input.toLowerCase();
  return candidates
    .map((c) => ({ c, d: editDistance(needle, c.toLowerCase()) }))
    .filter(({ c, d }) => {
      const contains = needle.length >= 3 && (c.includes(needle) || needle.includes(c));
      return contains || d <= Math.max(2, Math.floor(needle.length / 3));
    })
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map(({ c }) => c);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'enable', 'enabled', 'y']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'disable', 'disabled', 'n']);
const UNSET_WORDS = new Set(['', 'none', 'null', 'unset', '-']);

/**
 * Parses `!config set <key> <value>`: normalises the key (case, dashes), coerces the text to the key's type
 * and validates it. Optional keys are cleared by `none`/`unset`. Throws ConfigError naming the key, what was
 * expected and what was found (secret values are never echoed).
 */
export function parseBotConfigValue(key: string, raw: string): BotConfigEntry {
  const name = key.trim().toLowerCase().replace(/-/g, '_');
  if (!isBotConfigKey(name)) {
    const near = closestMatches(name, Object.keys(BOT_CONFIG_KEYS));
    const hint = near.length ? `; did you mean ${near.join(', ')}?` : '; run !config list to see all keys';
    const line = `unknown bot_config key ${JSON.stringify(key.trim())}${hint}`;
    throw new ConfigError(line, { issues: [line] });
  }
  const meta = BOT_CONFIG_KEYS[name];
  const found = meta.secret ? `a value of ${raw.length} characters` : JSON.stringify(raw);
  const fail = (expected: string): never => {
    const line = `${name}: ${expected}; found ${found}`;
    throw new ConfigError(line, { issues: [line] });
  };
  let text = raw.trim();
  if (text.length >= 2 && /^(["']).*\1$/s.test(text)) text = text.slice(1, -1);
  let value: unknown = text;
  const lower = text.toLowerCase();
  if (!(name in DEFAULTS) && UNSET_WORDS.has(lower)) {
    value = undefined;
  } else if (meta.kind === 'boolean') {
    if (TRUE_WORDS.has(lower)) value = true;
    else if (FALSE_WORDS.has(lower)) value = false;
    else fail('expected true or false (yes/no, on/off, 1/0, enable/disable)');
  } else if (meta.kind === 'integer' && /^[+-]?\d+$/.test(text.replace(/_/g, ''))) {
    value = Number(text.replace(/_/g, ''));
  } else if (meta.kind === 'enum') {
    value = meta.values?.find((v) => v === lower) ?? text;
  }
  const result = (shape[name] as z.ZodType).safeParse(value, { reportInput: true });
  if (!result.success) fail(result.error.issues[0]?.message ?? 'expected a valid value');
  return { key: name, value: result.data } as BotConfigEntry;
}

/** `base` with `patch` applied (an `undefined` value resets a key to its default), validated. */
export function mergeBotConfig(base: BotConfigInput, patch: BotConfigInput): BotConfig {
  const result = botConfigSchema.safeParse({ ...base, ...patch }, { reportInput: true });
  if (result.success) return result.data;
  const issues = formatIssues(result.error).map((line) => redactLine(line));
  throw new ConfigError(`invalid bot_config: ${issues.join('; ')}`, { issues });
}

function redactLine(line: string): string {
  const key = line.slice(0, line.indexOf(':'));
  return isBotConfigKey(key) && BOT_CONFIG_KEYS[key].secret ? line.replace(/; found .*$/s, '; found [redacted]') : line;
}
