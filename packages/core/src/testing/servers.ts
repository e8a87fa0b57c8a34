/**
 * Real servers for the scale-out suites (Redis, PostgreSQL). `.ci/run` starts both on loopback with
 * `scripts/servers.sh` and exports their URLs; outside CI a suite without its server is skipped with a
 * visible notice, and under `CI=true` a missing server is a failure, never a silent skip.
 */
export type RealServer = 'redis' | 'postgres';

const ENV: Record<RealServer, string> = {
  redis: 'SMMBOT_TEST_REDIS_URL',
  postgres: 'SMMBOT_TEST_POSTGRES_URL',
};

/**
 * The server's URL, or undefined (after printing why) when it is not configured outside CI. Throws
 * under `CI=true`: use it at the top of a test file, `describe.skipIf(!url)(...)`.
 */
export function realServerUrl(kind: RealServer, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = ENV[kind];
  const url = env[name]?.trim();
  if (url) return url;
  const how = `start one with \`bash scripts/servers.sh start\` and \`export $(bash scripts/servers.sh env)\``;
  if (env.CI === 'true' || env.CI === '1') {
    throw new Error(`${name} is not set: CI must run the ${kind} suites against a real server (${how})`);
  }
  console.warn(`[smmbot] ${kind} tests SKIPPED: ${name} is not set (${how})`);
  return undefined;
}
