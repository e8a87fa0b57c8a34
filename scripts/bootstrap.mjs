#!/usr/bin/env node
// `npm start`, `npm test` and `npm run bench` on a machine with only Node and npm: make sure the
// pinned pnpm runs, install the workspace, build it (incremental), then do the task.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pinned = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).packageManager.replace(/^pnpm@/, '');
const [task = 'start', ...args] = process.argv.slice(2);

const env = { ...process.env };
// node-gyp (better-sqlite3) must build against the local Node headers: pnpm 12 does not pass
// npm's `nodedir` setting through, and downloading headers needs a network we may not have.
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';

function pnpmCommand() {
  try {
    const v = execFileSync('pnpm', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (v === pinned) return ['pnpm'];
  } catch {}
  // No (or another) pnpm: run the pinned one through npx, which caches it after the first use.
  return ['npx', '--yes', `pnpm@${pinned}`];
}

function run(cmd, cmdArgs, label) {
  const r = spawnSync(cmd[0], [...cmd.slice(1), ...cmdArgs], { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n✗ ${label} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

const pnpm = pnpmCommand();
run(pnpm, ['install', ...(env.CI ? ['--frozen-lockfile'] : [])], 'pnpm install');
run(pnpm, ['exec', 'tsc', '-b'], 'build');

switch (task) {
  case 'start':
    run(['node'], ['packages/host/dist/cli.js', 'start', ...args], 'smmbot start');
    break;
  case 'test':
    run(pnpm, ['exec', 'vitest', 'run', ...args], 'tests');
    break;
  case 'bench':
    run(pnpm, ['--filter', '@smmbot/bench', 'bench', ...args], 'bench');
    break;
  default:
    console.error(`unknown task "${task}": expected start, test or bench`);
    process.exit(2);
}
