import path from 'node:path';
import { ConfigError, type HostConfig, parseHostConfig } from '@smmbot/core';
import { applyEnvOverrides, type Env, interpolateEnv, isPlainObject } from './env.js';
import { findConfigFile, readConfigFile, resolveGivenFile } from './read.js';

export const EMBEDDED_DEFAULT = 'embedded default';

export interface LoadHostConfigOptions {
  /** Where to look for the config file; relative paths in the config resolve against it. */
  cwd: string;
  /** A config file to use instead of searching `cwd` (relative to `cwd`); it must exist. */
  file?: string;
  /** Variables for `${VAR}` interpolation and `SMMBOT__*` overrides. */
  env?: Env;
}

export interface LoadedHostConfig {
  config: HostConfig;
  /** Absolute path of the file read, or `embedded default` when there was none. */
  source: string;
}

/**
 * Loads the host config: the first of smmbot.config.{ts,mts,js,mjs,json,yaml,yml} in `cwd` (or `file`),
 * else the embedded default (`{}`). Then `${VAR}` / `${VAR:-fallback}` interpolation in every string,
 * then environment overrides (`PORT`, `SMMBOT_SECRET_KEY`, `SMMBOT__http__port=8080`, ...), then
 * validation. `dataDir` and the sqlite `path` come back absolute. Throws ConfigError whose message
 * starts with the file name and lists each issue as `path: expected X; found Y`.
 */
export async function loadHostConfig(options: LoadHostConfigOptions): Promise<LoadedHostConfig> {
  const cwd = path.resolve(options.cwd);
  const env = options.env ?? process.env;
  const file = options.file === undefined ? findConfigFile(cwd) : resolveGivenFile(cwd, options.file);
  const display = file === undefined ? EMBEDDED_DEFAULT : displayName(cwd, file);
  const raw = file === undefined ? {} : await readConfigFile(file, display);
  if (!isPlainObject(raw)) {
    const found = Array.isArray(raw) ? 'a list' : raw === null ? 'null' : typeof raw;
    throw new ConfigError(`${display}: expected the config to be an object; found ${found}`);
  }
  const origins: Record<string, string> = {};
  const interpolated = interpolateEnv(raw, env, display, origins) as Record<string, unknown>;
  Object.assign(origins, applyEnvOverrides(interpolated, env, display));
  const config = parseHostConfig(interpolated, { source: display, origins });
  config.dataDir = path.resolve(cwd, config.dataDir);
  if (config.storage.driver === 'sqlite' && config.storage.path !== ':memory:') {
    config.storage = { driver: 'sqlite', path: path.resolve(cwd, config.storage.path) };
  }
  // Without a config file the host runs the embedded default, whose panel is the simulator.
  config.simulator.enabled ??= file === undefined;
  return { config, source: file ?? EMBEDDED_DEFAULT };
}

/** The file as a person would name it: relative to `cwd` when inside it. */
function displayName(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
