import type { Redis } from 'ioredis';

/**
 * The Lua scripts behind every check-and-set operation. Redis runs a script start to end with no
 * other command in between, so each operation is atomic however many processes share the server.
 *
 * Expiry is decided by the injected Clock, not by Redis's own clock: every script receives the
 * clock's `now` (ARGV[1]) and compares it with the expiry stored beside the data (`x` in a value or
 * lock hash, the score in a set). JavaScript computes the expiry times and the PEXPIRE backstops and
 * passes them as strings, so no time is ever formatted by Lua (whose `tostring` keeps 14 digits).
 *
 * Layout: a value is a hash {v: JSON, x?: expiry}; a lock is a hash {t: owner token, x: expiry}; a
 * TTL set is a sorted set whose scores are each member's expiry.
 */
const PREAMBLE = `
local now = tonumber(ARGV[1])
local function is_live(expiry)
  return expiry == false or expiry == nil or tonumber(expiry) > now
end
local function write_value(key, json, expiry, backstop)
  redis.call('DEL', key)
  if expiry == '' then
    redis.call('HSET', key, 'v', json)
  else
    redis.call('HSET', key, 'v', json, 'x', expiry)
    redis.call('PEXPIRE', key, backstop)
  end
end
local function prune_set(key)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
end
`;

const lua = (body: string) => `${PREAMBLE}\n${body}`;

/**
 * The longest PEXPIRE backstop (100 years). A larger one (a TTL of 1e21 ms, say) would overflow
 * Redis's expire time and fail the command; a key that long-lived is as good as permanent anyway.
 */
export const MAX_BACKSTOP_MS = 3_155_760_000_000;

/** Error replies a script sends on purpose; the store turns them into SmmbotErrors. */
export const NOT_A_NUMBER = 'SMMBOT_NOT_A_NUMBER';
export const NOT_FINITE = 'SMMBOT_NOT_FINITE';

export const SCRIPTS = {
  /** ARGV: now, json, expiry ('' = none), backstop ms. Replaces value and TTL (DEL clears an old one). */
  smmbotKvSet: lua(`
write_value(KEYS[1], ARGV[2], ARGV[3], ARGV[4])
return 1`),

  /** ARGV: now, json, expiry, backstop. 1 when stored: the key was absent or its value had expired. */
  smmbotKvSetIfAbsent: lua(`
local cur = redis.call('HMGET', KEYS[1], 'v', 'x')
if cur[1] and is_live(cur[2]) then return 0 end
write_value(KEYS[1], ARGV[2], ARGV[3], ARGV[4])
return 1`),

  /** ARGV: now. 1 when a live value was deleted (an expired one is deleted too, but reports 0). */
  smmbotKvDelete: lua(`
local cur = redis.call('HMGET', KEYS[1], 'v', 'x')
if not cur[1] then return 0 end
redis.call('DEL', KEYS[1])
if is_live(cur[2]) then return 1 end
return 0`),

  /**
   * ARGV: now, by, expiry, backstop. Returns the new number as JSON text. A live value keeps its
   * expiry and backstop; an absent or expired one starts at `by` with the given TTL. The number is
   * printed with 15 significant digits when that reads back exactly, else 17 (always exact).
   */
  smmbotKvIncrement: lua(`
local function format_number(n)
  local s = string.format('%.15g', n)
  if tonumber(s) ~= n then s = string.format('%.17g', n) end
  return s
end
local by = tonumber(ARGV[2])
local cur = redis.call('HMGET', KEYS[1], 'v', 'x')
if cur[1] and is_live(cur[2]) then
  local current = tonumber(cur[1])
  if current == nil then return redis.error_reply('${NOT_A_NUMBER}') end
  local sum = current + by
  if sum ~= sum or sum == math.huge or sum == -math.huge then return redis.error_reply('${NOT_FINITE}') end
  local text = format_number(sum)
  redis.call('HSET', KEYS[1], 'v', text)
  return text
end
local text = format_number(by)
write_value(KEYS[1], text, ARGV[3], ARGV[4])
return text`),

  /** ARGV: now, token, expiry, backstop. 1 when taken: no holder, or the holder's lock expired. */
  smmbotLockAcquire: lua(`
local expiry = redis.call('HGET', KEYS[1], 'x')
if expiry and is_live(expiry) then return 0 end
redis.call('HSET', KEYS[1], 't', ARGV[2], 'x', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`),

  /** ARGV: now, token. Compare-and-delete: only the owner, and only while its lock is live. */
  smmbotLockRelease: lua(`
local cur = redis.call('HMGET', KEYS[1], 't', 'x')
if cur[1] ~= ARGV[2] or not cur[2] or not is_live(cur[2]) then return 0 end
redis.call('DEL', KEYS[1])
return 1`),

  /** ARGV: now, token, expiry, backstop. Compare-and-pexpire: only the owner of a live lock. */
  smmbotLockExtend: lua(`
local cur = redis.call('HMGET', KEYS[1], 't', 'x')
if cur[1] ~= ARGV[2] or not cur[2] or not is_live(cur[2]) then return 0 end
redis.call('HSET', KEYS[1], 'x', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`),

  /**
   * ARGV: now, member, expiry, grace ms. 1 when the member was not live before. The backstop covers
   * the longest-lived member (the highest score), so the key outlives every member by the grace.
   */
  smmbotSetAdd: lua(`
prune_set(KEYS[1])
local had = redis.call('ZSCORE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local backstop = math.ceil(tonumber(top[2]) - now + tonumber(ARGV[4]))
backstop = math.min(math.max(backstop, 1), ${MAX_BACKSTOP_MS})
redis.call('PEXPIRE', KEYS[1], string.format('%d', backstop))
if had then return 0 end
return 1`),

  /** ARGV: now, member. 1 when a live member was removed. */
  smmbotSetRemove: lua(`
prune_set(KEYS[1])
return redis.call('ZREM', KEYS[1], ARGV[2])`),

  /** ARGV: now. The live members, after dropping the expired ones. */
  smmbotSetMembers: lua(`
prune_set(KEYS[1])
return redis.call('ZRANGE', KEYS[1], 0, -1)`),
} as const;

export type ScriptName = keyof typeof SCRIPTS;

type ScriptArg = string | number;

/** A client with the scripts defined: each is a method that sends EVALSHA (EVAL on NOSCRIPT). */
export type ScriptedRedis = Redis & {
  [K in ScriptName]: (key: string, ...args: ScriptArg[]) => Promise<unknown>;
};

/**
 * Defines every script on the client (ioredis `defineCommand`). The names are prefixed `smmbot` so
 * they cannot clash with commands an application sharing the client defines for itself.
 */
export function defineScripts(client: Redis): ScriptedRedis {
  for (const [name, source] of Object.entries(SCRIPTS)) {
    client.defineCommand(name, { numberOfKeys: 1, lua: source });
  }
  return client as ScriptedRedis;
}
