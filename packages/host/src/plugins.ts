import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BotPlugin, ConfigError, type PluginEntry, type PluginFactory } from '@smmbot/core';

/**
 * Loads a plugin named in the config file: a package name (resolved from the host first, then from
 * the project's node_modules) or a path relative to the config's folder. The module's default
 * export (or its only `definePlugin` export) is called with the entry's options.
 */
export async function loadPlugin(
  entry: Pick<PluginEntry, 'use' | 'tenant'> & { options?: Record<string, unknown> },
  cwd: string,
): Promise<BotPlugin[]> {
  const mod = await importModule(entry.use, cwd);
  const factory = pickFactory(mod, entry.use);
  // Plugins with a `tenant` option (channels, panels) get the entry's tenant in their options too.
  const shape = (factory.options as { shape?: Record<string, unknown> }).shape;
  const options =
    entry.tenant && shape && 'tenant' in shape ? { ...entry.options, tenant: entry.tenant } : (entry.options ?? {});
  const plugins = factory(options);
  // A tenant's plugin binds its capabilities (its panel, its channel) in that tenant's container,
  // under a name of its own so two tenants can use the same plugin.
  return entry.tenant
    ? plugins.map((p) => ({ ...p, name: `${p.name}@${entry.tenant}`, tenant: entry.tenant }))
    : plugins;
}

async function importModule(spec: string, cwd: string): Promise<Record<string, unknown>> {
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    const file = path.resolve(cwd, spec);
    if (!existsSync(file)) throw new ConfigError(`plugin "${spec}": no file at ${file}`);
    return import(pathToFileURL(file).href);
  }
  try {
    return await import(spec);
  } catch (err) {
    const local = resolveFromProject(spec, cwd);
    if (local) return import(pathToFileURL(local).href);
    throw new ConfigError(`plugin "${spec}" could not be loaded: is it installed? (npm install ${spec})`, {
      cause: err,
    });
  }
}

/** Finds an ESM package's entry in <cwd>/node_modules without the host's own resolution. */
function resolveFromProject(spec: string, cwd: string): string | undefined {
  const dir = path.join(cwd, 'node_modules', spec);
  const pkgFile = path.join(dir, 'package.json');
  if (!existsSync(pkgFile)) return undefined;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: unknown; main?: string };
  const root = (pkg.exports as Record<string, unknown> | undefined)?.['.'] ?? pkg.exports;
  const entry =
    typeof root === 'string' ? root : ((root as Record<string, string> | undefined)?.import ?? pkg.main ?? 'index.js');
  return path.join(dir, entry);
}

function pickFactory(mod: Record<string, unknown>, spec: string): PluginFactory {
  const isFactory = (v: unknown): v is PluginFactory => typeof v === 'function' && 'pluginName' in v;
  if (isFactory(mod.default)) return mod.default;
  const named = Object.values(mod).filter(isFactory);
  if (named.length === 1) return named[0]!;
  throw new ConfigError(`"${spec}" does not export a plugin: expected a default export made with definePlugin()`);
}
