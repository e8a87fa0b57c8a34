/** Types of processes.mjs, for the TypeScript test and bench that start these processes. */

export interface DeploymentSettings {
  /** PostgreSQL (the scaled-out config); absent for the one-process config. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Redis key and queue prefix: one per deployment sharing a Redis. */
  prefix?: string;
  secretKey: string;
  panel: { url: string; adminKey: string };
  whatsapp: {
    phoneNumberId: string;
    accessToken: string;
    appSecret: string;
    verifyToken: string;
    /** A fake Graph API for tests; the real one by default. */
    graphBaseUrl?: string;
  };
}

/** One process: the `smmbot` arguments and the variables it adds to the deployment's. */
export interface ProcessSpec {
  name: string;
  args: string[];
  env: Record<string, string>;
}

export const CONFIG: string;
export const ONE_PROCESS_CONFIG: string;
export const CLI: string;
export function deploymentEnv(settings: DeploymentSettings): Record<string, string>;
export function simulatorProcess(options?: { port?: number; seed?: number }): ProcessSpec;
export function webProcess(options?: { port?: number; config?: string; name?: string }): ProcessSpec;
export function workerProcess(options?: { index?: number; port?: number; config?: string }): ProcessSpec;
export function oneProcess(options?: { port?: number; config?: string }): ProcessSpec;
export function nodeArgv(proc: ProcessSpec): string[];
export function shellLine(proc: ProcessSpec, options?: { bin?: string; cwd?: string }): string;
