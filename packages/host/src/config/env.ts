import { ConfigError, DEFAULT_TENANT } from '@smmbot/core';

export type Env = Readonly<Record<string, string | undefined>>;
type Segment = string | number;

/** Formats a path the way config issues print it: `tenants[0].botConfig.chat_mode`. */
export function formatPath(path: readonly Segment[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const NAME_AND_FALLBACK = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Returns a copy of `value` with `${VAR}` and `${VAR:-fallback}` replaced in every string (plain objects and
 * arrays are walked; anything else is kept as is). The fallback is used when VAR is unset or empty; `$${X}`
 * is a literal `${X}`. Throws ConfigError naming every missing variable and where it is used.
 * `origins` receives, per config path, the variables its value came from.
 */
export function interpolateEnv(
  value: unknown,
  env: Env,
  source: string,
  origins: Record<string, string> = {},
): unknown {
  const problems: string[] = [];
  const walk = (node: unknown, path: Segment[]): unknown => {
    if (typeof node === 'string') return substitute(node, path);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (!isPlainObject(node)) return node;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(node)) copy[key] = walk(item, [...path, key]);
    return copy;
  };
  const substitute = (text: string, path: Segment[]): string => {
    const used: string[] = [];
    const result = text.replace(REFERENCE, (whole, escaped: string, body: string) => {
      if (escaped) return whole.slice(1);
      const m = NAME_AND_FALLBACK.exec(body);
      if (!m) {
        problems.push(`${formatPath(path)}: invalid reference ${whole}; expected \${NAME} or \${NAME:-fallback}`);
        return whole;
      }
      const [, name, fallback] = m as unknown as [string, string, string | undefined];
      used.push(name);
      const set = env[name];
      if (fallback !== undefined && !set) return fallback;
      if (set !== undefined) return set;
      problems.push(
        `${formatPath(path)}: environment variable ${name} is not set (use \${${name}:-fallback} for a default)`,
      );
      return whole;
    });
    if (used.length) origins[formatPath(path)] = `env ${used.join(', ')}`;
    return result;
  };
  const result = walk(value, []);
  if (problems.length) {
    throw new ConfigError(`${source}: ${problems.join('; ')}`, { issues: problems });
  }
  return result;
}

const PREFIX = 'SMMBOT__';
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Applies environment overrides to `config` in place: first the shortcuts `PORT` (http.port) and
 * `SMMBOT_SECRET_KEY` (secretKey), then every `SMMBOT__a__b__0__c` variable in name order (so the
 * specific form wins). Values are JSON-parsed when they parse, else kept as strings; empty values are
 * ignored. Returns, per formatted path, the variable that set it.
 */
export function applyEnvOverrides(config: Record<string, unknown>, env: Env, source: string): Record<string, string> {
  const origins: Record<string, string> = {};
  const set = (name: string, path: Segment[], value: unknown) => {
    setPath(config, path, value, name, source);
    origins[formatPath(path)] = `env ${name}`;
  };
  if (env.PORT) set('PORT', ['http', 'port'], parseValue(env.PORT));
  if (env.SMMBOT_SECRET_KEY) set('SMMBOT_SECRET_KEY', ['secretKey'], env.SMMBOT_SECRET_KEY);
  const names = Object.keys(env)
    .filter((name) => name.startsWith(PREFIX) && env[name])
    .sort();
  for (const name of names) {
    const segments = name.slice(PREFIX.length).split('__');
    if (segments.some((s) => s === '' || FORBIDDEN.has(s))) {
      throw new ConfigError(
        `${source}: ${name}: expected segments like SMMBOT__http__port; found an empty or reserved segment`,
      );
    }
    set(
      name,
      segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
      parseValue(env[name]!),
    );
  }
  return origins;
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function setPath(root: Record<string, unknown>, path: Segment[], value: unknown, name: string, source: string): void {
  let node: Record<string, unknown> | unknown[] = root;
  path.forEach((segment, i) => {
    const fail = (expected: string, found: string): never => {
      throw new ConfigError(
        `${source}: ${name}: ${formatPath(path.slice(0, i + 1))}: expected ${expected}; found ${found}`,
      );
    };
    if (Array.isArray(node) && (typeof segment !== 'number' || segment > node.length)) {
      fail(`an index from 0 to ${node.length}`, JSON.stringify(String(segment)));
    }
    const container = node as Record<Segment, unknown>;
    if (i === path.length - 1) {
      container[segment] = value;
      return;
    }
    let next = container[segment];
    if (next === undefined && i === 0 && segment === 'tenants') next = [{ ...DEFAULT_TENANT }];
    if (next === undefined) next = typeof path[i + 1] === 'number' ? [] : {};
    if (!Array.isArray(next) && !isPlainObject(next)) fail('an object or a list to set a key in', JSON.stringify(next));
    container[segment] = next;
    node = next as Record<string, unknown> | unknown[];
  });
}
