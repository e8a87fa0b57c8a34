/**
 * The processes of a scaled-out deployment, written once: the deployment guide shows these commands,
 * and the multi-worker test (packages/host/test/scale-out) and `pnpm bench scale-out` start exactly
 * these, with the same variables. `node examples/scale-out/processes.mjs [workers]` prints them as
 * shell lines.
 *
 * Every process reads the same config file; only `--role` and `PORT` differ. Secrets and addresses
 * come from the environment (`deploymentEnv`), never from the file.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The scaled-out config: records on PostgreSQL, the key-value side and the queues on Redis. */
export const CONFIG = fileURLToPath(new URL('./smmbot.config.yaml', import.meta.url));
/** The same tenant, panel and channel in one process on the embedded default storage (SQLite). */
export const ONE_PROCESS_CONFIG = fileURLToPath(new URL('./one-process.config.yaml', import.meta.url));
/** The `smmbot` command of this checkout (the package's `bin`); build first with `npx tsc -b`. */
export const CLI = fileURLToPath(new URL('../../packages/host/dist/cli.js', import.meta.url));

/** The variables the config files read, from one deployment's settings. */
export function deploymentEnv(settings) {
  const { whatsapp, panel } = settings;
  return {
    ...(settings.databaseUrl ? { DATABASE_URL: settings.databaseUrl } : {}),
    ...(settings.redisUrl ? { REDIS_URL: settings.redisUrl } : {}),
    ...(settings.prefix ? { SMMBOT_PREFIX: settings.prefix } : {}),
    SMMBOT_SECRET_KEY: settings.secretKey,
    PANEL_URL: panel.url,
    PANEL_ADMIN_KEY: panel.adminKey,
    WA_PHONE_NUMBER_ID: whatsapp.phoneNumberId,
    WA_ACCESS_TOKEN: whatsapp.accessToken,
    WA_APP_SECRET: whatsapp.appSecret,
    WA_VERIFY_TOKEN: whatsapp.verifyToken,
    ...(whatsapp.graphBaseUrl ? { WA_GRAPH_BASE_URL: whatsapp.graphBaseUrl } : {}),
  };
}

/** `smmbot sim --port 4010`: the panel simulator, standing in for the panel (prints its Admin API key). */
export function simulatorProcess({ port = 4010, seed } = {}) {
  const args = ['sim', ...(seed === undefined ? [] : [String(seed)]), '--port', String(port)];
  return { name: 'sim', args, env: {} };
}

/** `smmbot start --role web`: takes the webhooks behind the load balancer, serves the API and dashboard. */
export function webProcess({ port = 3000, config = CONFIG, name = 'web' } = {}) {
  return { name, args: ['start', '--role', 'web', '--config', config], env: { PORT: String(port) } };
}

/** `smmbot start --role worker`: turns, scheduled jobs and the outbox; start as many as needed. */
export function workerProcess({ index = 1, port = 3100 + index, config = CONFIG } = {}) {
  return {
    name: `worker-${index}`,
    args: ['start', '--role', 'worker', '--config', config],
    env: { PORT: String(port) },
  };
}

/** `smmbot start` with the one-process config: everything in one process (role `all`), SQLite. */
export function oneProcess({ port = 3000, config = ONE_PROCESS_CONFIG } = {}) {
  return { name: 'all', args: ['start', '--config', config], env: { PORT: String(port) } };
}

/** `node <CLI> ...args`: how a script or test starts a process of this checkout. */
export function nodeArgv(proc) {
  return [CLI, ...proc.args];
}

/** The line to type: `PORT=3101 smmbot start --role worker --config examples/scale-out/smmbot.config.yaml`. */
export function shellLine(proc, { bin = 'smmbot', cwd = process.cwd() } = {}) {
  const vars = Object.entries(proc.env).map(([k, v]) => `${k}=${v}`);
  const args = proc.args.map((a) => (path.isAbsolute(a) ? path.relative(cwd, a) : a));
  return [...vars, bin, ...args].join(' ');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const workers = Number(process.argv[2] ?? 2);
  const names = Object.keys(
    deploymentEnv({ databaseUrl: '-', redisUrl: '-', prefix: '-', secretKey: '-', panel: {}, whatsapp: {} }),
  );
  console.log(`# every process needs: ${names.join(' ')} (WA_GRAPH_BASE_URL only for a fake Graph API)`);
  console.log(shellLine(simulatorProcess()));
  console.log(shellLine(webProcess()));
  for (let i = 1; i <= workers; i++) console.log(shellLine(workerProcess({ index: i })));
}
