import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@smmbot/core';
import { createJiti } from 'jiti';
import { parseDocument } from 'yaml';
import { codeFrame, jsonErrorOffset, lineColumn } from './json-position.js';

/** Looked for in this order in the working directory. */
export const CONFIG_FILE_NAMES = [
  'smmbot.config.ts',
  'smmbot.config.mts',
  'smmbot.config.js',
  'smmbot.config.mjs',
  'smmbot.config.json',
  'smmbot.config.yaml',
  'smmbot.config.yml',
] as const;

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
const SUPPORTED = '.ts, .mts, .cts, .js, .mjs, .cjs, .json, .yaml, .yml';

/** The first config file in `cwd`, or undefined when there is none. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = path.join(cwd, name);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Resolves a config file named on the command line; it must exist. */
export function resolveGivenFile(cwd: string, file: string): string {
  const absolute = path.resolve(cwd, file);
  if (!existsSync(absolute)) throw new ConfigError(`config file not found: ${absolute}`);
  if (!statSync(absolute).isFile()) throw new ConfigError(`config file is not a file: ${absolute}`);
  return absolute;
}

/** Reads a config file by its extension. `display` names it in error messages. */
export async function readConfigFile(file: string, display: string): Promise<unknown> {
  const ext = path.extname(file).toLowerCase();
  if (MODULE_EXTENSIONS.has(ext)) return importModule(file, display);
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new ConfigError(
      `${display}: unsupported config file type "${ext || '(none)'}"; expected one of ${SUPPORTED}`,
    );
  }
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  return ext === '.json' ? parseJson(text, display) : parseYaml(text, display);
}

async function importModule(file: string, display: string): Promise<unknown> {
  try {
    // No module cache: a reload (e.g. after editing the file) sees the new contents.
    const exported = await createJiti(import.meta.url, { moduleCache: false }).import<unknown>(file, {
      default: true,
    });
    return typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`${display}: could not load the config module: ${message}`, { cause: err });
  }
}

function parseJson(text: string, display: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message
      .replace(/, (?:\.\.\.)?".*$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '');
    const offset = jsonErrorOffset(text);
    const { line, column } = lineColumn(text, offset < 0 ? text.length : offset);
    throw new ConfigError(
      `${display}: invalid JSON at line ${line}, column ${column}: ${message}\n${codeFrame(text, line, column)}`,
      { cause: err, details: { line, column } },
    );
  }
}

function parseYaml(text: string, display: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const where = pos ? `:${pos.line}:${pos.col}` : '';
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
    throw new ConfigError(`${display}${where}: invalid YAML: ${error.message}${more}`, {
      cause: error,
      details: pos ? { line: pos.line, column: pos.col } : {},
    });
  }
  // An empty file is an empty config.
  return doc.toJS() ?? {};
}
