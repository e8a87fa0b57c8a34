import {
  adminArgsOf,
  BOT_CONFIG_KEYS,
  type BotConfig,
  type BotConfigKey,
  type ConfigArgs,
  closestMatches,
  ConfigError,
  isBotConfigKey,
  type Outcome,
  parseBotConfigValue,
  type Turn,
} from '@smmbot/core';
import { supportState } from '../state.js';
import { draft } from '../templates/defaults.js';
import type { AdminDeps, AdminInput } from './ops.js';

const HIDDEN = '[hidden]';
const NOT_SET = '(not set)';

const keyName = (key: string) => key.trim().toLowerCase().replace(/-/g, '_');
const isSecret = (key: string) => isBotConfigKey(key) && BOT_CONFIG_KEYS[key].secret;

/** How a value is shown in chat: secrets never, only whether they are set. */
export function displayConfigValue(key: BotConfigKey, value: unknown): string {
  if (value === undefined || value === null) return NOT_SET;
  return BOT_CONFIG_KEYS[key].secret ? HIDDEN : String(value);
}

/** `!config set <secret key> …` (also `key=value`, `key: value`) is logged as `!config set <secret key> [hidden]`. */
export function redactConfigText(raw: string): string | undefined {
  const m = /^(\s*\S+\s+set\s+["'“‘]?([^\s=:："'”’]+))/i.exec(raw);
  return m && isSecret(keyName(m[2]!)) ? `${m[1]} ${HIDDEN}` : undefined;
}

/**
 * `!config set <key> <value>` (coerced and validated by `parseBotConfigValue`, stored through the
 * tenant's config source: the next message sees it), `!config get <key>` and `!config list`.
 * Secret values are never echoed: not on success, not in errors, not in the log.
 */
/** `set <key> <value>` / `get <key>` / `list` from the text after `!config` (for parsers without `adminArgs`). */
export function parseConfigArgs(text: string): Partial<{ op: string; key: string; value: string }> {
  const m = /^(\S+)(?:\s+(\S+))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  const value = m?.[3]?.trim();
  return { op: m?.[1]?.toLowerCase(), key: m?.[2], ...(value ? { value } : {}) };
}

export async function configOp(turn: Turn, input: AdminInput, { ctx }: AdminDeps): Promise<Outcome> {
  const state = supportState(turn);
  const parsed: ConfigArgs | undefined = adminArgsOf(input.command, 'admin.config');
  const {
    op: sub,
    key,
    value,
  } = parsed
    ? {
        op: parsed.op,
        key: 'key' in parsed ? parsed.key : undefined,
        value: 'value' in parsed ? parsed.value : undefined,
      }
    : parseConfigArgs(input.text);
  const fail = (error: string): Outcome => {
    state.log.result = 'refused';
    state.log.reason = 'config_invalid';
    return { reason: 'config_invalid', replies: [draft('admin_config_error', { error })] };
  };

  if (sub === 'list' && !key) {
    state.log.result = 'info';
    state.log.reason = 'config_list';
    const list = (Object.keys(BOT_CONFIG_KEYS) as BotConfigKey[])
      .map((k) => `${k} = ${displayConfigValue(k, turn.config[k])}`)
      .join('\n');
    return { reason: 'config_list', replies: [draft('admin_config_list', { list })] };
  }
  if (sub === 'get' && key && !value) {
    const name = keyName(key);
    if (!isBotConfigKey(name)) return fail(unknownKey(key));
    state.log.result = 'info';
    state.log.reason = 'config_get';
    const shown = displayConfigValue(name, turn.config[name]);
    return { reason: 'config_get', replies: [draft('admin_config_value', { key: name, value: shown })] };
  }
  if (sub === 'set' && key && value) {
    let entry: ReturnType<typeof parseBotConfigValue>;
    try {
      entry = parseBotConfigValue(key, value);
      await ctx.config.set(turn.tenantId, { [entry.key]: entry.value } as Partial<BotConfig>);
    } catch (err) {
      // ConfigError texts name the key and what was expected; parseBotConfigValue never puts secrets in them.
      if (err instanceof ConfigError) return fail(err.message);
      throw err;
    }
    state.log.result = 'ok';
    state.log.reason = 'config_set';
    const shown = displayConfigValue(entry.key, entry.value);
    return { reason: 'config_set', replies: [draft('admin_config_set', { key: entry.key, value: shown })] };
  }
  state.log.result = 'refused';
  state.log.reason = 'config_usage';
  return { reason: 'config_usage', replies: [draft('admin_config_usage')] };
}

function unknownKey(key: string): string {
  const near = closestMatches(keyName(key), Object.keys(BOT_CONFIG_KEYS));
  const hint = near.length ? `; did you mean ${near.join(', ')}?` : '; run !config list to see all keys';
  return `unknown bot_config key ${JSON.stringify(key.trim())}${hint}`;
}
