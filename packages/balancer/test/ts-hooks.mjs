// Runs a TypeScript test worker in a plain `node` child process (Node 20 has no type stripping):
//   node --import ./ts-hooks.mjs ./crash-worker.ts
// Imported on the main thread, this file registers itself as module hooks; on the hooks thread it
// maps `@smmbot/<pkg>` (and `/testing`) to the package sources, as vitest.config.ts does, maps a
// `./x.js` import to `./x.ts` where that exists, and transpiles `.ts` with the workspace TypeScript.
// Transpiled files are cached by content (SMMBOT_TS_CACHE, default in the OS temp folder): the
// first run transpiles ~100 files (~3 s), later runs start in a fraction of that.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

const packages = new URL('../../', import.meta.url);
const cache = process.env.SMMBOT_TS_CACHE || path.join(os.tmpdir(), 'smmbot-ts-hooks');
/** Part of every cache key: bump it when the compiler options below change. */
const CACHE_VERSION = 'es2022-esnext-1';
let ts;

export async function resolve(specifier, context, next) {
  const pkg = /^@smmbot\/([^/]+)(\/testing)?$/.exec(specifier);
  if (pkg) {
    const file = new URL(`${pkg[1]}/src/${pkg[2] ? 'testing/' : ''}index.ts`, packages);
    if (existsSync(file)) return { url: file.href, shortCircuit: true };
  }
  if (context.parentURL?.endsWith('.ts') && /^\.{1,2}\/.*\.js$/.test(specifier)) {
    const file = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(file)) return { url: file.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const key = createHash('sha256')
    .update(CACHE_VERSION)
    .update(file)
    .update('\0')
    .update(source)
    .digest('hex')
    .slice(0, 32);
  const cached = path.join(cache, `${key}.js`);
  if (existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= (await import('typescript')).default;
  const { outputText } = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  try {
    mkdirSync(cache, { recursive: true });
    // Write then rename: concurrent runs never read a half-written file.
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, outputText);
    renameSync(tmp, cached);
  } catch {
    // A read-only temp folder only costs speed.
  }
  return { format: 'module', source: outputText, shortCircuit: true };
}
